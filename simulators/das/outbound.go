package das

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/dasapi"
	"github.com/wipo-das/dasim/simulators/protocol"
	"github.com/wipo-das/dasim/simulators/retry"
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

// Retryable tells the retry loop whether another attempt may help.
func (e *callError) Retryable() bool { return e.retryable }

// outboundCall is a call to an office repeated under Config.Retry. flow is
// the exchange flow of the retrieval it serves (c.1, c.2, c.3, pct) and
// step the call's part in it (forward, fetch, notify), both recorded.
type outboundCall struct {
	name, office string
	rt           *retrieval
	flow, step   string
	do           func(ctx context.Context, api *dasapi.Client) *callError
	done         func(err *callError, attempts int)
}

// dispatch makes attempt 1 now, on the calling goroutine; later attempts run
// as tracked timers on the world's clock. An office that is down or answers
// 5xx is retried with backoff; a 4xx answer is final.
func (s *Server) dispatch(c *outboundCall) {
	retry.Run(s.work, s.cfg.Retry, retry.Job{
		Attempt: func(ctx context.Context, n int) error {
			ep, ok := s.deps.offices.Endpoint(c.office)
			if !ok {
				return &callError{detail: protocol.DetailOFFUnreachable, msg: fmt.Sprintf("office %s has no endpoint known to DAS", c.office)}
			}
			ctx = openapi.WithLabels(ctx, openapi.Labels{Party: "das", Peer: "office " + c.office, Flow: c.flow, Step: c.step})
			if err := c.do(ctx, s.api.At(ep.BaseURL, ep.Tokens)); err != nil {
				return err
			}
			return nil
		},
		Observe: func(n int, err error, final bool) {
			a := Attempt{Call: c.name, Office: c.office, Number: n, At: s.deps.clock.Now(), Final: final}
			if ce := asCallError(err); ce != nil {
				a.Status, a.Error = ce.status, ce.msg
			}
			s.mu.Lock()
			s.st.deliveries[c.rt.ackID] = append(s.st.deliveries[c.rt.ackID], a)
			s.mu.Unlock()
		},
		Done: func(err error, attempts int) { c.done(asCallError(err), attempts) },
	})
}

func asCallError(err error) *callError {
	var ce *callError
	if errors.As(err, &ce) {
		return ce
	}
	return nil
}

// officeFailed turns a failed das.yaml call to an office into a callError:
// no answer or a 5xx ends with detail (unreachable) once the attempts run
// out; a refusal with -102, the office's own error.
func officeFailed(err error, detail int) *callError {
	if err == nil {
		return nil
	}
	var de *dasapi.CallError
	if !errors.As(err, &de) {
		return &callError{detail: protocol.DetailInternal, msg: err.Error()}
	}
	d := protocol.DetailOFFError
	if de.Retryable() {
		d = detail
	}
	return &callError{status: de.Status(), detail: d, msg: de.Error(), retryable: de.Retryable()}
}
