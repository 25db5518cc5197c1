package authz

import (
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// AssertionType is the client_assertion_type of RFC 7523 §2.2.
const AssertionType = protocol.AssertionType

// grantTypeJWTBearer is RFC 7523 §2.1's grant URN, often sent by mistake as
// the client_assertion_type (N10).
const grantTypeJWTBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// maxBody bounds the form; a client assertion is well under 4 KiB.
const maxBody = 64 << 10

// tokenRequest is the form of RFC 6749 §4.4.2 with RFC 7523 §2.2 client
// authentication, parsed once.
type tokenRequest struct {
	grantType     string
	scope         string
	assertionType string
	assertion     string
	clientID      string
}

// parseTokenRequest applies the HTTP and form checks N1-N5 and N7-N12.
func parseTokenRequest(r *http.Request) (*tokenRequest, *protocol.OAuthError) {
	// RFC 6749 §3.2: "The client MUST use the HTTP POST method when making
	// access token requests."
	if r.Method != http.MethodPost {
		return nil, reject(protocol.ErrInvalidRequest, "N1", "method %s: the token endpoint accepts POST only (RFC 6749 section 3.2)", r.Method).
			WithStatus(http.StatusMethodNotAllowed).WithHeader("Allow", http.MethodPost)
	}
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/x-www-form-urlencoded" {
		return nil, reject(protocol.ErrInvalidRequest, "N2", "Content-Type '%s': want application/x-www-form-urlencoded (RFC 6749 section 4.4.2)", ct)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, reject(protocol.ErrInvalidRequest, "N2", "reading the body failed: %v", err)
	}
	if len(body) > maxBody {
		return nil, reject(protocol.ErrInvalidRequest, "N2", "body larger than %d bytes", maxBody)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, reject(protocol.ErrInvalidRequest, "N2", "body is not valid form encoding: %v", err)
	}
	// RFC 6749 §3.2: "Request and response parameters MUST NOT be included
	// more than once."
	var repeated []string
	for k, v := range form {
		if len(v) > 1 {
			repeated = append(repeated, k)
		}
	}
	if len(repeated) > 0 {
		sort.Strings(repeated)
		return nil, reject(protocol.ErrInvalidRequest, "N7", "parameter(s) %s sent more than once (RFC 6749 section 3.2)", strings.Join(repeated, ", "))
	}
	tr := &tokenRequest{grantType: form.Get("grant_type"), scope: form.Get("scope"),
		assertionType: form.Get("client_assertion_type"), assertion: form.Get("client_assertion"),
		clientID: form.Get("client_id")}
	if e := checkGrantType(tr.grantType); e != nil {
		return nil, e
	}
	return tr, checkClientAuthentication(r, form, tr)
}

func checkGrantType(g string) *protocol.OAuthError {
	switch g {
	case "client_credentials":
		return nil
	case "":
		return reject(protocol.ErrInvalidRequest, "N3", "grant_type missing: want client_credentials (RFC 6749 section 4.4.2)")
	case "password":
		return reject(protocol.ErrUnsupportedGrantType, "N5", "grant_type 'password' (resource owner password credentials) is not supported: want client_credentials (FAPI 2.0 section 5.3.2.1 forbids it)")
	default:
		return reject(protocol.ErrUnsupportedGrantType, "N4", "grant_type '%s' is not supported: want client_credentials", g)
	}
}

// checkClientAuthentication enforces "exactly one authentication method, and
// it is private_key_jwt" (RFC 6749 §2.3: "The client MUST NOT use more than
// one authentication method in each request").
func checkClientAuthentication(r *http.Request, form url.Values, tr *tokenRequest) *protocol.OAuthError {
	_, hasAssertion := form["client_assertion"]
	_, hasType := form["client_assertion_type"]
	authz := r.Header.Get("Authorization")
	if (hasAssertion || hasType) && (authz != "" || form.Has("client_secret")) {
		other := "an Authorization header"
		if authz == "" {
			other = "client_secret"
		}
		return reject(protocol.ErrInvalidRequest, "N12", "client_assertion sent together with %s: use one client authentication method only (RFC 6749 section 2.3)", other)
	}
	switch {
	case authz != "":
		// RFC 6749 §5.2: after Authorization-header authentication fails, the
		// server MUST answer 401 with a matching WWW-Authenticate.
		return reject(protocol.ErrInvalidClient, "N8", "Authorization header authentication is not supported: authenticate with private_key_jwt (client_assertion_type %s)", AssertionType).
			WithHeader("WWW-Authenticate", `Basic realm="am/oauth2"`)
	case form.Has("client_secret"):
		return reject(protocol.ErrInvalidClient, "N8", "client_secret is not supported: authenticate with private_key_jwt (client_assertion_type %s)", AssertionType)
	case hasAssertion && !hasType:
		return reject(protocol.ErrInvalidRequest, "N9", "client_assertion sent without client_assertion_type: want %s (RFC 7521 section 4.2)", AssertionType)
	case hasType && tr.assertionType != AssertionType:
		hint := ""
		if tr.assertionType == grantTypeJWTBearer {
			hint = " (that is the grant type URN of RFC 7523 section 2.1, not the client assertion type)"
		}
		return reject(protocol.ErrInvalidRequest, "N10", "client_assertion_type '%s'%s: want %s", tr.assertionType, hint, AssertionType)
	case hasType && tr.assertion == "":
		return reject(protocol.ErrInvalidRequest, "N11", "client_assertion is empty (RFC 6749 section 3.1: an empty parameter is treated as omitted)")
	case !hasAssertion:
		who := ""
		if tr.clientID != "" {
			who = " (client_id '" + tr.clientID + "' alone is no authentication)"
		}
		return reject(protocol.ErrInvalidClient, "N8", "no client authentication%s: send client_assertion_type %s and a client_assertion", who, AssertionType)
	}
	return nil
}
