package bearer

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// DAS detail codes of a refused token (das.yaml ErrorDetail, dasim's
// inference): -200 invalid access token, -202 insufficient scope; -201
// (not whitelisted) is protocol.DetailNotAuthorizedClient.
const (
	DetailInvalidToken      = -200
	DetailInsufficientScope = -202
)

// Error is a refused request: the RFC 6750 §3.1 error code (empty when the
// request carried no token at all, R1), the HTTP status and the check id.
type Error struct {
	Status      int
	Code        string // invalid_request, invalid_token, insufficient_scope or ""
	CheckID     string // R1..R14
	Description string // ASCII, no '"' or '\' (RFC 6750 §3 error_description)
	Scope       string // for insufficient_scope: the scope required
	Detail      int    // DAS detail code
	Realm       string // of the verifier that refused, for the challenge
}

func (e *Error) Error() string { return e.CheckID + " " + e.Code + ": " + e.Description }

func fail(status int, code, id string, detail int, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, CheckID: id, Detail: detail,
		Description: protocol.SafeDescription(fmt.Sprintf(format, args...))}
}

func invalidRequest(id, format string, args ...any) *Error {
	return fail(http.StatusBadRequest, "invalid_request", id, DetailInvalidToken, format, args...)
}

func invalidToken(id, format string, args ...any) *Error {
	return fail(http.StatusUnauthorized, "invalid_token", id, DetailInvalidToken, format, args...)
}

// Challenge is the WWW-Authenticate value of RFC 6750 §3: "If the request
// lacks any authentication information ... the resource server SHOULD NOT
// include an error code or other error information."
func (e *Error) Challenge(realm string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `Bearer realm="%s"`, realm)
	if e.Code == "" {
		return b.String()
	}
	fmt.Fprintf(&b, `, error="%s", error_description="%s"`, e.Code, e.Description)
	if e.Scope != "" {
		fmt.Fprintf(&b, `, scope="%s"`, e.Scope)
	}
	return b.String()
}

// WIPOAnswer is the WIPO DAS error body of the refusal with the RFC 6750
// challenge as its WWW-Authenticate header; the detail message starts with
// the check id. The party's one writer sends it in its own shape.
func (e *Error) WIPOAnswer() *protocol.DASError {
	code := protocol.CodeUnauthorized
	switch e.Status {
	case http.StatusForbidden:
		code = protocol.CodeForbidden
	case http.StatusBadRequest:
		code = protocol.CodeInvalidInputData
	}
	de := protocol.NewDASError(e.Status, code, e.Detail, "%s", e.CheckID+" "+e.Description)
	de.Header = http.Header{"Www-Authenticate": {e.Challenge(e.Realm)}}
	return de
}
