package harness

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/clock"
)

// ProbeResult is the system's answer to one forged notification.
type ProbeResult struct {
	Probe
	At        time.Time
	Status    int    // 0 when no answer came
	Challenge string // its WWW-Authenticate header
	Body      string // the first bytes of its body
	Error     string // why no answer came
}

// probeTimeout bounds each probe: a receiver that does not answer within
// it fails the probe (DAS would give up on it too).
const probeTimeout = 3 * time.Second

// actGrace is how long, after the last probe, the harness watches for the
// system acting on a refused notification before DAS's genuine one goes
// out: a receiver that queues work asynchronously gets this long to betray
// itself.
const actGrace = 500 * time.Millisecond

// prober sends the forged notifications of Probes to an OSF's notification
// endpoint once, about the first retrieval DAS acknowledged to it, while
// the notify gate holds DAS's genuine notifications back.
type prober struct {
	ctx    context.Context
	target string // the system's POST notifications URL
	peer   string // the system's party name, in the transcript
	client *http.Client
	clock  clock.Clock
	mint   func(now time.Time) (*probeMinter, error)

	once sync.Once
	done chan struct{} // closed when the probes and the grace are over

	mu        sync.Mutex
	ack       string // the retrieval the probes claim is ready
	fileID    string // the file id they name, known to nobody
	from      time.Time
	until     time.Time
	results   []ProbeResult
	failure   string // why the probes could not be sent
	exchanges []openapi.Exchange
}

// probedDocument is the document of the retrieval the probes are about.
type probedDocument struct {
	Kind   string `json:"documentKindCategory"`
	Number string `json:"documentNumber"`
	Date   string `json:"documentDate"`
}

// trigger starts the probes about retrieval ack (of doc), the first time only.
func (p *prober) trigger(ack string, doc probedDocument) {
	p.once.Do(func() { go p.run(ack, doc) })
}

func (p *prober) run(ack string, doc probedDocument) {
	defer close(p.done)
	now := p.clock.Now()
	sum := sha256.Sum256([]byte("dasim probe " + ack))
	fileID := "probe-" + hex.EncodeToString(sum[:8])
	p.mu.Lock()
	p.ack, p.fileID, p.from = ack, fileID, now
	p.mu.Unlock()
	body, _ := json.Marshal(map[string]any{"requestAckId": ack, "requestStatusCategory": "success",
		"documentAvailabilityDate": now.UTC().Format(time.RFC3339), "documentKindCategory": doc.Kind,
		"documentNumber": doc.Number, "documentDate": doc.Date, "fileId": fileID,
		"fileChecksum": hex.EncodeToString(sum[:]), "statusMessage": "document available"})
	m, err := p.mint(now)
	if err != nil {
		p.mu.Lock()
		p.failure = "the probes' tokens could not be made: " + err.Error()
		p.mu.Unlock()
		return
	}
	for _, pr := range Probes() {
		res := p.send(pr, m, body)
		p.mu.Lock()
		p.results = append(p.results, res)
		p.mu.Unlock()
	}
	t := time.NewTimer(actGrace) // the system reacts in real time
	defer t.Stop()
	select {
	case <-t.C:
	case <-p.ctx.Done():
	}
	p.mu.Lock()
	p.until = p.clock.Now()
	p.mu.Unlock()
}

func (p *prober) send(pr Probe, m *probeMinter, body []byte) ProbeResult {
	res := ProbeResult{Probe: pr}
	auth, err := pr.authorization(m)
	if err != nil {
		res.At, res.Error = p.clock.Now(), "the probe could not be made: "+err.Error()
		return res
	}
	ctx, cancel := context.WithTimeout(p.ctx, probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.target, bytes.NewReader(body))
	if err != nil {
		res.At, res.Error = p.clock.Now(), err.Error()
		return res
	}
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := p.client.Do(req)
	res.At = p.clock.Now()
	if err != nil {
		res.Error = err.Error()
		p.note(pr, string(body), 0, err.Error())
		return res
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
	res.Status, res.Challenge, res.Body = resp.StatusCode, resp.Header.Get("WWW-Authenticate"), string(b)
	p.note(pr, string(body), resp.StatusCode, "")
	return res
}

// note keeps a probe as an exchange for the report's transcript.
func (p *prober) note(pr Probe, body string, status int, transportErr string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.exchanges = append(p.exchanges, openapi.Exchange{At: p.clock.Now(), Contract: "das", Recorder: "client", Operation: "notify",
		Method: http.MethodPost, URL: p.target, Status: status, TransportError: transportErr,
		Labels:      openapi.Labels{Party: "dasim probe", Peer: p.peer, Step: pr.ID + " " + pr.Name, Deliberate: true},
		RequestBody: body})
}

// probeView is what the checks read of the prober.
type probeView struct {
	ack, fileID string
	from, until time.Time // until is zero while the probes run
	results     []ProbeResult
	failure     string
}

func (p *prober) view() probeView {
	if p == nil {
		return probeView{}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return probeView{ack: p.ack, fileID: p.fileID, from: p.from, until: p.until,
		results: append([]ProbeResult(nil), p.results...), failure: p.failure}
}

func (p *prober) transcript() []openapi.Exchange {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]openapi.Exchange(nil), p.exchanges...)
}

func (r ProbeResult) String() string {
	if r.Status == 0 {
		return fmt.Sprintf("no answer (%s)", r.Error)
	}
	s := fmt.Sprint(r.Status)
	if r.Challenge != "" {
		s += ", WWW-Authenticate: " + clip(r.Challenge)
	} else {
		s += ", no WWW-Authenticate header"
	}
	if r.Body != "" {
		s += ", body " + clip(r.Body)
	}
	return s
}
