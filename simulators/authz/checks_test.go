package authz

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"strings"
	"testing"

	"github.com/wipo-das/dasim/simulators/clientauth"
)

// negCase is one negative case of fapi-checks.md: the request, and the
// expected status, OAuth error code and description fragment.
type negCase struct {
	id      string
	name    string
	profile Profile
	req     func(w *world) *http.Request
	status  int
	code    string
	frag    string
}

const (
	ic = "invalid_client"
	ir = "invalid_request"
)

// withClaims signs client A's seeds claims after edit.
func withClaims(edit func(w *world, c map[string]any)) func(w *world) *http.Request {
	return func(w *world) *http.Request {
		c := w.claims(clientA)
		edit(w, c)
		return w.post(w.form(sign(w.t, w.keyA, map[string]any{"typ": "JWT"}, mustJSON(w.t, c))))
	}
}

// withRaw posts an assertion built by f.
func withRaw(f func(w *world) string) func(w *world) *http.Request {
	return func(w *world) *http.Request { return w.post(w.form(f(w))) }
}

// withForm edits the form around a valid assertion.
func withForm(edit func(w *world, f form) form) func(w *world) *http.Request {
	return func(w *world) *http.Request { return w.post(edit(w, w.form(w.seedsAssertion()))) }
}

// withSig replaces the signature of a valid assertion.
func withSig(f func(w *world, compact string, sig []byte) []byte) func(w *world) *http.Request {
	return withRaw(func(w *world) string {
		a := w.seedsAssertion()
		sig, _ := b64.DecodeString(a[strings.LastIndexByte(a, '.')+1:])
		return resign(a, f(w, a, sig))
	})
}

const hdrES = `{"alg":"ES256","typ":"JWT"}`

func seedsPayload(w *world) string { return string(mustJSON(w.t, w.claims(clientA))) }

