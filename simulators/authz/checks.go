package authz

import (
	"sort"
	"strconv"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// CheckBaseURI prefixes the error_uri of every rejection: error_uri is
// CheckBaseURI + "#" + id (RFC 6749 §5.2 "error_uri: a URI identifying a
// human-readable web page with information about the error"). The ids are
// those of dasim's research notes (fapi-checks.md) and never change meaning.
const CheckBaseURI = "https://dasim.invalid/checks"

// Check describes one numbered check of the token endpoint.
type Check struct {
	ID    string // e.g. "N32"
	Title string
	Spec  string // the section the check enforces
}

// checkTable is the catalog behind Checks; descriptions at run time add the
// expected and actual values.
var checkTable = []Check{
	{"N1", "token endpoint accepts POST only", "RFC 6749 §3.2"},
	{"N2", "body must be application/x-www-form-urlencoded", "RFC 6749 §4.4.2, Appendix B"},
	{"N3", "grant_type is required", "RFC 6749 §4.4.2"},
	{"N4", "grant type unknown", "RFC 6749 §5.2"},
	{"N5", "password grant refused", "FAPI 2.0 SP §5.3.2.1"},
	{"N6", "client not allowed the client_credentials grant", "RFC 6749 §5.2 unauthorized_client"},
	{"N7", "request parameter repeated", "RFC 6749 §3.2"},
	{"N8", "no private_key_jwt client authentication", "RFC 7523 §2.2, RFC 6749 §3.2.1"},
	{"N9", "client_assertion without client_assertion_type", "RFC 7521 §4.2"},
	{"N10", "wrong client_assertion_type", "RFC 7523 §2.2"},
	{"N11", "client_assertion empty", "RFC 6749 §3.1"},
	{"N12", "more than one client authentication method", "RFC 6749 §2.3"},
	{"N13", "client_id differs from the assertion sub", "RFC 7521 §4.2"},
	{"N14", "unknown client", "RFC 6749 §5.2 invalid_client"},
	{"N15", "client registered for another token_endpoint_auth_method", "OIDC Registration §2"},
	{"N16", "not a compact JWS", "RFC 7515 §7.1, RFC 7523 §3"},
	{"N17", "more than one JWT in client_assertion", "RFC 7523 §2.2"},
	{"N18", "alg none", "RFC 8725 §3.1"},
	{"N19", "HMAC alg (algorithm confusion)", "RFC 8725 §3.1"},
	{"N20", "RS256 refused (PS256/ES256 only)", "FAPI 1.0 Advanced §8.6"},
	{"N21", "alg differs from the registered signing alg", "OIDC Registration §2"},
	{"N22", "alg not allowed by the profile", "FAPI 1.0 Advanced §8.6, FAPI 2.0 §5.4.1"},
	{"N23", "alg does not fit the key type", "RFC 8725 §3.1"},
	{"N24", "kid missing while the client has several keys", "OIDC Core §10.1"},
	{"N25", "kid not registered", "OIDC Core §10.1"},
	{"N26", "assertion signed with another client's key", "RFC 7523 §3"},
	{"N27", "key-carrying header (jwk, jku, x5u, x5c)", "RFC 8725 §3.10"},
	{"N28", "crit or b64 header", "RFC 7515 §4.1.11, RFC 7797"},
	{"N29", "foreign typ", "RFC 8725 §3.11, RFC 10070"},
	{"N30", "zip header on a JWS", "RFC 7516 §4.1.3"},
	{"N31", "signature does not verify", "RFC 7523 §3, RFC 7515 §5.2"},
	{"N32", "DER-encoded ECDSA signature", "RFC 7518 §3.4"},
	{"N33", "ECDSA signature of the wrong length", "RFC 7518 §3.4"},
	{"N34", "ECDSA r or s out of range", "FIPS 186-5 §6.4.2, CVE-2022-21449"},
	{"N35", "registered key malformed", "RFC 7518 §6.2.1"},
	{"N36", "registered key too small", "FAPI 1.0 Baseline §5.2.2-5/6"},
	{"N37", "iss missing", "RFC 7523 §3 item 1"},
	{"N38", "iss differs from client_id", "RFC 7523 §3 item 1"},
	{"N39", "sub missing", "RFC 7523 §3 item 2"},
	{"N40", "sub differs from client_id", "RFC 7523 §3 item 2.B"},
	{"N41", "aud missing", "RFC 7523 §3 item 3"},
	{"N42", "aud names another server", "RFC 7523 §3 item 3"},
	{"N43", "aud near miss", "RFC 3986 §6.2.1, RFC 7523 §3 item 3"},
	{"N44", "aud is the token endpoint (strict profile wants the issuer)", "FAPI 2.0 SP §5.3.2.1, RFC 10070"},
	{"N45", "aud is the issuer (WIPO's AM wants the token endpoint)", "RFC 7523 §3 item 3"},
	{"N46", "aud is an array of several values", "FAPI 2.0 SP §5.3.2.1, RFC 10070"},
	{"N47", "aud is an array (strict profile wants a string)", "FAPI 2.0 SP §5.3.2.1"},
	{"N48", "aud of the wrong JSON type", "RFC 7519 §4.1.3"},
	{"N49", "jti missing", "OIDC Core §9"},
	{"N50", "jti empty or not a string", "RFC 7519 §4.1.7"},
	{"N51", "duplicate claim name", "RFC 7519 §4"},
	{"N52", "exp missing", "RFC 7523 §3 item 4"},
	{"N53", "assertion expired", "RFC 7519 §4.1.4"},
	{"N54", "assertion expires exactly now", "RFC 7519 §4.1.4"},
	{"N55", "exp not a number", "RFC 7519 §2 NumericDate"},
	{"N56", "assertion lifetime too long", "RFC 7523 §3 item 4"},
	{"N57", "nbf in the future", "RFC 7519 §4.1.5, FAPI 2.0 SP §5.3.2.1"},
	{"N58", "iat in the future or too old", "RFC 7523 §3 item 6, FAPI 2.0 SP §5.3.2.1"},
	{"N59", "iat or nbf not a number", "RFC 7519 §2 NumericDate"},
	{"N60", "jti replayed", "RFC 7523 §3 item 7, OIDC Core §9"},
	{"N62", "unknown scope", "RFC 6749 §5.2 invalid_scope"},
	{"N63", "scope beyond the client's allowance", "RFC 6749 §3.3"},
	{"N64", "scope token outside NQCHAR", "RFC 6749 §3.3"},
}

// Checks returns the catalog of checks, sorted by number.
func Checks() []Check {
	out := append([]Check(nil), checkTable...)
	sort.Slice(out, func(i, j int) bool { return checkNum(out[i].ID) < checkNum(out[j].ID) })
	return out
}

// CheckURI is the error_uri of check id.
func CheckURI(id string) string { return CheckBaseURI + "#" + id }

func checkNum(id string) int {
	n, _ := strconv.Atoi(id[1:])
	return n
}

// reject builds the error of check id: the description starts with the id so
// a log line alone says which check failed, and error_uri links to it.
func reject(base *protocol.OAuthError, id, format string, args ...any) *protocol.OAuthError {
	e := base.Describef(id, id+" "+format, args...)
	e.URI = CheckURI(id)
	return e
}
