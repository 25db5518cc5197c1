package dasapi

import (
	"fmt"
	"net/http"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// CallError is a call that did not succeed: no answer (Response nil), an
// answer other than the documented success, or one that could not be read.
type CallError struct {
	Operation string    // e.g. "POST /registrations"
	Response  *Response // nil when no answer came
	Err       error     // what went wrong besides the status, if anything
	final     bool      // the request itself is wrong: repeating cannot help
}

func (e *CallError) Error() string {
	switch {
	case e.Response == nil:
		return fmt.Sprintf("%s: %v", e.Operation, e.Err)
	case e.Response.Error != nil:
		return fmt.Sprintf("%s: HTTP %d: %v", e.Operation, e.Response.Status, e.Response.Error)
	case e.Err != nil:
		return fmt.Sprintf("%s: HTTP %d: %v", e.Operation, e.Response.Status, e.Err)
	}
	return fmt.Sprintf("%s: HTTP %d: body %.200q", e.Operation, e.Response.Status, e.Response.Body)
}

// Unwrap gives the WIPO error body, or the failure below the call.
func (e *CallError) Unwrap() error {
	if e.Response != nil && e.Response.Error != nil {
		return e.Response.Error
	}
	return e.Err
}

// Status is the answer's HTTP status, 0 when none came.
func (e *CallError) Status() int {
	if e.Response == nil {
		return 0
	}
	return e.Response.Status
}

// DAS is the WIPO error body of the answer, nil when there is none.
func (e *CallError) DAS() *protocol.DASError {
	if e.Response == nil {
		return nil
	}
	return e.Response.Error
}

// Retryable: no answer came (the party is down, a socket hung), or the
// answer was 5xx or 429 Too Many Requests; a 4xx or an unreadable success
// is final.
func (e *CallError) Retryable() bool {
	if e.final {
		return false
	}
	s := e.Status()
	return s == 0 || s >= 500 || s == http.StatusTooManyRequests
}
