package openapi

import (
	"context"
	"sync"
	"time"
)

// Labels attribute an exchange to the party that recorded it, its peer, and
// the flow step the harness was running (e.g. Flow "c.1", Step "(2a)").
type Labels struct {
	Party string `json:"party,omitempty"`
	Peer  string `json:"peer,omitempty"`
	Flow  string `json:"flow,omitempty"`
	Step  string `json:"step,omitempty"`
	// Spec and SpecStep are the scenario that was running when the exchange
	// was recorded and the step of it (its By text): the harness stamps them
	// on every exchange, in both directions, so that a report can show which
	// step of a scenario caused an exchange, background calls included.
	Spec     string `json:"spec,omitempty"`
	SpecStep string `json:"specStep,omitempty"`
	// Deliberate marks a request a negative test breaks on purpose: its
	// request violations are the point, not a fault of the sender.
	Deliberate bool `json:"deliberate,omitempty"`
}

type labelsKey struct{}

// WithLabels returns a context whose exchanges carry l; empty fields of l
// keep the values already in ctx.
func WithLabels(ctx context.Context, l Labels) context.Context {
	old := LabelsFrom(ctx)
	if l.Party == "" {
		l.Party = old.Party
	}
	if l.Peer == "" {
		l.Peer = old.Peer
	}
	if l.Flow == "" {
		l.Flow = old.Flow
	}
	if l.Step == "" {
		l.Step = old.Step
	}
	if l.Spec == "" {
		l.Spec = old.Spec
	}
	if l.SpecStep == "" {
		l.SpecStep = old.SpecStep
	}
	l.Deliberate = l.Deliberate || old.Deliberate
	return context.WithValue(ctx, labelsKey{}, l)
}

// LabelsFrom returns the labels of ctx.
func LabelsFrom(ctx context.Context) Labels {
	l, _ := ctx.Value(labelsKey{}).(Labels)
	return l
}

// Exchange is one request and its response as seen by a recording party,
// with the contract's verdict on each.
type Exchange struct {
	// At is when the exchange was recorded, on the recording world's clock
	// (virtual in a simulated world); zero when the recorder has no clock.
	At                 time.Time   `json:"at,omitzero"`
	Contract           string      `json:"contract"`
	Recorder           string      `json:"recorder"` // "server" (middleware) or "client" (transport)
	Labels             Labels      `json:"labels"`
	Operation          string      `json:"operation,omitempty"`
	Method             string      `json:"method"`
	URL                string      `json:"url"`
	Status             int         `json:"status,omitempty"`
	TransportError     string      `json:"transportError,omitempty"`
	RequestBody        string      `json:"requestBody,omitempty"`  // redacted, truncated; with WithTranscripts
	ResponseBody       string      `json:"responseBody,omitempty"` // redacted, truncated; with WithTranscripts
	RequestViolations  []Violation `json:"requestViolations,omitempty"`
	ResponseViolations []Violation `json:"responseViolations,omitempty"`
}

// OK reports whether both messages kept the contract and the exchange completed.
func (e Exchange) OK() bool {
	return len(e.RequestViolations) == 0 && len(e.ResponseViolations) == 0 && e.TransportError == ""
}

// Violations returns the request's and the response's violations.
func (e Exchange) Violations() []Violation {
	return append(append([]Violation(nil), e.RequestViolations...), e.ResponseViolations...)
}

// Recorder receives every exchange a middleware or transport sees.
type Recorder interface {
	Record(Exchange)
}

// Log is an in-memory Recorder safe for concurrent use. The zero Log keeps
// everything (a spec's world lives for one spec); NewLog makes a bounded
// ring for long-running worlds (log_ring.go).
type Log struct {
	mu        sync.Mutex
	exchanges []Exchange
	ring      ring
}

// Record appends e; a full ring forgets its oldest exchange.
func (l *Log) Record(e Exchange) {
	l.mu.Lock()
	l.ring.spillLocked(e)
	if l.ring.limit > 0 && len(l.exchanges) == l.ring.limit {
		l.exchanges[l.ring.start] = e
		l.ring.start = (l.ring.start + 1) % l.ring.limit
		l.ring.dropped++
	} else {
		l.exchanges = append(l.exchanges, e)
	}
	l.mu.Unlock()
}

// Exchanges returns a copy of everything kept, oldest first.
func (l *Log) Exchanges() []Exchange {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Exchange, 0, len(l.exchanges))
	out = append(out, l.exchanges[l.ring.start:]...)
	return append(out, l.exchanges[:l.ring.start]...)
}

// Failed returns the exchanges with a violation or a transport error.
func (l *Log) Failed() []Exchange { return l.filter(func(e Exchange) bool { return !e.OK() }) }

func (l *Log) filter(keep func(Exchange) bool) []Exchange {
	var out []Exchange
	for _, e := range l.Exchanges() {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}

// Reset forgets everything kept (the count of forgotten exchanges too).
func (l *Log) Reset() {
	l.mu.Lock()
	l.exchanges, l.ring.start, l.ring.dropped = nil, 0, 0
	l.mu.Unlock()
}

// Option configures a Middleware or a Transport.
type Option func(*settings)

type settings struct {
	recorder    Recorder
	party       string
	transcripts bool
	strict      bool
	passThrough bool
	onRefusal   RefusalFunc
}

// WithRecorder sends every exchange to r.
func WithRecorder(r Recorder) Option { return func(s *settings) { s.recorder = r } }

// WithParty names the recording party (e.g. "das", "office EE") when the
// request context does not.
func WithParty(name string) Option { return func(s *settings) { s.party = name } }

// WithTranscripts keeps redacted, truncated bodies in recorded exchanges.
func WithTranscripts() Option { return func(s *settings) { s.transcripts = true } }

// Strict makes a Transport refuse to send a request that breaks the contract
// and fail a call whose response breaks it (a *ContractError).
func Strict() Option { return func(s *settings) { s.strict = true } }

// PassThrough makes a Middleware record request violations but still hand
// the request to the handler, for servers that answer bad input in their own
// protocol (the token endpoint explains each OAuth check itself).
func PassThrough() Option { return func(s *settings) { s.passThrough = true } }

func newSettings(opts []Option) *settings {
	s := &settings{}
	for _, o := range opts {
		o(s)
	}
	return s
}

func (s *settings) record(ctx context.Context, e Exchange) {
	if s.recorder == nil {
		return
	}
	e.Labels = LabelsFrom(ctx)
	if e.Labels.Party == "" {
		e.Labels.Party = s.party
	}
	s.recorder.Record(e)
}

// Faults returns the violations that speak against a party: every response
// violation, and request violations seen by the sending side unless the
// request was broken deliberately. A server's copy of a request violation
// mirrors the client's and is not counted twice.
func (e Exchange) Faults() []Violation {
	out := append([]Violation(nil), e.ResponseViolations...)
	if e.Recorder == "client" && !e.Labels.Deliberate {
		out = append(out, e.RequestViolations...)
	}
	return out
}

// Faulty returns the exchanges that broke the contract (Faults). Transport
// errors are not among them: a fault injected on purpose causes those
// (Failed includes them).
func (l *Log) Faulty() []Exchange {
	return l.filter(func(e Exchange) bool { return len(e.Faults()) > 0 })
}
