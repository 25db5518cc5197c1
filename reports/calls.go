package reports

import (
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/wipo-das/dasim/openapi"
)

// Call is one HTTP exchange between two parties, once: the caller's record
// (a contract Transport) and the server's (a contract Middleware) of the
// same request merged, each side's verdict kept.
type Call struct {
	Seq            int       `json:"seq"` // 1, 2, ... within its transcript
	At             time.Time `json:"at,omitzero"`
	From           string    `json:"from,omitempty"` // calling party; empty when only an unlabelled server saw it
	To             string    `json:"to,omitempty"`
	Contract       string    `json:"contract,omitempty"`
	Operation      string    `json:"operation,omitempty"`
	Method         string    `json:"method"`
	URL            string    `json:"url"` // path and query, as the server received them
	Status         int       `json:"status,omitempty"`
	Flow           string    `json:"flow,omitempty"` // the harness's flow and step labels
	Step           string    `json:"step,omitempty"`
	Deliberate     bool      `json:"deliberate,omitempty"` // a request broken on purpose by a negative test
	TransportError string    `json:"transportError,omitempty"`
	RequestBody    string    `json:"requestBody,omitempty"`
	ResponseBody   string    `json:"responseBody,omitempty"`
	Client         *Verdict  `json:"client,omitempty"` // nil: the caller did not record it
	Server         *Verdict  `json:"server,omitempty"` // nil: the server did not record it
}

// Verdict is one side's judgement of a call against the contract (the
// caller's side is From's, the server's To's).
type Verdict struct {
	Violations []openapi.Violation `json:"violations,omitempty"`
}

// OK reports whether the side saw no violation.
func (v *Verdict) OK() bool { return v == nil || len(v.Violations) == 0 }

// Faults are the violations that speak against a party: every response
// violation, and request violations unless the request was broken on
// purpose; each once, though both sides may have seen it.
func (c Call) Faults() []openapi.Violation {
	var out []openapi.Violation
	seen := map[string]bool{}
	for _, v := range []*Verdict{c.Client, c.Server} {
		if v == nil {
			continue
		}
		for _, x := range v.Violations {
			if (x.Side == "request" && c.Deliberate) || seen[x.String()] {
				continue
			}
			seen[x.String()] = true
			out = append(out, x)
		}
	}
	return out
}

// Failed reports whether the call broke the contract or did not complete.
func (c Call) Failed() bool { return c.TransportError != "" || len(c.Faults()) > 0 }

// Merge turns recorded exchanges, in record order, into calls: a client's
// record and a server's of the same request become one call (Merger).
func Merge(ex []openapi.Exchange) []Call {
	m := NewMerger(0)
	for _, e := range ex {
		m.Add(e)
	}
	return m.Calls()
}

// Merger pairs records as they come: a client's record and a server's of
// the same request (method, path and query, status, and response body where
// both kept one) become one call. A server writes its response before it
// records, so either record may come first; each is paired with the
// earliest unpaired record of the other side. A live viewer keeps a window
// of recent calls: older ones are no longer paired, and memory stays bounded.
type Merger struct {
	window  int              // calls kept for pairing; 0: all
	calls   []Call           // the last window calls, oldest first
	dropped int              // calls that left the window
	waiting map[string][]int // pairing key → Seqs of calls missing one side
}

// NewMerger returns a Merger keeping window calls (0: every call).
func NewMerger(window int) *Merger { return &Merger{window: window, waiting: map[string][]int{}} }

// Add folds e into a new call, or into the call of its other side; it
// returns that call and whether it was already returned before (an update).
func (m *Merger) Add(e openapi.Exchange) (Call, bool) {
	uri := requestURI(e.URL)
	key := e.Method + " " + uri + " " + strconv.Itoa(e.Status)
	if e.TransportError == "" {
		if c, ok := m.partner(key, e); ok {
			c.add(e)
			c.fillParties()
			return *c, true
		}
	}
	c := Call{Seq: m.dropped + len(m.calls) + 1, Contract: e.Contract, Operation: e.Operation, Method: e.Method, URL: uri}
	c.add(e)
	c.fillParties()
	m.calls = append(m.calls, c)
	if e.TransportError == "" {
		m.waiting[key] = append(m.waiting[key], c.Seq)
	}
	if m.window > 0 && len(m.calls) > m.window {
		old := m.calls[0]
		m.calls, m.dropped = m.calls[1:], m.dropped+1
		m.forget(old.Seq)
	}
	return c, false
}

// Calls returns the calls kept, oldest first.
func (m *Merger) Calls() []Call { return m.calls }

// partner finds, among the calls waiting under key, the first recorded by
// the other side whose response body does not contradict e's.
func (m *Merger) partner(key string, e openapi.Exchange) (*Call, bool) {
	for j, seq := range m.waiting[key] {
		c := &m.calls[seq-m.dropped-1]
		if (e.Recorder == "client" && c.Client != nil) || (e.Recorder != "client" && c.Server != nil) {
			continue
		}
		if e.ResponseBody != "" && c.ResponseBody != "" && e.ResponseBody != c.ResponseBody {
			continue
		}
		m.waiting[key] = append(m.waiting[key][:j:j], m.waiting[key][j+1:]...)
		if len(m.waiting[key]) == 0 {
			delete(m.waiting, key)
		}
		return c, true
	}
	return nil, false
}

// forget stops pairing the call seq, which left the window.
func (m *Merger) forget(seq int) {
	for key, seqs := range m.waiting {
		if i := slices.Index(seqs, seq); i >= 0 {
			m.waiting[key] = slices.Delete(seqs, i, i+1)
			if len(m.waiting[key]) == 0 {
				delete(m.waiting, key)
			}
		}
	}
}

// add folds one side's record into the call.
func (c *Call) add(e openapi.Exchange) {
	v := &Verdict{Violations: e.Violations()}
	if e.Recorder == "client" {
		c.Client = v
		c.From = e.Labels.Party
		if e.Labels.Peer != "" {
			c.To = e.Labels.Peer
		}
	} else {
		c.Server = v
		c.To = e.Labels.Party
		if c.From == "" {
			c.From = e.Labels.Peer
		}
	}
	if c.At.IsZero() || (!e.At.IsZero() && e.At.Before(c.At)) {
		c.At = e.At
	}
	c.Status = e.Status
	c.Flow, c.Step = or(c.Flow, e.Labels.Flow), or(c.Step, e.Labels.Step)
	c.Deliberate = c.Deliberate || e.Labels.Deliberate
	c.TransportError = or(c.TransportError, e.TransportError)
	c.RequestBody, c.ResponseBody = or(c.RequestBody, e.RequestBody), or(c.ResponseBody, e.ResponseBody)
	c.Operation = or(c.Operation, e.Operation)
}

// fillParties names the far side of a call only one side recorded, where
// the protocol leaves no doubt: an office's client calls DAS.
func (c *Call) fillParties() {
	if c.To == "" && c.Contract == openapi.DAS().Name() && c.From != "das" && c.From != "" {
		c.To = "das"
	}
}

// requestURI is the path and query of an absolute or relative URL.
func requestURI(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.RequestURI()
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
