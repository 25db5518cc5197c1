package protocol

import (
	"fmt"
	"net/http"
	"strings"
)

// OAuthError is the error response of RFC 6749 §5.2, with two members of our
// own that clients ignore (§5.1 allows them): check_id names the check that
// failed (an id of research/fapi-checks.md such as "N32"), so reports can link
// to its explanation.
type OAuthError struct {
	Code        string `json:"error"`
	Description string `json:"error_description,omitempty"`
	URI         string `json:"error_uri,omitempty"`
	CheckID     string `json:"check_id,omitempty"`
	Status      int    `json:"-"`
	// Header holds extra response headers, e.g. Allow for a 405 or
	// WWW-Authenticate for a 401 after HTTP Basic authentication.
	Header http.Header `json:"-"`
}

// The error codes of RFC 6749 §5.2; statuses per §5.2 (invalid_client may be 401).
var (
	ErrInvalidRequest       = &OAuthError{Code: "invalid_request", Status: http.StatusBadRequest}
	ErrInvalidClient        = &OAuthError{Code: "invalid_client", Status: http.StatusUnauthorized}
	ErrInvalidGrant         = &OAuthError{Code: "invalid_grant", Status: http.StatusBadRequest}
	ErrUnauthorizedClient   = &OAuthError{Code: "unauthorized_client", Status: http.StatusBadRequest}
	ErrUnsupportedGrantType = &OAuthError{Code: "unsupported_grant_type", Status: http.StatusBadRequest}
	ErrInvalidScope         = &OAuthError{Code: "invalid_scope", Status: http.StatusBadRequest}
	ErrServerError          = &OAuthError{Code: "server_error", Status: http.StatusInternalServerError}
)

func (e *OAuthError) Error() string { return e.Code + ": " + e.Description }

// Is matches on the code, so errors.Is works on described copies.
func (e *OAuthError) Is(target error) bool {
	t, ok := target.(*OAuthError)
	return ok && t.Code == e.Code
}

// Describef returns a copy carrying the check id and a description; the
// sentinel is never modified. The description is made safe for the
// error_description charset of §5.2 (%x20-21 / %x23-5B / %x5D-7E): double
// quotes become single quotes, backslashes slashes, anything else outside
// the set a question mark.
func (e *OAuthError) Describef(checkID, format string, args ...any) *OAuthError {
	c := *e
	c.CheckID = checkID
	c.Description = SafeDescription(fmt.Sprintf(format, args...))
	if e.Header != nil {
		c.Header = e.Header.Clone()
	}
	return &c
}

// WithStatus returns a copy answering with another HTTP status.
func (e *OAuthError) WithStatus(status int) *OAuthError {
	c := *e
	c.Status = status
	return &c
}

// WithHeader returns a copy that also sets a response header.
func (e *OAuthError) WithHeader(key, value string) *OAuthError {
	c := *e
	c.Header = e.Header.Clone()
	if c.Header == nil {
		c.Header = http.Header{}
	}
	c.Header.Set(key, value)
	return &c
}

// SafeDescription maps s onto the error_description charset of RFC 6749 §5.2.
func SafeDescription(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '"':
			return '\''
		case r == '\\':
			return '/'
		case r == 0x20 || r == 0x21 || (r >= 0x23 && r <= 0x5B) || (r >= 0x5D && r <= 0x7E):
			return r
		default:
			return '?'
		}
	}, s)
}

// WriteOAuthError writes e as RFC 6749 §5.2 says: JSON, no caching (§5.1).
func WriteOAuthError(w http.ResponseWriter, e *OAuthError) {
	h := w.Header()
	for k, v := range e.Header {
		h[k] = v
	}
	h.Set("Pragma", "no-cache")
	writeError(w, e.Status, e)
}
