package das

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// The wire messages are protocol's, one type per schema of das.yaml.

func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err = w.Write(b)
	return err
}

func decodeBody(r *http.Request, v any) error {
	// The contract middleware has validated the body; a failure here is a
	// contract/decoder disagreement and reported as malformed input.
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		return invalidInput(protocol.DetailMalformedBody, "body: not the documented JSON object: %v", err)
	}
	return nil
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func ptr[T any](v T) *T { return &v }
