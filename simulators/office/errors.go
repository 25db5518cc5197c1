package office

import (
	"encoding/json"
	"io"
	"net/http"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// writeError is the office's one error writer: a contract refusal, a
// refused token, an injected fault and a *protocol.DASError of an operation
// are answered as the WIPO error body in Config.ErrorShape; anything else
// is an internal failure, logged and not disclosed.
func (o *Office) writeError(w http.ResponseWriter, err error) {
	de, ok := protocol.AsDASError(err)
	if !ok {
		o.deps.logger.Error("office: internal failure", "office", o.cfg.Code, "error", err)
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
