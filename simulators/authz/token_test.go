package authz

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/wipo-das/dasim/simulators/clientauth"
)

// Positive controls: what each profile must accept.
func TestTokenEndpointAcceptsValidAssertions(t *testing.T) {
	cases := []struct {
		name    string
		profile Profile
		req     func(w *world) *http.Request
	}{
		{"seeds assertion (no jti, kid, iat)", ProfileWIPO, func(w *world) *http.Request { return w.post(w.form(w.seedsAssertion())) }},
		{"WIPO sample lifetime 1000 s", ProfileWIPO, withClaims(func(w *world, c map[string]any) { c["exp"] = w.clock.Now().Unix() + 1000 })},
		{"aud array with the token endpoint (FAPI 1.0 lenient)", ProfileWIPO, withClaims(func(w *world, c map[string]any) {
			c["aud"] = []string{w.srv.Issuer(), w.srv.TokenEndpoint()}
		})},
		{"exp = now - skew + 1 (inside the leeway)", ProfileWIPO, withClaims(func(w *world, c map[string]any) { c["exp"] = w.clock.Now().Unix() - 9 })},
		{"float exp", ProfileWIPO, withClaims(func(w *world, c map[string]any) { c["exp"] = float64(w.clock.Now().Unix()) + 5.5 })},
		{"typ client-authentication+jwt and kid", ProfileWIPO, withRaw(func(w *world) string {
			kid := w.srv.clients.get(clientA).keys[0].kid
			return sign(w.t, w.keyA, map[string]any{"typ": "client-authentication+jwt", "kid": kid}, []byte(seedsPayload(w)))
		})},
		{"no typ", ProfileWIPO, withRaw(func(w *world) string { return sign(w.t, w.keyA, nil, []byte(seedsPayload(w))) })},
		{"PS256 client", ProfileWIPO, withRaw(func(w *world) string {
			return sign(w.t, clientRSA, map[string]any{"alg": "PS256"}, mustJSON(w.t, w.claims("rsa-client")))
		})},
		{"multi-key client with kid", ProfileWIPO, withRaw(func(w *world) string {
			return sign(w.t, w.keyM, map[string]any{"kid": w.multi.keys[0].kid}, mustJSON(w.t, w.claims("multi")))
		})},
		{"client_id equal to sub", ProfileWIPO, withForm(func(w *world, f form) form { return f.set("client_id", clientA) })},
		{"two scopes", ProfileWIPO, withForm(func(w *world, f form) form { return f.set("scope", ScopeDASAccess+" "+ScopeOfficeExchange) })},
		{"no scope: client default", ProfileWIPO, withForm(func(w *world, f form) form { return f.del("scope") })},
		{"fapi: aud issuer, jti, iat", ProfileFAPI, func(w *world) *http.Request { return w.post(w.form(w.seedsAssertion())) }},
		{"fapi: nbf and iat 8 s ahead (FAPI 2.0 must accept)", ProfileFAPI, withClaims(func(w *world, c map[string]any) {
			c["nbf"], c["iat"] = w.clock.Now().Unix()+8, w.clock.Now().Unix()+8
		})},
	}
	worlds := map[Profile]*world{ProfileWIPO: newWorld(t, ProfileWIPO), ProfileFAPI: newWorld(t, ProfileFAPI)}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := worlds[tc.profile]
			w.t = t
			res := w.do(tc.req(w))
			if res.status != 200 {
				t.Fatalf("status %d: %s", res.status, res.raw)
			}
			checkTokenResponse(t, w, res)
		})
	}
}

