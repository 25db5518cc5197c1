package das

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// Attempt is one call DAS made to an office for a retrieval, as the harness
// sees it through Server.Deliveries.
type Attempt struct {
	Call   string    // "forward retrieval", "office download URL", "notify"
	Office string    // the office called
	Number int       // 1 for the first attempt
	At     time.Time // on the world's clock
	Status int       // HTTP status, 0 when none came back
	Error  string    // empty on success
	Final  bool      // no further attempt will follow
}

// Deliveries returns every call DAS made for the retrieval with DAS ack id
// ackID (forwarding to the OFF, fetching from it, notifying the OSF), in order.
func (s *Server) Deliveries(ackID string) []Attempt {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]Attempt(nil), s.st.deliveries[ackID]...)
}

// callError is a failed call: its HTTP status (0 for none), the detail code
// a retrieval ends with if it is final, and whether a retry may help.
type callError struct {
	status    int
	detail    int
	msg       string
	retryable bool
}

func (e *callError) Error() string { return e.msg }

// outboundCall is a call to an office repeated under Config.Retry.
type outboundCall struct {
	name, office string
	rt           *retrieval
	flow, step   string
	do           func(ctx context.Context, ep OfficeEndpoint) *callError
	done         func(err *callError, attempts int)
}

// dispatch makes attempt 1 now, on the calling goroutine; later attempts run
// from clock timers. An office that is down or answers 5xx is retried with
// backoff; a 4xx answer is final.
func (s *Server) dispatch(c *outboundCall) { s.attempt(c, 1) }

func (s *Server) attempt(c *outboundCall, n int) {
	var err *callError
	ep, ok := s.deps.Offices.Endpoint(c.office)
	if !ok {
		err = &callError{detail: protocol.DetailOFFUnreachable, msg: fmt.Sprintf("office %s has no endpoint known to DAS", c.office)}
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.OutboundTimeout)
		ctx = openapi.WithLabels(ctx, openapi.Labels{Party: "das", Peer: "office " + c.office, Flow: c.flow, Step: c.step})
		err = c.do(ctx, ep)
		cancel()
	}
	final := err == nil || !err.retryable || n >= s.cfg.Retry.MaxAttempts
	a := Attempt{Call: c.name, Office: c.office, Number: n, At: s.deps.Clock.Now(), Final: final}
	if err != nil {
		a.Status, a.Error = err.status, err.msg
	}
	s.mu.Lock()
	s.st.deliveries[c.rt.ackID] = append(s.st.deliveries[c.rt.ackID], a)
	if !final {
		s.st.seq++
		id := s.st.seq
		s.st.retryTimers[id] = s.deps.Clock.AfterFunc(s.cfg.Retry.Delay(n+1), func() {
			s.mu.Lock()
			delete(s.st.retryTimers, id)
			s.mu.Unlock()
			s.runTracked(func() { s.attempt(c, n+1) })
		})
	}
	s.mu.Unlock()
	if final {
		c.done(err, n)
	}
}

// callAPI makes one das.yaml call to an office with a token for DAS, and
// decodes a 2xx body into out (when out is not nil).
func (s *Server) callAPI(ctx context.Context, ep OfficeEndpoint, method, path string, body, out any, detail int) *callError {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return &callError{detail: protocol.DetailInternal, msg: err.Error()}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(ep.BaseURL, "/")+path, rd)
	if err != nil {
		return &callError{detail: detail, msg: fmt.Sprintf("bad office endpoint %q: %v", ep.BaseURL, err)}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if ep.Tokens != nil {
		tok, err := ep.Tokens.Token(ctx)
		if err != nil {
			return &callError{detail: detail, msg: "no access token for the office: " + err.Error(), retryable: true}
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := s.api.Do(req)
	if err != nil {
		return &callError{detail: detail, msg: fmt.Sprintf("%s %s: %v", method, path, err), retryable: true}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 300 {
		msg := fmt.Sprintf("%s %s answered HTTP %d", method, path, resp.StatusCode)
		if de, _, ok := protocol.ParseDASError(b); ok {
			msg += ": " + de.Error()
		}
		retry := resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests
		d := protocol.DetailOFFError
		if retry {
			d = detail
		}
		return &callError{status: resp.StatusCode, detail: d, msg: msg, retryable: retry}
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return &callError{status: resp.StatusCode, detail: protocol.DetailOFFError, msg: fmt.Sprintf("%s %s: unreadable answer: %v", method, path, err)}
		}
	}
	return nil
}
