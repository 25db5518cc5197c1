package harness

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/dasapi"
	"github.com/wipo-das/dasim/simulators/faults"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// ObserveConfig describes a client role under test (an office of second
// filing) and what the harness does to it.
type ObserveConfig struct {
	Office   string // ST.3 code the system acts for
	ClientID string
	CertPEM  []byte // its certificate, the file an office sends WIPO
	// NotifyURL is its notifications API root (…/das/v1/requests): DAS
	// notifies it there, after the harness probed it with forged
	// notifications. Empty: it polls retrievals/statuses.
	NotifyURL string
	// Documents are the documents it must retrieve, download whole and may
	// delete: the listed documents of the endpoints file.
	Documents []DocumentFile
	Faults    OSFFaults
	// RequireRenewal makes T2 required: the world issues short-lived
	// tokens, and the run is not done until the client renewed one.
	RequireRenewal bool
}

// OSFFaults are the faults the harness injects towards an OSF under test,
// each aimed at one obligation.
type OSFFaults struct {
	// Unavailable answers its first two POST retrievals 503, the first with
	// Retry-After: 1, the second without (O7, O11).
	Unavailable bool
	// RepeatedNotification sends DAS's first notification twice (O3).
	RepeatedNotification bool
	// ExpiredURL hands out an already expired first file location URL (O10).
	ExpiredURL bool
	// CorruptDownload alters one byte of its first download (O13).
	CorruptDownload bool
}

// Any reports whether any fault is on.
func (f OSFFaults) Any() bool {
	return f.Unavailable || f.RepeatedNotification || f.ExpiredURL || f.CorruptDownload
}

// unavailableRetryAfter is the Retry-After of the first injected 503.
const unavailableRetryAfter = time.Second

// Observed is a client role under test (an office of second filing) that
// drives the simulated DAS itself: the harness gives it a DAS entrance of its
// own, records every exchange through it, and can answer it with faults of
// party ObservedParty that no simulated office meets.
type Observed struct {
	Office   string
	ClientID string
	API      string // its DAS entrance, base path included
	Party    string // how failures name it: "office SE (system under test)"
	cfg      ObserveConfig
	w        *World
	log      *stampedLog
	gate     *notifyGate // nil when it polls
	probes   *prober     // nil when it polls
}

// ObservedParty names the DAS entrance of a system under test in fault rules.
const ObservedParty = "das (entrance of the system under test)"

// Observe registers a client under test, whitelists it for its office, opens
// its own DAS entrance, switches on cfg.Faults and — with a NotifyURL —
// makes DAS notify it there (setup A: the system validates WIPO tokens
// through the world's JWKS), through the notify gate.
func (w *World) Observe(ctx context.Context, cfg ObserveConfig) (*Observed, error) {
	if err := w.checkObservable(cfg); err != nil {
		return nil, err
	}
	if err := w.admit(cfg.ClientID, cfg.Office, cfg.CertPEM); err != nil {
		return nil, err
	}
	party := "office " + cfg.Office + " (system under test)"
	o := &Observed{Office: cfg.Office, ClientID: cfg.ClientID, Party: party, cfg: cfg, w: w,
		log: &stampedLog{clock: w.Clock}}
	corrupt := 0
	if cfg.Faults.CorruptDownload {
		corrupt = 1
	}
	w.objects.start(corrupt) // step 2d happens at the object store
	w.tokens.start(party, w.simulatedClients())
	if err := w.addOSFFaults(cfg.Faults); err != nil {
		return nil, err
	}
	if cfg.NotifyURL != "" { // before the entrance serves: the probes hang on its log
		if err := o.startNotifications(ctx); err != nil {
			return nil, err
		}
	}
	l, err := w.open(Config{}, "observed "+cfg.Office)
	if err != nil {
		return nil, err
	}
	// The contract middleware is outermost, so that the injected 503s are
	// recorded (and timed) like every other answer the system got.
	var unavailable atomic.Int32
	inner := w.Faults.Middleware(ObservedParty, faults.DASOperation, w.DAS.Handler(),
		func(rw http.ResponseWriter, r *http.Request, f *faults.Injected) { w.DAS.WriteError(rw, r, f) })
	withRetryAfter := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		inner.ServeHTTP(&retryAfterWriter{ResponseWriter: rw, first: func() bool { return unavailable.Add(1) == 1 }}, r)
	})
	l.serve(openapi.DAS().Middleware(withRetryAfter, openapi.WithRecorder(o.log),
		openapi.WithParty(party), openapi.WithTranscripts(),
		openapi.OnRefusal(func(rw http.ResponseWriter, r *http.Request, ref *openapi.Refusal) {
			w.DAS.WriteError(rw, r, dasapi.RefusalError(ref))
		})))
	o.API = l.URL + DASBasePath
	return o, nil
}

