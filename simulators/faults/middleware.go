package faults

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// OperationOf names the operation of a request for rule matching.
type OperationOf func(r *http.Request) string

// DASOperation is the operationId of r in das.yaml, or "" when r is not a
// DAS API call (a file download, say).
func DASOperation(r *http.Request) string {
	route, err := openapi.DAS().FindRoute(r.Method, r.URL.Path)
	if err != nil {
		return ""
	}
	return route.OperationID
}

// Injected is a ServerError fault: the party answers it with its one error
// writer, in its own shape (the WIPO body of WIPOAnswer).
type Injected struct {
	Status    int
	RuleID    string
	Party     string
	Operation string
}

func (e *Injected) Error() string {
	return fmt.Sprintf("fault injected by dasim (rule %s): %s %s fails with %d", e.RuleID, e.Party, e.Operation, e.Status)
}

// WIPOAnswer is the WIPO error body of the fault: SYSTEM_ERROR, detail -199.
func (e *Injected) WIPOAnswer() *protocol.DASError {
	return protocol.NewDASError(e.Status, protocol.CodeSystemError, protocol.DetailInternal,
		"fault injected by dasim (rule %s): %s %s fails", e.RuleID, e.Party, e.Operation)
}

// RefusalFunc writes an injected server error in the party's protocol.
type RefusalFunc func(w http.ResponseWriter, r *http.Request, fault *Injected)

// Middleware applies the server-side faults (Unreachable, ServerError, Slow)
// of party to the requests next serves; a server error is handed to refuse,
// the party's writer (nil: the WIPO body in the flat shape). operationOf
// names each request's operation; nil means DASOperation. Put it outermost,
// before the contract middleware, so an unreachable party leaves no
// exchange behind: the caller sees only a closed connection.
func (s *Set) Middleware(party string, operationOf OperationOf, next http.Handler, refuse RefusalFunc) http.Handler {
	if operationOf == nil {
		operationOf = DASOperation
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := operationOf(r)
		rule, ok := s.take(party, op, serverDetail, Unreachable, ServerError, Slow)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		switch rule.Kind {
		case Unreachable:
			hangUp(w)
		case ServerError:
			fault := &Injected{Status: rule.status(), RuleID: rule.ID, Party: party, Operation: op}
			if refuse != nil {
				refuse(w, r, fault)
				return
			}
			protocol.WriteDASError(w, fault.WIPOAnswer(), protocol.ShapeFlat)
		case Slow:
			c := s.clock
			if rule.RealTime {
				c = clock.System()
			}
			if wait(r.Context(), c, time.Duration(rule.Delay)) {
				next.ServeHTTP(w, r)
			}
		}
	})
}

func serverDetail(r Rule) string {
	switch r.Kind {
	case Unreachable:
		return "connection closed without an answer"
	case ServerError:
		return fmt.Sprintf("answered %d", r.status())
	case Slow:
		where := "world"
		if r.RealTime {
			where = "real"
		}
		return fmt.Sprintf("held %v on the %s clock", time.Duration(r.Delay), where)
	}
	return string(r.Kind)
}

// hangUp closes the connection under w without writing a byte, as a host
// that is down behind a load balancer does.
func hangUp(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	// HTTP/2 or a wrapped writer: abort the stream; net/http resets it
	// without logging.
	panic(http.ErrAbortHandler)
}

// wait blocks for d on c; false when ctx ended first (the caller gave up).
func wait(ctx context.Context, c clock.Clock, d time.Duration) bool {
	done := make(chan struct{})
	t := c.AfterFunc(d, func() { close(done) })
	select {
	case <-done:
		return true
	case <-ctx.Done():
		t.Stop()
		return false
	}
}