// checkTokenResponse is P2 and the seeds' sample: the body members, no
// refresh_token, and an RS256 token with AM's claims verifiable by the JWKS.
func checkTokenResponse(t *testing.T, w *world, res result) {
	t.Helper()
	if res.header.Get("Cache-Control") != "no-store" || res.header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", res.header)
	}
	if _, ok := res.body["refresh_token"]; ok {
		t.Error("refresh_token in a client credentials response (RFC 6749 section 4.4.3)")
	}
	if res.body["token_type"] != "Bearer" || res.body["expires_in"] != float64(3599) || res.body["scope"] == "" {
		t.Errorf("body %v", res.body)
	}
	tok, _ := res.body["access_token"].(string)
	msg, err := jws.Parse([]byte(tok))
	if err != nil {
		t.Fatal(err)
	}
	h := msg.Signatures()[0].ProtectedHeaders()
	alg, _ := h.Algorithm()
	kid, _ := h.KeyID()
	typ, _ := h.Type()
	if alg != jwa.RS256() || typ != "JWT" || len(kid) != 28 {
		t.Errorf("header alg %v typ %v kid %q", alg, typ, kid)
	}
	set := fetchJWKS(t, w)
	key, ok := set.LookupKeyID(kid)
	if !ok {
		t.Fatalf("kid %s not in the JWKS", kid)
	}
	payload, err := jws.Verify([]byte(tok), jws.WithKey(jwa.RS256(), key))
	if err != nil {
		t.Fatalf("access token does not verify with the JWKS: %v", err)
	}
	var c map[string]any
	_ = json.Unmarshal(payload, &c)
	for _, name := range []string{"sub", "cts", "auditTrackingId", "iss", "tokenName", "token_type", "authGrantId", "aud",
		"nbf", "grant_type", "scope", "auth_time", "realm", "exp", "iat", "expires_in", "jti"} {
		if _, ok := c[name]; !ok {
			t.Errorf("claim %s missing from %v", name, c)
		}
	}
	now := float64(w.clock.Now().Unix())
	if c["iss"] != w.srv.Issuer() || c["aud"] != c["sub"] || c["exp"] != now+3600 || c["iat"] != now ||
		c["cts"] != "OAUTH2_STATELESS_GRANT" || c["grant_type"] != "client_credentials" || c["realm"] != "/" {
		t.Errorf("claims %v", c)
	}
	if _, isArray := c["scope"].([]any); !isArray {
		t.Errorf("scope claim %v is not an array", c["scope"])
	}
}

func fetchJWKS(t *testing.T, w *world) jwk.Set {
	t.Helper()
	res, err := w.client.Get(w.srv.JWKSURI())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var raw json.RawMessage
	_ = json.NewDecoder(res.Body).Decode(&raw)
	if strings.Contains(string(raw), `"d"`) {
		t.Fatal("JWKS leaks the private exponent")
	}
	set, err := jwk.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestDiscoveryDocument(t *testing.T) {
	w := newWorld(t, ProfileWIPO)
	c := &clientauth.TokenClient{HTTP: w.client, Issuer: w.srv.Issuer()}
	m, err := c.Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if m["issuer"] != w.srv.Issuer() || m["token_endpoint"] != w.srv.Issuer()+"/access_token" || m["jwks_uri"] != w.srv.JWKSURI() {
		t.Errorf("metadata %v", m)
	}
	if got := m["token_endpoint_auth_methods_supported"].([]any); len(got) != 1 || got[0] != "private_key_jwt" {
		t.Errorf("auth methods %v", got)
	}
}

// N60 in both profiles, and P1: the same jti from another client is fine.
// The jti is forgotten once its assertion has expired (virtual clock).
func TestJTIIsSingleUse(t *testing.T) {
	for _, p := range []Profile{ProfileWIPO, ProfileFAPI} {
		t.Run(string(p), func(t *testing.T) {
			w := newWorld(t, p)
			claims := func(id string) []byte {
				c := w.claims(id)
				c["jti"] = "same-jti-0123456789"
				return mustJSON(t, c)
			}
			a := sign(t, w.keyA, nil, claims(clientA))
			if res := w.do(w.post(w.form(a))); res.status != 200 {
				t.Fatalf("first use: %s", res.raw)
			}
			res := w.do(w.post(w.form(a)))
			assertOAuthError(t, res, "N60", 401, ic, "jti 'same-jti-0123456789' of client 'das-api-auth' was already used")
			// A fresh assertion reusing the jti is a replay too.
			res = w.do(w.post(w.form(sign(t, w.keyA, nil, claims(clientA)))))
			assertOAuthError(t, res, "N60", 401, ic, "already used")
			// P1: another client may use the same jti.
			if res := w.do(w.post(w.form(sign(t, w.keyB, nil, claims("office-b"))))); res.status != 200 {
				t.Fatalf("P1 other client same jti: %s", res.raw)
			}
			w.clock.Advance(time.Minute)
			if res := w.do(w.post(w.form(sign(t, w.keyA, nil, claims(clientA))))); res.status != 200 {
				t.Fatalf("jti after the first assertion expired: %s", res.raw)
			}
		})
	}
}

func TestTokenClientGetsToken(t *testing.T) {
	for _, p := range []Profile{ProfileWIPO, ProfileFAPI} {
		w := newWorld(t, p)
		c := &clientauth.TokenClient{HTTP: w.client, Issuer: w.srv.Issuer(), ClientID: clientA, Key: w.keyA, Profile: p,
			Now: w.clock.Now, Rand: strings.NewReader(strings.Repeat("r", 64))}
		tr, err := c.Token(context.Background(), ScopeOfficeExchange)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if tr.Scope != ScopeOfficeExchange || tr.TokenType != "Bearer" {
			t.Errorf("%s: %+v", p, tr)
		}
	}
}
