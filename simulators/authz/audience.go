package authz

import (
	"encoding/json"
	"net/url"
	"strings"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// checkAud: RFC 7523 §3 item 3, "The JWT MUST contain an aud (audience)
// claim containing a value that identifies the authorization server as an
// intended audience ... The token endpoint URL of the authorization server
// MAY be used". Which values identify the server depends on the profile:
//   - wipo: WIPO documents the token endpoint (AM's own rule); like FAPI 1.0
//     an array containing it is accepted too.
//   - fapi: FAPI 2.0 SP §5.3.2.1 and RFC 10070, the issuer "as the sole
//     value", a string.
//
// Values are compared as exact strings (RFC 3986 §6.2.1); near misses are
// named as such.
func checkAud(e *evaluation) *protocol.OAuthError {
	raw, ok := e.jws.claims["aud"]
	if !ok {
		return reject(protocol.ErrInvalidClient, "N41", "claim aud missing: want '%s' (RFC 7523 section 3 item 3)", e.wantAud())
	}
	var one string
	var many []string
	switch {
	case json.Unmarshal(raw, &one) == nil:
		many = []string{one}
	case json.Unmarshal(raw, &many) == nil && many != nil:
	default:
		return reject(protocol.ErrInvalidClient, "N48", "claim aud is %s: want the string '%s' (RFC 7519 section 4.1.3)", jsonType(raw), e.wantAud())
	}
	issuer, endpoint := e.cfg.Issuer(), e.cfg.TokenEndpoint()
	isArray := jsonType(raw) == "an array"
	if e.cfg.Profile == ProfileFAPI {
		switch {
		case isArray && len(many) > 1 && contains(many, issuer):
			return reject(protocol.ErrInvalidClient, "N46", "claim aud is an array of %d values: the fapi profile wants the issuer '%s' as the sole value (FAPI 2.0 SP section 5.3.2.1, RFC 10070)", len(many), issuer)
		case isArray && len(many) == 1 && many[0] == issuer:
			return reject(protocol.ErrInvalidClient, "N47", "claim aud is the array ['%s']: the fapi profile wants it as a plain string (FAPI 2.0 SP section 5.3.2.1)", issuer)
		case !isArray && one == issuer:
			return nil
		case contains(many, endpoint):
			return reject(protocol.ErrInvalidClient, "N44", "claim aud is the token endpoint '%s': the fapi profile wants the issuer '%s' (FAPI 2.0 SP section 5.3.2.1, RFC 10070)", endpoint, issuer)
		}
		return audMiss(many, []string{issuer})
	}
	if contains(many, endpoint) {
		return nil
	}
	if contains(many, issuer) {
		return reject(protocol.ErrInvalidClient, "N45", "claim aud is the issuer '%s': WIPO's AM wants its token endpoint '%s' (as the seeds' script sends it)", issuer, endpoint)
	}
	return audMiss(many, []string{endpoint})
}

func (e *evaluation) wantAud() string {
	if e.cfg.Profile == ProfileFAPI {
		return e.cfg.Issuer()
	}
	return e.cfg.TokenEndpoint()
}

// audMiss names a near miss (N43) or a foreign audience (N42).
func audMiss(got, want []string) *protocol.OAuthError {
	for _, g := range got {
		for _, w := range want {
			if normalURL(g) == normalURL(w) {
				return reject(protocol.ErrInvalidClient, "N43", "claim aud '%s' nearly matches '%s' but audiences compare as exact strings (RFC 3986 section 6.2.1): send exactly '%s'", g, w, w)
			}
		}
	}
	return reject(protocol.ErrInvalidClient, "N42", "claim aud '%s' names another audience: want '%s' (RFC 7523 section 3 item 3)", clip(strings.Join(got, "', '")), strings.Join(want, "' or '"))
}

// normalURL folds the usual near misses: scheme and host case, http vs
// https, default port, trailing slash, AM's /realms/root path.
func normalURL(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" {
		return strings.ToLower(strings.TrimRight(s, "/"))
	}
	host := strings.ToLower(u.Hostname())
	if p := u.Port(); p != "" && p != "443" && p != "80" {
		host += ":" + p
	}
	path := strings.TrimRight(strings.Replace(u.Path, "/realms/root", "", 1), "/")
	return "https://" + host + path
}
