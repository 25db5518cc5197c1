package office

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// writeError answers err as the WIPO error body; anything that is not a
// *protocol.DASError is an internal failure, logged and not disclosed.
func (o *Office) writeError(w http.ResponseWriter, err error) {
	var de *protocol.DASError
	if !errors.As(err, &de) {
		o.deps.Logger.Error("office: internal failure", "office", o.cfg.Code, "error", err)
		de = protocol.NewDASError(http.StatusInternalServerError, protocol.CodeSystemError, protocol.DetailInternal,
			"office %s failed internally", o.cfg.Code)
	}
	if o.cfg.Defects.NonWIPOErrors {
		http.Error(w, de.Error(), de.Status)
		return
	}
	protocol.WriteDASError(w, de, o.cfg.ErrorShape)
}

// notServed answers operations only DAS implements (das.yaml
// x-dasim-implemented-by: [das]).
func (o *Office) notServed(_ http.ResponseWriter, r *http.Request) error {
	return protocol.NewDASError(http.StatusNotFound, protocol.CodeNotFound, protocol.DetailInvalidField,
		"%s %s is served by WIPO DAS, not by office %s", r.Method, r.URL.Path, o.cfg.Code)
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err = w.Write(b)
	return err
}

// decode reads a JSON body the contract middleware has already validated.
func decode(r *http.Request, v any) error {
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(v); err != nil {
		return protocol.NewDASError(http.StatusBadRequest, protocol.CodeInvalidInputData, protocol.DetailMalformedBody,
			"body is not the JSON of the operation: %v", err)
	}
	return nil
}

// CallError is a DAS API call that did not succeed.
type CallError struct {
	Operation string // e.g. "POST /registrations"
	Status    int    // 0 when no answer came
	// DAS is the WIPO error body DAS answered, when it answered one.
	DAS *protocol.DASError
	Err error // transport failure
}

func (e *CallError) Error() string {
	switch {
	case e.DAS != nil:
		return fmt.Sprintf("%s: HTTP %d: %v", e.Operation, e.Status, e.DAS)
	case e.Err != nil:
		return fmt.Sprintf("%s: %v", e.Operation, e.Err)
	}
	return fmt.Sprintf("%s: HTTP %d", e.Operation, e.Status)
}

func (e *CallError) Unwrap() error {
	if e.DAS != nil {
		return e.DAS
	}
	return e.Err
}

// retryable: no answer, 5xx, or 404 for an ack DAS may not have recorded yet.
func (e *CallError) retryable() bool {
	return e.Status == 0 || e.Status >= 500 || e.Status == http.StatusNotFound
}
