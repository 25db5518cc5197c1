package openapi

import (
	"net/http"
	"strings"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// errorStyle is how a contract's servers answer a request that breaks it:
// the DAS API with the WIPO error body, the authorization server with an
// OAuth error (RFC 6749 §5.2).
type errorStyle int

const (
	styleWIPO errorStyle = iota
	styleOAuth
)

// writeViolations answers a request that broke the contract, naming each
// field and rule, in the protocol's own error shape.
func (c *Contract) writeViolations(w http.ResponseWriter, vs []Violation) {
	status, code := http.StatusBadRequest, protocol.CodeInvalidInputData
	for _, v := range vs {
		switch {
		case v.In == InRoute && v.Rule == "method":
			status, code = http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED"
			w.Header().Set("Allow", strings.Join(v.allowed, ", "))
		case v.In == InRoute:
			status, code = http.StatusNotFound, protocol.CodeNotFound
		case v.In == InSecurity:
			// RFC 6750 §3.1: no token at all gets a challenge without an error code.
			status, code = http.StatusUnauthorized, protocol.CodeUnauthorized
			w.Header().Set("WWW-Authenticate", `Bearer realm="das"`)
		case v.In == InContentType && status == http.StatusBadRequest:
			status = http.StatusUnsupportedMediaType
		}
	}
	if c.style == styleOAuth {
		desc := make([]string, len(vs))
		for i, v := range vs {
			desc[i] = v.String()
		}
		protocol.WriteOAuthError(w, &protocol.OAuthError{Code: protocol.ErrInvalidRequest.Code,
			Status: http.StatusBadRequest, Description: protocol.SafeDescription(strings.Join(desc, "; "))})
		return
	}
	body := &protocol.DASError{Status: status, Code: code, Details: make([]protocol.ErrorDetail, len(vs))}
	for i, v := range vs {
		d := protocol.DetailInvalidField
		switch {
		case v.Rule == "required":
			d = protocol.DetailMissingField
		case v.Rule == "syntax" || v.In == InContentType:
			d = protocol.DetailMalformedBody
		}
		body.Details[i] = protocol.ErrorDetail{Code: d, Message: v.String()}
	}
	protocol.WriteDASError(w, body, protocol.ShapeFlat)
}
