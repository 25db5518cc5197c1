package harness

import (
	"fmt"
	"net/http"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/das"
	"github.com/wipo-das/dasim/simulators/dasapi"
	"github.com/wipo-das/dasim/simulators/faults"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// Observed is a client role under test (an office of second filing) that
// drives the simulated DAS itself: the harness gives it a DAS entrance of its
// own, records every exchange through it, and can answer it with faults of
// party ObservedParty that no simulated office meets.
type Observed struct {
	Office   string // ST.3 code the system acts for
	ClientID string
	API      string // its DAS entrance, base path included
	Log      *openapi.Log
	w        *World
}

// ObservedParty names the DAS entrance of a system under test in fault rules.
const ObservedParty = "das (entrance of the system under test)"

// Observe registers a client under test (its certificate, the file an office
// sends WIPO), whitelists it for office, opens its own DAS entrance, and —
// when notifyURL is given — makes DAS notify the system there (setup A:
// the system validates WIPO tokens through the world's JWKS).
func (w *World) Observe(office, clientID string, certPEM []byte, notifyURL string) (*Observed, error) {
	if err := w.admit(clientID, office, certPEM); err != nil {
		return nil, err
	}
	o := &Observed{Office: office, ClientID: clientID, Log: &openapi.Log{}, w: w}
	w.objects.start() // step 2d happens at the object store
	l, err := w.open(Config{}, "observed "+office)
	if err != nil {
		return nil, err
	}
	party := "office " + office + " (system under test)"
	// The recorder sits in front of the faults, so the transcript holds the
	// 503 the harness answers on purpose: it is what a failed retry check
	// points at. Refusals of either layer are DAS's to write.
	faulty := w.Faults.Middleware(ObservedParty, faults.DASOperation, w.DAS.Handler(),
		func(rw http.ResponseWriter, r *http.Request, f *faults.Injected) { w.DAS.WriteError(rw, r, f) })
	l.serve(openapi.DAS().Middleware(faulty, openapi.WithRecorder(openapi.Stamped(w.Clock.Now, o.Log)),
		openapi.WithParty(party), openapi.WithTranscripts(),
		openapi.OnRefusal(func(rw http.ResponseWriter, r *http.Request, ref *openapi.Refusal) {
			w.DAS.WriteError(rw, r, dasapi.RefusalError(ref))
		})))
	o.API = l.URL + DASBasePath
	if notifyURL != "" {
		w.route(office, notifyURL, w.AuthZ.Issuer())
	}
	return o, nil
}

// notifications are DAS's calls to the system's notifications endpoint,
// for the retrievals among its exchanges ex.
func (o *Observed) notifications(ex []openapi.Exchange) []das.Attempt {
	var out []das.Attempt
	for _, e := range ex {
		if e.Operation != "requestRetrieval" || e.Status != http.StatusCreated {
			continue
		}
		var ack protocol.RetrievalAck
		if err := jsonField(e.ResponseBody, &ack); err != nil || ack.RequestAckID == "" {
			continue
		}
		for _, a := range o.w.DAS.Deliveries(ack.RequestAckID) {
			if a.Call == "notify" {
				out = append(out, a)
			}
		}
	}
	return out
}

func (o *Observed) String() string {
	return fmt.Sprintf("office %s (client %s) at DAS entrance %s", o.Office, o.ClientID, o.API)
}