func (w *World) checkObservable(cfg ObserveConfig) error {
	var errs []error
	if !officeCodePattern(cfg.Office) {
		errs = append(errs, fmt.Errorf("office %q is not an ST.3 code (two upper-case letters)", cfg.Office))
	} else if w.Office(cfg.Office) != nil || cfg.Office == "WO" || cfg.Office == "IB" {
		errs = append(errs, fmt.Errorf("office %s is played by the simulated world; certify the system as another office", cfg.Office))
	}
	for _, id := range w.simulatedClients() {
		if cfg.ClientID == id {
			errs = append(errs, fmt.Errorf("client id %q is a simulated party's; choose the system's own", id))
		}
	}
	if cfg.ClientID == "" || len(cfg.CertPEM) == 0 {
		errs = append(errs, errors.New("the system's client id and certificate PEM are required"))
	}
	if cfg.NotifyURL != "" {
		if u, err := url.Parse(cfg.NotifyURL); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			errs = append(errs, fmt.Errorf("notify URL %q is not an absolute http(s) URL", cfg.NotifyURL))
		}
	}
	if len(cfg.Documents) == 0 {
		errs = append(errs, errors.New("no documents listed for the system to retrieve"))
	}
	return errors.Join(errs...)
}

// simulatedClients are the client ids of the world's own parties.
func (w *World) simulatedClients() []string {
	ids := []string{DASClientID}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, o := range w.Offices {
		ids = append(ids, o.ClientID())
	}
	return ids
}

func (w *World) addOSFFaults(f OSFFaults) error {
	var rules []faults.Rule
	if f.Unavailable {
		rules = append(rules, faults.Rule{Party: ObservedParty, Operation: "requestRetrieval", Kind: faults.ServerError,
			Status: http.StatusServiceUnavailable, Remaining: 2})
	}
	if f.RepeatedNotification {
		rules = append(rules, faults.Rule{Party: "das", Operation: "notify", Kind: faults.NotificationDuplicated, Remaining: 1})
	}
	if f.ExpiredURL {
		rules = append(rules, faults.Rule{Party: "das", Kind: faults.ExpiredDownloadURL, Remaining: 1})
	}
	for _, r := range rules {
		if _, err := w.Faults.Add(r); err != nil {
			return err
		}
	}
	return nil
}

// startNotifications puts the notify gate in DAS's office directory for the
// system and arms the probes, which the system's first acknowledged
// retrieval sets off.
func (o *Observed) startNotifications(ctx context.Context) error {
	w := o.w
	target := strings.TrimSuffix(o.cfg.NotifyURL, "/") + "/notifications"
	client := w.HTTPClient()
	done := make(chan struct{})
	ctx, cancel := context.WithCancel(ctx)
	w.onClose(func(context.Context) error { cancel(); return nil })
	o.probes = &prober{ctx: ctx, target: target, peer: o.Party, client: client, clock: w.Clock, done: done,
		mint: func(now time.Time) (*probeMinter, error) { return newProbeMinter(w.AuthZ, w.signingKey, w.rand, now) }}
	o.gate = &notifyGate{target: target, client: client, clock: w.Clock, hold: done}
	l, err := w.open(Config{}, "notify gate "+o.Office)
	if err != nil {
		return err
	}
	l.serve(o.gate)
	w.route(o.Office, l.URL+DASBasePath, w.AuthZ.Issuer())
	o.log.onRecord = func(s Stamped) {
		if s.Operation != "requestRetrieval" || s.Status != http.StatusCreated {
			return
		}
		var ack protocol.RetrievalAck
		var doc probedDocument
		_ = jsonField(s.RequestBody, &doc) // the probes name it when it can be read
		if jsonField(s.ResponseBody, &ack) == nil && ack.RequestAckID != "" {
			o.probes.trigger(ack.RequestAckID, doc)
		}
	}
	return nil
}

// retryAfterWriter adds Retry-After to the first 503 the entrance answers
// (the injected one): RFC 9110 section 10.2.3.
type retryAfterWriter struct {
	http.ResponseWriter
	first func() bool
}

func (r *retryAfterWriter) WriteHeader(status int) {
	if status == http.StatusServiceUnavailable && r.first() {
		r.Header().Set("Retry-After", fmt.Sprint(int(unavailableRetryAfter/time.Second)))
	}
	r.ResponseWriter.WriteHeader(status)
}

func (o *Observed) String() string {
	return fmt.Sprintf("office %s (client %s) at DAS entrance %s", o.Office, o.ClientID, o.API)
}

// NotifyURL is the system's notifications API root, "" when it polls.
func (o *Observed) NotifyURL() string { return o.cfg.NotifyURL }

// Now is the time on the world's clock.
func (o *Observed) Now() time.Time { return o.w.Clock.Now() }
