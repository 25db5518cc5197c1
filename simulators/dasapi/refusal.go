package dasapi

import (
	"net/http"
	"strings"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// RefusalError is the WIPO error body of a request the contract refused,
// as every server of the DAS API (DAS, offices) answers it: one detail per
// violation, naming the field and rule — -2 for a missing member, -3 for a
// body that is not the documented JSON, -1 for any other broken rule
// (das.yaml ErrorDetail) — under the top-level code of the status.
func RefusalError(ref *openapi.Refusal) *protocol.DASError {
	e := &protocol.DASError{Status: ref.Status, Code: refusalCode(ref.Status), Header: http.Header{},
		Details: make([]protocol.ErrorDetail, len(ref.Violations))}
	if len(ref.Allow) > 0 {
		e.Header.Set("Allow", strings.Join(ref.Allow, ", "))
	}
	if ref.Challenge != "" {
		e.Header.Set("WWW-Authenticate", ref.Challenge)
	}
	for i, v := range ref.Violations {
		d := protocol.DetailInvalidField
		switch {
		case v.Missing():
			d = protocol.DetailMissingField
		case v.Malformed():
			d = protocol.DetailMalformedBody
		}
		e.Details[i] = protocol.ErrorDetail{Code: d, Message: v.String()}
	}
	return e
}

func refusalCode(status int) string {
	switch status {
	case http.StatusMethodNotAllowed:
		return "METHOD_NOT_ALLOWED"
	case http.StatusNotFound:
		return protocol.CodeNotFound
	case http.StatusUnauthorized:
		return protocol.CodeUnauthorized
	}
	return protocol.CodeInvalidInputData
}
