package reports

import (
	"net/url"
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

// Verdict is one side's judgement of a call against the contract.
type Verdict struct {
	Party      string              `json:"party,omitempty"`
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
// record and a server's of the same request (method, path and query,
// status, and response body where both kept one) become one call. A server
// writes its response before it records, so either record may come first;
// each is paired with the earliest unpaired record of the other side.
func Merge(ex []openapi.Exchange) []Call {
	calls := make([]Call, 0, len(ex))
	waiting := map[string][]int{} // pairing key → indexes of calls missing one side
	for _, e := range ex {
		side, uri := e.Recorder, requestURI(e.URL)
		key := e.Method + " " + uri + " " + strconv.Itoa(e.Status)
		if e.TransportError == "" {
			if i, ok := takePartner(calls, waiting, key, side, e.ResponseBody); ok {
				calls[i].add(e)
				continue
			}
		}
		c := Call{Contract: e.Contract, Operation: e.Operation, Method: e.Method, URL: uri}
		c.add(e)
		calls = append(calls, c)
		if e.TransportError == "" {
			waiting[key] = append(waiting[key], len(calls)-1)
		}
	}
	for i := range calls {
		calls[i].Seq = i + 1
		calls[i].fillParties()
	}
	return calls
}

// takePartner finds, among the calls waiting under key, the first recorded
// by the other side whose response body does not contradict body.
func takePartner(calls []Call, waiting map[string][]int, key, side, body string) (int, bool) {
	for j, i := range waiting[key] {
		c := calls[i]
		if (side == "client" && c.Client != nil) || (side != "client" && c.Server != nil) {
			continue
		}
		if body != "" && c.ResponseBody != "" && body != c.ResponseBody {
			continue
		}
		waiting[key] = append(waiting[key][:j:j], waiting[key][j+1:]...)
		return i, true
	}
	return 0, false
}

// add folds one side's record into the call.
func (c *Call) add(e openapi.Exchange) {
	v := &Verdict{Party: e.Labels.Party, Violations: e.Violations()}
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
