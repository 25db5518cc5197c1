package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// Delivery is one of DAS's genuine notifications to a system under test
// and the system's answer, as the notify gate passed them on.
type Delivery struct {
	At        time.Time
	AckID     string
	Status    int    // 0 when no answer came
	Body      string // the first bytes of the answer's body
	BodyBytes int64  // its length
	Error     string // why no answer came
}

// maxDeliveries bounds what the gate keeps.
const maxDeliveries = 10000

// gateForwardTimeout bounds one forwarded notification.
const gateForwardTimeout = 10 * time.Second

// notifyGate stands between DAS and a system's notification endpoint: DAS's
// office directory points at it, it holds DAS's notifications until the
// probes are over (so that what the system does meanwhile is known to be
// its reaction to a forged notification), then passes each on unchanged —
// body, Authorization and all — and DAS's answer back. It records what the
// system answered, which DAS's own records do not keep in full.
type notifyGate struct {
	target string // the system's POST notifications URL
	client *http.Client
	clock  clock.Clock
	hold   <-chan struct{} // closed when notifications may pass; nil: never held

	mu         sync.Mutex
	deliveries []Delivery
	inFlight   int
	last       time.Time // of the last notification that came or went
}

func (g *notifyGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/notifications") {
		protocol.WriteDASError(w, protocol.NewDASError(http.StatusNotFound, protocol.CodeNotFound, protocol.DetailInvalidField,
			"%s %s: the system under test serves only POST notifications here", r.Method, r.URL.Path), protocol.ShapeFlat)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return
	}
	g.busy(1)
	defer g.busy(-1)
	if g.hold != nil {
		select {
		case <-g.hold:
		case <-r.Context().Done():
			return
		}
	}
	var n struct {
		RequestAckID string `json:"requestAckId"`
	}
	_ = json.Unmarshal(body, &n)
	d, resp := g.forward(r.Context(), r.Header, body)
	d.AckID = n.RequestAckID
	g.mu.Lock()
	if len(g.deliveries) < maxDeliveries {
		g.deliveries = append(g.deliveries, d)
	}
	g.mu.Unlock()
	if resp == nil {
		protocol.WriteDASError(w, protocol.NewDASError(http.StatusBadGateway, protocol.CodeSystemError, protocol.DetailOFFUnreachable,
			"the system under test did not answer: %s", d.Error), protocol.ShapeFlat)
		return
	}
	for _, h := range []string{"Content-Type", "WWW-Authenticate", "Retry-After"} {
		if v := resp.header.Get(h); v != "" {
			w.Header().Set(h, v)
		}
	}
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}

type gateAnswer struct {
	status int
	header http.Header
	body   []byte
}

// forward sends DAS's notification on to the system, unchanged.
func (g *notifyGate) forward(ctx context.Context, h http.Header, body []byte) (Delivery, *gateAnswer) {
	ctx, cancel := context.WithTimeout(ctx, gateForwardTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.target, bytes.NewReader(body))
	if err != nil {
		return Delivery{At: g.clock.Now(), Error: err.Error()}, nil
	}
	for _, name := range []string{"Authorization", "Content-Type", "Accept"} {
		if v := h.Get(name); v != "" {
			req.Header.Set(name, v)
		}
	}
	resp, err := g.client.Do(req)
	if err != nil {
		return Delivery{At: g.clock.Now(), Error: err.Error()}, nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	d := Delivery{At: g.clock.Now(), Status: resp.StatusCode, BodyBytes: int64(len(b)), Body: clip(string(b))}
	if err != nil {
		d.Error = "reading the answer: " + err.Error()
	}
	return d, &gateAnswer{status: resp.StatusCode, header: resp.Header, body: b}
}

func (g *notifyGate) busy(delta int) {
	g.mu.Lock()
	g.inFlight += delta
	g.last = g.clock.Now()
	g.mu.Unlock()
}

// view returns the deliveries so far, whether one is under way, and when
// the last one came or went.
func (g *notifyGate) view() (ds []Delivery, inFlight bool, last time.Time) {
	if g == nil {
		return nil, false, time.Time{}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.deliveries), g.inFlight > 0, g.last
}
