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
	"github.com/wipo-das/dasim/simulators/store"
)

// Attempt is one call DAS made to an office for a retrieval, as the harness
// sees it through Server.Deliveries.
type Attempt = store.Attempt

// Deliveries returns every call DAS made for the retrieval with DAS ack id
// ackID (forwarding to the OFF, fetching from it, notifying the OSF), in order.
func (s *Server) Deliveries(ackID string) []Attempt {
	var out []Attempt
	if err := s.view(s.storeCtx(s.work.Context()), func(tx store.DASTx) (err error) { out, err = tx.Attempts(ackID); return err }); err != nil {
		s.deps.logger.Error("das: reading delivery attempts", "ack", ackID, "error", err)
	}
	return out
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

// The calls DAS makes to offices, by their names in Attempt.Call and in
// the retry timers that resume them.
const (
	callForward = "forward retrieval"
	callFetch   = "office download URL"
	callNotify  = "notify"
)

// outboundCall is a call to an office repeated under Config.Retry. flow is
// the exchange flow of the retrieval it serves (c.1, c.2, c.3, pct) and
// step the call's part in it (forward, fetch, notify), both recorded.
type outboundCall struct {
	name, office string
	ack          string // the retrieval it serves
	flow, step   string
	do           func(ctx context.Context, api *dasapi.Client) *callError
	done         func(ctx context.Context, err *callError, attempts int)
}

// dispatch makes attempt n of c now, on the calling goroutine; the next
// attempts are retry timers of the store, so they outlive a restart. An
// office that is down or answers 5xx is retried with backoff; a 4xx answer
// is final.
func (s *Server) dispatch(c *outboundCall, n int) {
	ctx := s.work.Context()
	job := retry.Job{
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
			if err := s.update(s.storeCtx(ctx), func(tx *txn) error { return tx.AppendAttempt(c.ack, a) }); err != nil {
				s.deps.logger.Error("das: recording a delivery attempt", "ack", c.ack, "error", err)
			}
		},
		Done: func(err error, attempts int) { c.done(ctx, asCallError(err), attempts) },
		Schedule: func(next int, delay time.Duration) bool {
			t := store.Timer{ID: timerID(timerRetry, c.ack, c.name), Kind: timerRetry, Subject: c.ack, Call: c.name,
				Attempt: next, Due: s.deps.clock.Now().Add(delay)}
			err := s.update(s.storeCtx(ctx), func(tx *txn) error { return tx.schedule(t) })
			if err != nil {
				s.deps.logger.Error("das: scheduling a retry", "ack", c.ack, "call", c.name, "error", err)
			}
			return err == nil
		},
	}
	if n == 1 {
		retry.Run(s.work, s.cfg.Retry, job)
		return
	}
	retry.Resume(ctx, s.work, s.cfg.Retry, job, n)
}

// resumeCall makes attempt n of the call named call for the retrieval ack,
// rebuilt from the stored retrieval (a retry timer, after a restart too).
func (s *Server) resumeCall(ctx context.Context, ack, call string, n int) {
	rt, ok := s.retrieval(ctx, ack)
	if !ok {
		return
	}
	var c *outboundCall
	switch call {
	case callForward:
		if rt.Status != statusPending {
			return
		}
		c = s.forwardCall(rt)
	case callFetch:
		if rt.Status != statusPending {
			return
		}
		c = s.fetchCall(rt)
	case callNotify:
		if c = s.notifyCall(ctx, rt); c == nil {
			return
		}
	default:
		s.deps.logger.Error("das: a retry of an unknown call is dropped", "ack", ack, "call", call)
		return
	}
	s.dispatch(c, n)
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