func negativeCases() []negCase {
	return []negCase{
		{"N1", "GET", "", func(w *world) *http.Request {
			r, _ := http.NewRequest(http.MethodGet, w.srv.TokenEndpoint(), nil)
			return r
		}, 405, ir, "accepts POST only"},
		{"N2", "JSON body", "", func(w *world) *http.Request {
			r := w.post(w.form(w.seedsAssertion()))
			r.Body = http.NoBody
			r.Header.Set("Content-Type", "application/json")
			return r
		}, 400, ir, "Content-Type 'application/json'"},
		{"N3", "grant_type missing", "", withForm(func(w *world, f form) form { return f.del("grant_type") }), 400, ir, "grant_type missing"},
		{"N4", "grant type client_credential", "", withForm(func(w *world, f form) form { return f.set("grant_type", "client_credential") }), 400, "unsupported_grant_type", "'client_credential' is not supported"},
		{"N5", "password grant", "", withForm(func(w *world, f form) form { return f.set("grant_type", "password") }), 400, "unsupported_grant_type", "password"},
		{"N6", "client without client_credentials", "", withRaw(func(w *world) string {
			return sign(w.t, w.keyB, nil, mustJSON(w.t, w.claims("no-cc")))
		}), 400, "unauthorized_client", "not allowed the client_credentials grant"},
		{"N7", "scope repeated", "", withForm(func(w *world, f form) form { return append(f, [2]string{"scope", ScopeDASAccess}) }), 400, ir, "scope sent more than once"},
		{"N8", "client_id only", "", withForm(func(w *world, f form) form {
			return f.del("client_assertion").del("client_assertion_type").set("client_id", clientA)
		}), 401, ic, "client_id 'das-api-auth' alone is no authentication"},
		{"N8", "HTTP Basic only", "", func(w *world) *http.Request {
			r := w.post(w.form("").del("client_assertion").del("client_assertion_type"))
			r.SetBasicAuth(clientA, "secret")
			return r
		}, 401, ic, "Authorization header authentication is not supported"},
		{"N9", "no client_assertion_type", "", withForm(func(w *world, f form) form { return f.del("client_assertion_type") }), 400, ir, "without client_assertion_type"},
		{"N10", "grant URN as assertion type", "", withForm(func(w *world, f form) form {
			return f.set("client_assertion_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
		}), 400, ir, "grant type URN"},
		{"N11", "empty assertion", "", withForm(func(w *world, f form) form { return f.set("client_assertion", "") }), 400, ir, "client_assertion is empty"},
		{"N12", "Basic header and assertion", "", func(w *world) *http.Request {
			r := w.post(w.form(w.seedsAssertion()))
			r.SetBasicAuth(clientA, "secret")
			return r
		}, 400, ir, "together with an Authorization header"},
		{"N12", "client_secret and assertion", "", withForm(func(w *world, f form) form { return f.set("client_secret", "s") }), 400, ir, "together with client_secret"},
		{"N13", "client_id differs from sub", "", withForm(func(w *world, f form) form { return f.set("client_id", "office-b") }), 401, ic, "client_id parameter 'office-b' differs from the assertion sub 'das-api-auth'"},
		{"N14", "unknown client", "", withClaims(func(w *world, c map[string]any) { c["iss"], c["sub"] = "nobody", "nobody" }), 401, ic, "unknown client 'nobody'"},
		{"N15", "client registered for client_secret_basic", "", withRaw(func(w *world) string {
			return sign(w.t, w.keyB, nil, mustJSON(w.t, w.claims("secret-client")))
		}), 401, ic, "token_endpoint_auth_method client_secret_basic"},
		{"N16", "two segments", "", withRaw(func(w *world) string { a := w.seedsAssertion(); return a[:strings.LastIndexByte(a, '.')] }), 401, ic, "has 2 dot-separated segments"},
		{"N16", "padded base64", "", withRaw(func(w *world) string {
			return b64.EncodeToString([]byte(hdrES)) + "==." + b64.EncodeToString([]byte(seedsPayload(w))) + ".AAAA"
		}), 401, ic, "'=' padding"},
		{"N16", "standard base64 alphabet", "", withRaw(func(w *world) string { a := w.seedsAssertion(); return a[:len(a)-2] + "+/" }), 401, ic, "'+' or '/'"},
		{"N16", "JWE", "", withRaw(func(w *world) string { return "a.b.c.d.e" }), 401, ic, "a JWE"},
		{"N16", "payload not JSON", "", withRaw(func(w *world) string { return unsigned(hdrES, "hello") }), 401, ic, "payload is not a JSON object"},
		{"N16", "duplicate header member", "", withRaw(func(w *world) string {
			return unsigned(`{"alg":"ES256","alg":"none"}`, seedsPayload(w))
		}), 401, ic, "member 'alg' appears twice"},
		{"N17", "two JWTs", "", withRaw(func(w *world) string { return w.seedsAssertion() + " " + w.seedsAssertion() }), 401, ic, "exactly one JWT"},
		{"N18", "alg none", "", withRaw(func(w *world) string { return unsigned(`{"alg":"none"}`, seedsPayload(w)) }), 401, ic, "alg 'none'"},
		{"N18", "alg NoNe", "", withRaw(func(w *world) string { return unsigned(`{"alg":"NoNe"}`, seedsPayload(w)) }), 401, ic, "alg 'NoNe'"},
		{"N19", "HS256 keyed with the public key", "", withRaw(func(w *world) string {
			return sign(w.t, pubPEM(w.t, &w.keyA.PublicKey), map[string]any{"alg": "HS256"}, []byte(seedsPayload(w)))
		}), 401, ic, "is an HMAC"},
		{"N20", "RS256", "", withRaw(func(w *world) string {
			return sign(w.t, clientRSA, map[string]any{"alg": "RS256"}, mustJSON(w.t, w.claims("rsa-client")))
		}), 401, ic, "only PS256 or ES256"},
		{"N21", "PS256 for an EC client", "", withRaw(func(w *world) string {
			return sign(w.t, clientRSA, map[string]any{"alg": "PS256"}, []byte(seedsPayload(w)))
		}), 401, ic, "differs from the client's registered signing alg ES256"},
		{"N22", "ES384", "", withRaw(func(w *world) string { return unsigned(`{"alg":"ES384"}`, seedsPayload(w)) }), 401, ic, "alg 'ES384' is not allowed"},
		{"N23", "ES256 with the kid of an RSA key", "", withRaw(func(w *world) string {
			return sign(w.t, w.keyM, map[string]any{"kid": w.multi.keys[1].kid}, mustJSON(w.t, w.claims("multi")))
		}), 401, ic, "does not fit the key"},
		{"N24", "no kid, two keys", "", withRaw(func(w *world) string {
			return sign(w.t, w.keyM, nil, mustJSON(w.t, w.claims("multi")))
		}), 401, ic, "has 2 registered keys"},
		{"N25", "unknown kid", "", withRaw(func(w *world) string {
			return sign(w.t, w.keyA, map[string]any{"kid": "nope"}, []byte(seedsPayload(w)))
		}), 401, ic, "kid 'nope' is not a key of client 'das-api-auth'"},
		{"N26", "office-b signed with A's key", "", withRaw(func(w *world) string {
			return sign(w.t, w.keyA, nil, mustJSON(w.t, w.claims("office-b")))
		}), 401, ic, "verifies with the key of client 'das-api-auth', not with the key registered for 'office-b'"},
		{"N27", "jwk header", "", withRaw(func(w *world) string { return unsigned(`{"alg":"ES256","jwk":{"kty":"EC"}}`, seedsPayload(w)) }), 401, ic, "header 'jwk'"},
		{"N27", "x5u header", "", withRaw(func(w *world) string { return unsigned(`{"alg":"ES256","x5u":"https://evil"}`, seedsPayload(w)) }), 401, ic, "header 'x5u'"},
		{"N28", "crit b64", "", withRaw(func(w *world) string { return unsigned(`{"alg":"ES256","crit":["b64"],"b64":false}`, seedsPayload(w)) }), 401, ic, "crit"},
		{"N29", "typ at+jwt", "", withRaw(func(w *world) string {
			return sign(w.t, w.keyA, map[string]any{"typ": "at+jwt"}, []byte(seedsPayload(w)))
		}), 401, ic, "typ 'at+jwt'"},
		{"N30", "zip", "", withRaw(func(w *world) string { return unsigned(`{"alg":"ES256","zip":"DEF"}`, seedsPayload(w)) }), 401, ic, "zip"},
		{"N31", "payload altered", "", withRaw(func(w *world) string {
			a := w.seedsAssertion()
			p := strings.Split(a, ".")
			c := w.claims(clientA)
			c["exp"] = c["exp"].(int64) + 5
			return p[0] + "." + b64.EncodeToString(mustJSON(w.t, c)) + "." + p[2]
		}), 401, ic, "signature does not verify with the registered key"},
		{"N32", "DER signature", "", withRaw(func(w *world) string {
			der, _ := clientauth.DEREncodedJWS(w.seedsAssertion())
			return der
		}), 401, ic, "re-encoded as R||S it verifies"},
		{"N33", "63 bytes, leading zero of R dropped", "", withRaw(func(w *world) string { return leadingZeroAssertion(w, 0) }), 401, ic, "R lost its leading zero byte"},
		{"N33", "63 bytes, leading zero of S dropped", "", withRaw(func(w *world) string { return leadingZeroAssertion(w, 32) }), 401, ic, "S lost its leading zero byte"},
		{"N33", "65 bytes, extra sign byte on R", "", withSig(func(w *world, _ string, sig []byte) []byte { return append([]byte{0}, sig...) }), 401, ic, "R carries an extra leading zero"},
		{"N33", "10 bytes", "", withSig(func(w *world, _ string, sig []byte) []byte { return sig[:10] }), 401, ic, "is 10 bytes"},
		{"N34", "all-zero signature", "", withSig(func(w *world, _ string, _ []byte) []byte { return make([]byte, 64) }), 401, ic, "all zero bytes"},
		{"N34", "r = n", "", withSig(func(w *world, _ string, sig []byte) []byte {
			out := append([]byte(nil), sig...)
			elliptic.P256().Params().N.FillBytes(out[:32])
			return out
		}), 401, ic, "not below the P-256 group order"},
		{"N37", "iss missing", "", withClaims(func(w *world, c map[string]any) { delete(c, "iss") }), 401, ic, "claim iss missing"},
		{"N38", "wrong iss", "", withClaims(func(w *world, c map[string]any) { c["iss"] = "wrong-issuer-value" }), 401, ic, "claim iss is 'wrong-issuer-value': want 'das-api-auth'"},
		{"N39", "sub missing", "", withClaims(func(w *world, c map[string]any) { delete(c, "sub") }), 401, ic, "claim sub missing"},
		{"N40", "wrong sub", "", withClaims(func(w *world, c map[string]any) { c["sub"] = "wrong-sub-value" }), 401, ic, "claim sub is 'wrong-sub-value'"},
		{"N41", "aud missing", "", withClaims(func(w *world, c map[string]any) { delete(c, "aud") }), 401, ic, "claim aud missing"},
		{"N42", "foreign aud", "", withClaims(func(w *world, c map[string]any) { c["aud"] = "https://fapidev-rs.authlete.net/api/userinfo" }), 401, ic, "names another audience"},
		{"N43", "aud with trailing slash", "", withClaims(func(w *world, c map[string]any) { c["aud"] = w.srv.TokenEndpoint() + "/" }), 401, ic, "nearly matches"},
		{"N43", "aud with AM realm path", "", withClaims(func(w *world, c map[string]any) {
			c["aud"] = w.srv.Issuer() + "/realms/root/access_token"
		}), 401, ic, "nearly matches"},
		{"N44", "aud = token endpoint (fapi)", ProfileFAPI, withClaims(func(w *world, c map[string]any) { c["aud"] = w.srv.TokenEndpoint() }), 401, ic, "the fapi profile wants the issuer"},
		{"N45", "aud = issuer (wipo)", "", withClaims(func(w *world, c map[string]any) { c["aud"] = w.srv.Issuer() }), 401, ic, "WIPO's AM wants its token endpoint"},
		{"N46", "aud = [issuer, token endpoint] (fapi)", ProfileFAPI, withClaims(func(w *world, c map[string]any) {
			c["aud"] = []string{w.srv.Issuer(), w.srv.TokenEndpoint()}
		}), 401, ic, "array of 2 values"},
		{"N47", "aud = [issuer] (fapi)", ProfileFAPI, withClaims(func(w *world, c map[string]any) { c["aud"] = []string{w.srv.Issuer()} }), 401, ic, "as a plain string"},
		{"N48", "aud a number", "", withClaims(func(w *world, c map[string]any) { c["aud"] = 42 }), 401, ic, "claim aud is a number"},
		{"N49", "jti missing (fapi)", ProfileFAPI, withClaims(func(w *world, c map[string]any) { delete(c, "jti") }), 401, ic, "claim jti missing"},
		{"N50", "jti a number", "", withClaims(func(w *world, c map[string]any) { c["jti"] = 5 }), 401, ic, "claim jti is a number"},
		{"N50", "jti empty", "", withClaims(func(w *world, c map[string]any) { c["jti"] = "" }), 401, ic, "an empty string"},
		{"N51", "exp twice", "", withRaw(func(w *world) string {
			p := seedsPayload(w)
			return sign(w.t, w.keyA, nil, []byte(p[:len(p)-1]+`,"exp":9999999999}`))
		}), 401, ic, "claim 'exp' appears more than once"},
		{"N52", "exp missing", "", withClaims(func(w *world, c map[string]any) { delete(c, "exp") }), 401, ic, "claim exp missing"},
		{"N53", "exp 5 minutes ago", "", withClaims(func(w *world, c map[string]any) { c["exp"] = w.clock.Now().Unix() - 300 }), 401, ic, "assertion expired: exp 2026-01-05T08:55:00Z"},
		{"N54", "exp = now - skew (boundary)", "", withClaims(func(w *world, c map[string]any) { c["exp"] = w.clock.Now().Unix() - 10 }), 401, ic, "server clock 2026-01-05T09:00:00Z"},
		{"N55", "exp a string", "", withClaims(func(w *world, c map[string]any) { c["exp"] = "1767603610" }), 401, ic, "claim exp is a string"},
		{"N55", "exp a boolean", "", withClaims(func(w *world, c map[string]any) { c["exp"] = true }), 401, ic, "claim exp is a boolean"},
		{"N56", "exp now + 1100 s (wipo)", "", withClaims(func(w *world, c map[string]any) { c["exp"] = w.clock.Now().Unix() + 1100 }), 401, ic, "at most 16m40s allowed by the wipo profile"},
		{"N56", "exp now + 400 s (fapi)", ProfileFAPI, withClaims(func(w *world, c map[string]any) { c["exp"] = w.clock.Now().Unix() + 400 }), 401, ic, "at most 5m0s allowed by the fapi profile"},
		{"N57", "nbf now + 62 s", ProfileFAPI, withClaims(func(w *world, c map[string]any) {
			n := w.clock.Now().Unix() + 62
			c["nbf"], c["iat"], c["exp"] = n, n, n+60
		}), 401, ic, "not valid yet: nbf"},
		{"N58", "iat now + 62 s", "", withClaims(func(w *world, c map[string]any) { c["iat"] = w.clock.Now().Unix() + 62 }), 401, ic, "ahead of the server clock"},
		{"N58", "iat 2000 s ago", "", withClaims(func(w *world, c map[string]any) { c["iat"] = w.clock.Now().Unix() - 2000 }), 401, ic, "assertions older than"},
		{"N59", "iat a string", "", withClaims(func(w *world, c map[string]any) { c["iat"] = "now" }), 401, ic, "claim iat is a string"},
		{"N59", "nbf null", "", withClaims(func(w *world, c map[string]any) { c["nbf"] = nil }), 401, ic, "claim nbf is null"},
		{"N62", "unknown scope", "", withForm(func(w *world, f form) form { return f.set("scope", "das-api/admin") }), 400, "invalid_scope", "scope 'das-api/admin' is unknown"},
		{"N63", "scope beyond allowance", "", func(w *world) *http.Request {
			return w.post(w.form(sign(w.t, w.keyB, nil, mustJSON(w.t, w.claims("narrow")))).set("scope", ScopeOfficeExchange))
		}, 400, "invalid_scope", "not allowed for client 'narrow'"},
		{"N64", "scope with a double quote", "", withForm(func(w *world, f form) form { return f.set("scope", `das-api/"x`) }), 400, "invalid_scope", "outside NQCHAR"},
		{"N64", "scope with two spaces", "", withForm(func(w *world, f form) form { return f.set("scope", ScopeDASAccess+"  "+ScopeOfficeExchange) }), 400, "invalid_scope", "empty token"},
	}
}

// leadingZeroAssertion signs client A's claims until R (at 0) or S (at 32)
// starts with a zero byte, then drops that byte: the seeds' script does this
// to about 1 signature in 128.
func leadingZeroAssertion(w *world, at int) string {
	for i := 0; i < 5000; i++ {
		a := w.seedsAssertion()
		sig, _ := b64.DecodeString(a[strings.LastIndexByte(a, '.')+1:])
		if sig[at] == 0 {
			return resign(a, append(append([]byte(nil), sig[:at]...), sig[at+1:]...))
		}
	}
	w.t.Fatal("no signature with a leading zero in 5000 tries")
	return ""
}

func TestTokenEndpointRefusesEveryCheckWithItsID(t *testing.T) {
	worlds := map[Profile]*world{ProfileWIPO: newWorld(t, ProfileWIPO), ProfileFAPI: newWorld(t, ProfileFAPI)}
	for _, tc := range negativeCases() {
		t.Run(tc.id+"/"+tc.name, func(t *testing.T) {
			p := tc.profile
			if p == "" {
				p = ProfileWIPO
			}
			w := worlds[p]
			w.t = t
			res := w.do(tc.req(w))
			assertOAuthError(t, res, tc.id, tc.status, tc.code, tc.frag)
			if tc.id == "N1" && res.header.Get("Allow") != "POST" {
				t.Errorf("Allow = %q, want POST", res.header.Get("Allow"))
			}
			if tc.status == 401 && strings.Contains(tc.name, "Basic") && !strings.HasPrefix(res.header.Get("WWW-Authenticate"), "Basic") {
				t.Errorf("401 after Basic without WWW-Authenticate: %v", res.header)
			}
		})
	}
}

func assertOAuthError(t *testing.T, res result, id string, status int, code, frag string) {
	t.Helper()
	desc, _ := res.body["error_description"].(string)
	if res.status != status || res.body["error"] != code || res.body["check_id"] != id {
		t.Fatalf("got %d %v check %v (%s), want %d %s check %s", res.status, res.body["error"], res.body["check_id"], desc, status, code, id)
	}
	if !strings.Contains(desc, frag) {
		t.Errorf("description %q lacks %q", desc, frag)
	}
	if !strings.HasPrefix(desc, id+" ") {
		t.Errorf("description %q does not start with its id", desc)
	}
	if res.body["error_uri"] != CheckURI(id) {
		t.Errorf("error_uri %v, want %s", res.body["error_uri"], CheckURI(id))
	}
	for _, c := range desc {
		if c < 0x20 || c == '"' || c == '\\' || c > 0x7e {
			t.Errorf("description has %q outside the RFC 6749 section 5.2 charset", c)
		}
	}
	if ct := res.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := res.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
}

func TestRegistrationRefusesBadKeys(t *testing.T) {
	w := newWorld(t, ProfileWIPO)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	err := w.srv.Register(Client{ID: "p384", KeysPEM: pubPEM(t, &p384.PublicKey)})
	if err == nil || !strings.Contains(err.Error(), "N35") || !strings.Contains(err.Error(), "P-384") {
		t.Errorf("P-384 key: %v, want N35", err)
	}
	err = w.srv.Register(Client{ID: "nokey", KeysPEM: []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")})
	if err == nil || !strings.Contains(err.Error(), "N35") {
		t.Errorf("broken certificate: %v, want N35", err)
	}
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.srv.Register(Client{ID: "rsa1024", KeysPEM: pubPEM(t, &small.PublicKey)}); err == nil || !strings.Contains(err.Error(), "N36") {
		t.Errorf("1024-bit RSA: %v, want N36", err)
	}
}
