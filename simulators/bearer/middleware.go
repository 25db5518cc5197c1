package bearer

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// RefusalFunc writes a refused request in the party's protocol (the WIPO
// body of Error.WIPOAnswer, in the party's error shape).
type RefusalFunc func(w http.ResponseWriter, r *http.Request, e *Error)

// Middleware lets a request through only with a valid, whitelisted token
// carrying a required scope; the handler finds the caller with FromContext.
// Refusals go to refuse, the party's writer; nil answers with the RFC 6750
// §3 challenge, the status and the description as text.
func (v *Verifier) Middleware(next http.Handler, refuse RefusalFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, e := v.Authenticate(r)
		if e != nil {
			if refuse != nil {
				refuse(w, r, e)
				return
			}
			w.Header().Set("WWW-Authenticate", e.Challenge(e.Realm))
			http.Error(w, e.CheckID+" "+e.Description, e.Status)
			return
		}
		next.ServeHTTP(w, r.WithContext(NewContext(r.Context(), p)))
	})
}

// Authenticate checks the request's bearer token (RFC 6750 §2.1).
func (v *Verifier) Authenticate(r *http.Request) (*Principal, *Error) {
	tok, e := tokenFromRequest(r)
	if e == nil {
		var p *Principal
		if p, e = v.verify(r.Context(), tok, peerThumbprints(r)); e == nil {
			return p, nil
		}
	}
	e.Realm = v.cfg.Realm
	return nil, e
}

// OfficeOf authenticates r and returns the ST.3 code of the office its
// token's client is whitelisted for: the check DAS runs on every request
// (das.Authenticator). A refusal is the *Error, for the party to write.
func (v *Verifier) OfficeOf(r *http.Request) (string, error) {
	p, e := v.Authenticate(r)
	if e != nil {
		return "", e
	}
	return p.OfficeCode, nil
}

// tokenFromRequest reads "Authorization: Bearer <token>". RFC 6750 §2.1:
// b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=";
// the scheme is case-insensitive (RFC 9110 §11.1, R3).
func tokenFromRequest(r *http.Request) (string, *Error) {
	if e := tokenElsewhere(r); e != nil {
		return "", e
	}
	vals := r.Header.Values("Authorization")
	if len(vals) == 0 {
		// R1: RFC 6750 §3.1, no error code when authentication is absent.
		return "", fail(http.StatusUnauthorized, "", "R1", DetailInvalidToken,
			"no access token: send Authorization: Bearer <token> (RFC 6750 section 2.1)")
	}
	if len(vals) > 1 {
		return "", invalidRequest("R4", "%d Authorization headers: send exactly one", len(vals))
	}
	scheme, tok, _ := strings.Cut(vals[0], " ")
	if !strings.EqualFold(scheme, "Bearer") {
		// The scheme is the client's text: fail keeps it within the
		// error_description charset (it may be quoted in WWW-Authenticate).
		return "", fail(http.StatusUnauthorized, "", "R1", DetailInvalidToken,
			"Authorization scheme '%s' is not Bearer: send Authorization: Bearer <token> (RFC 6750 section 2.1)", clip(scheme))
	}
	tok = strings.TrimLeft(tok, " ")
	if tok == "" || !isB64Token(tok) {
		return "", invalidRequest("R4", "malformed Authorization header: want 'Bearer' SP b64token (RFC 6750 section 2.1)")
	}
	return tok, nil
}

// tokenElsewhere refuses the form and query methods (RFC 6750 §2.2/§2.3):
// FAPI 1.0 Baseline §6.2.1 item 1 "shall not accept access tokens in the
// query parameters", and a token in a body or URL leaks into logs (R2).
func tokenElsewhere(r *http.Request) *Error {
	if strings.Contains(r.URL.RawQuery, "access_token") {
		if q, err := url.ParseQuery(r.URL.RawQuery); err == nil && q.Has("access_token") {
			return invalidRequest("R2", "access_token in the query string: send it in the Authorization header only (RFC 6750 section 2.1; FAPI 1.0 Baseline section 6.2.1)")
		}
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err == nil {
		if f, err := url.ParseQuery(string(body)); err == nil && f.Has("access_token") {
			return invalidRequest("R2", "access_token in the form body: send it in the Authorization header only (RFC 6750 section 2.1)")
		}
	}
	return nil
}

func isB64Token(s string) bool {
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-._~+/", c) >= 0) {
			break
		}
	}
	if i == 0 {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] != '=' {
			return false
		}
	}
	return true
}

// peerThumbprints are the x5t#S256 of the TLS client certificates (RFC 8705 §3.1).
func peerThumbprints(r *http.Request) []string {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return nil
	}
	sum := sha256.Sum256(r.TLS.PeerCertificates[0].Raw)
	return []string{base64.RawURLEncoding.EncodeToString(sum[:])}
}

func clip(s string) string {
	if len(s) > 20 {
		return s[:20] + "..."
	}
	return s
}
