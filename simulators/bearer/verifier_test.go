package bearer

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/clientauth"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/protocol"
)

var epoch = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

var (
	keyOnce sync.Once
	asKey   *rsa.PrivateKey
)

func signingKey(t testing.TB) *rsa.PrivateKey {
	keyOnce.Do(func() {
		var err error
		if asKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			t.Fatal(err)
		}
	})
	return asKey
}

// env is an authorization server (in process) and a verifier trusting it.
type env struct {
	t     testing.TB
	clock *clock.Virtual
	as    *authz.Server
	v     *Verifier
	priv  jwk.Key // the AS signing key, to forge custom tokens
}

func newEnv(t testing.TB, edit func(*Config)) *env {
	t.Helper()
	e := &env{t: t, clock: clock.NewVirtual(epoch)}
	var err error
	e.as, err = authz.New(authz.Config{BaseURL: "https://as.test", Clock: e.clock}, authz.WithSigningKey(signingKey(t)))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"ep-client", "stranger"} {
		files, err := clientauth.GenerateKeyFiles(rand.Reader, epoch)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.as.Register(authz.Client{ID: id, KeysPEM: files.CertPEM}); err != nil {
			t.Fatal(err)
		}
	}
	cfg := Config{Issuer: e.as.Issuer(), Keys: StaticKeys(e.as.PublicKeys()), Clock: e.clock,
		Scopes: []string{authz.ScopeOfficeExchange, authz.ScopeDASAccess}, Whitelist: map[string]string{"ep-client": "EP"}}
	if edit != nil {
		edit(&cfg)
	}
	if e.v, err = New(cfg); err != nil {
		t.Fatal(err)
	}
	pub, _ := e.as.PublicKeys().Key(0)
	kid, _ := pub.KeyID()
	e.priv, _ = jwk.Import(signingKey(t))
	_ = e.priv.Set(jwk.KeyIDKey, kid)
	return e
}

func (e *env) token(client string, scopes ...string) string {
	if scopes == nil {
		scopes = []string{authz.ScopeOfficeExchange}
	}
	tr, err := e.as.Issue(client, scopes)
	if err != nil {
		e.t.Fatal(err)
	}
	return tr.AccessToken
}

// forge signs custom claims (AM-like defaults edited) with the AS key.
func (e *env) forge(alg jwa.SignatureAlgorithm, key any, edit func(map[string]any)) string {
	now := e.clock.Now().Unix()
	c := map[string]any{"sub": "ep-client", "aud": "ep-client", "iss": e.as.Issuer(), "exp": now + 3600,
		"iat": now, "nbf": now, "scope": []string{authz.ScopeOfficeExchange}, "jti": "forged"}
	if edit != nil {
		edit(c)
	}
	b, _ := json.Marshal(c)
	h := jws.NewHeaders()
	_ = h.Set("typ", "JWT")
	out, err := jws.Sign(b, jws.WithKey(alg, key, jws.WithProtectedHeaders(h)))
	if err != nil {
		e.t.Fatal(err)
	}
	return string(out)
}

func bearerReq(tok string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/das/v1/requests/retrievals/statuses", nil)
	if tok != "" {
		r.Header.Set("Authorization", "Bearer "+tok)
	}
	return r
}

type rcase struct {
	id, name  string
	setup     func(e *env) *http.Request
	status    int
	challenge string // fragment of WWW-Authenticate
	frag      string // fragment of the DAS detail message
}

func refusalCases() []rcase {
	return []rcase{
		{"R1", "no token", func(e *env) *http.Request { return bearerReq("") }, 401, `Bearer realm="DAS"`, "no access token"},
		{"R1", "Basic scheme", func(e *env) *http.Request {
			r := bearerReq("")
			r.SetBasicAuth("a", "b")
			return r
		}, 401, `Bearer realm="DAS"`, "is not Bearer"},
		{"R2", "token in query", func(e *env) *http.Request {
			return httptest.NewRequest(http.MethodGet, "/x?access_token="+e.token("ep-client"), nil)
		}, 400, `error="invalid_request"`, "in the query string"},
		{"R2", "token in form body", func(e *env) *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(url.Values{"access_token": {e.token("ep-client")}}.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, 400, `error="invalid_request"`, "in the form body"},
		{"R4", "malformed header", func(e *env) *http.Request {
			r := bearerReq("")
			r.Header.Set("Authorization", "Bearer a b")
			return r
		}, 400, `error="invalid_request"`, "malformed Authorization header"},
		{"R4", "two headers", func(e *env) *http.Request {
			r := bearerReq(e.token("ep-client"))
			r.Header.Add("Authorization", "Bearer x")
			return r
		}, 400, `error="invalid_request"`, "2 Authorization headers"},
		{"R5", "bad signature", func(e *env) *http.Request {
			tok := e.token("ep-client")
			return bearerReq(tok[:len(tok)-4] + "AAAA")
		}, 401, `error="invalid_token"`, "signature does not verify"},
		{"R5", "alg none", func(e *env) *http.Request {
			tok := e.token("ep-client")
			p := strings.Split(tok, ".")
			return bearerReq(b64.EncodeToString([]byte(`{"alg":"none","kid":"x"}`)) + "." + p[1] + ".")
		}, 401, `error="invalid_token"`, "alg 'none'"},
		{"R5", "HS256 keyed with the AS public key", func(e *env) *http.Request {
			der, _ := x509.MarshalPKIXPublicKey(&signingKey(e.t).PublicKey)
			return bearerReq(e.forge(jwa.HS256(), der, nil))
		}, 401, `error="invalid_token"`, "alg 'HS256'"},
		{"R5", "unknown kid", func(e *env) *http.Request {
			other, _ := jwk.Import(signingKey(e.t))
			_ = other.Set(jwk.KeyIDKey, "rotated-away")
			return bearerReq(e.forge(jwa.RS256(), other, nil))
		}, 401, `error="invalid_token"`, "kid 'rotated-away' is not in the issuer's key set"},
		{"R6", "expired", func(e *env) *http.Request {
			tok := e.token("ep-client")
			e.clock.Advance(time.Hour + time.Second)
			return bearerReq(tok)
		}, 401, `error="invalid_token"`, "token expired at 2026-01-05T10:00:00Z, clock is 2026-01-05T10:00:01Z"},
		{"R6", "nbf in the future", func(e *env) *http.Request {
			return bearerReq(e.forge(jwa.RS256(), e.priv, func(c map[string]any) { c["nbf"] = e.clock.Now().Unix() + 60 }))
		}, 401, `error="invalid_token"`, "not valid before 2026-01-05T09:01:00Z"},
		{"R6", "nbf 1e300 (would overflow into the past)", func(e *env) *http.Request {
			return bearerReq(e.forge(jwa.RS256(), e.priv, func(c map[string]any) { c["nbf"] = 1e300 }))
		}, 401, `error="invalid_token"`, "token nbf 1e+300 is not a NumericDate from 0 to 253402300799"},
		{"R6", "exp beyond year 9999", func(e *env) *http.Request {
			return bearerReq(e.forge(jwa.RS256(), e.priv, func(c map[string]any) { c["exp"] = 9.3e18 }))
		}, 401, `error="invalid_token"`, "token exp 9.3e+18 is not a NumericDate"},
		{"R6", "negative exp", func(e *env) *http.Request {
			return bearerReq(e.forge(jwa.RS256(), e.priv, func(c map[string]any) { c["exp"] = -1 }))
		}, 401, `error="invalid_token"`, "token exp -1 is not a NumericDate"},
		{"R6", "negative nbf", func(e *env) *http.Request {
			return bearerReq(e.forge(jwa.RS256(), e.priv, func(c map[string]any) { c["nbf"] = -9.3e18 }))
		}, 401, `error="invalid_token"`, "token nbf -9.3e+18 is not a NumericDate"},
		{"R7", "wrong issuer", func(e *env) *http.Request {
			return bearerReq(e.forge(jwa.RS256(), e.priv, func(c map[string]any) { c["iss"] = "https://evil.test/am/oauth2" }))
		}, 401, `error="invalid_token"`, "token iss 'https://evil.test/am/oauth2'"},
		{"R8", "wrong audience", func(e *env) *http.Request {
			return bearerReq(e.forge(jwa.RS256(), e.priv, func(c map[string]any) { c["aud"] = "other-client" }))
		}, 401, `error="invalid_token"`, "token aud [other-client]: want ep-client"},
		{"R10", "scope missing", func(e *env) *http.Request { return bearerReq(e.token("ep-client", "das-api/das-access")) }, 403,
			`error="insufficient_scope"`, "token scope [das-api/das-access] lacks das-api/office-exchange"},
		{"R11", "client not whitelisted", func(e *env) *http.Request { return bearerReq(e.token("stranger")) }, 403,
			`error="insufficient_scope"`, "client 'stranger' (token sub) is not whitelisted for this API: ask the API's operator to whitelist it for its office"},
		{"R12", "revoked", func(e *env) *http.Request {
			return bearerReq(e.forge(jwa.RS256(), e.priv, func(c map[string]any) { e.v.Revoke("forged") }))
		}, 401, `error="invalid_token"`, "token forged has been revoked"},
		{"R13", "certificate-bound token without certificate", func(e *env) *http.Request {
			return bearerReq(e.forge(jwa.RS256(), e.priv, func(c map[string]any) { c["cnf"] = map[string]string{"x5t#S256": "abc"} }))
		}, 401, `error="invalid_token"`, "bound to the client certificate"},
	}
}

func TestVerifierRefusals(t *testing.T) {
	for _, tc := range refusalCases() {
		t.Run(tc.id+"/"+tc.name, func(t *testing.T) {
			e := newEnv(t, func(c *Config) {
				if tc.id == "R10" {
					c.Scopes = []string{authz.ScopeOfficeExchange}
				}
			})
			rec := httptest.NewRecorder()
			called := false
			e.v.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true }), writeWIPO).ServeHTTP(rec, tc.setup(e))
			if called {
				t.Fatal("handler called for a refused request")
			}
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			ch := rec.Header().Get("WWW-Authenticate")
			if !strings.Contains(ch, tc.challenge) {
				t.Errorf("WWW-Authenticate %q lacks %q", ch, tc.challenge)
			}
			if tc.id == "R1" && strings.Contains(ch, "error=") {
				t.Errorf("R1 challenge %q carries an error code (RFC 6750 section 3.1)", ch)
			}
			if tc.id == "R10" && !strings.Contains(ch, `scope="das-api/office-exchange"`) {
				t.Errorf("R10 challenge %q lacks the scope attribute", ch)
			}
			de, _, ok := protocol.ParseDASError(rec.Body.Bytes())
			if !ok || len(de.Details) != 1 {
				t.Fatalf("body is not a DAS error: %s", rec.Body)
			}
			msg := de.Details[0].Message
			if tc.id == "R11" && strings.Contains(msg, "ep-client") {
				t.Errorf("R11 names another whitelisted client: %q", msg)
			}
			if !strings.HasPrefix(msg, tc.id+" ") || !strings.Contains(msg, tc.frag) {
				t.Errorf("detail %q: want prefix %s and %q", msg, tc.id, tc.frag)
			}
			wantCode := map[int]string{400: protocol.CodeInvalidInputData, 401: protocol.CodeUnauthorized, 403: protocol.CodeForbidden}[tc.status]
			if de.Code != wantCode {
				t.Errorf("code %s, want %s", de.Code, wantCode)
			}
		})
	}
}

// R9: in RFC 9068 mode an AM token (typ JWT) is refused.
func TestVerifierTypeSwitch(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.TokenType = "at+jwt" })
	_, err := e.v.Verify(context.Background(), e.token("ep-client"))
	if be, ok := err.(*Error); !ok || be.CheckID != "R9" || be.Status != 401 {
		t.Fatalf("got %v, want R9", err)
	}
}

// R3 and R14 and the principal: any scheme case; a token works many times.
func TestVerifierAcceptsAndPutsPrincipal(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token("ep-client")
	var got *Principal
	h := e.v.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got, _ = FromContext(r.Context()) }), writeWIPO)
	for i, scheme := range []string{"Bearer", "bearer", "BEARER", "BeArEr"} {
		r := bearerReq("")
		r.Header.Set("Authorization", scheme+" "+tok)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != 200 || got == nil {
			t.Fatalf("use %d scheme %s: %d %s", i, scheme, rec.Code, rec.Body)
		}
	}
	if got.ClientID != "ep-client" || got.OfficeCode != "EP" || !got.HasScope(authz.ScopeOfficeExchange) ||
		got.TokenID == "" || !got.ExpiresAt.Equal(epoch.Add(time.Hour)) {
		t.Errorf("principal %+v", got)
	}
	if e.v.cache.len() != 1 {
		t.Errorf("cache holds %d tokens, want 1", e.v.cache.len())
	}
	// A whitelist change takes effect for a cached token.
	e.v.Disallow("ep-client")
	if _, err := e.v.Verify(context.Background(), tok); err == nil {
		t.Error("disallowed client still accepted")
	}
	if err := e.v.Allow("x", "ep"); err == nil {
		t.Error("lower-case office code accepted")
	}
}

func TestCacheIsBounded(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.CacheSize = 4 })
	for i := 0; i < 10; i++ {
		if _, err := e.v.Verify(context.Background(), e.token("ep-client")); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.v.cache.len(); n > 4 {
		t.Errorf("cache holds %d tokens, bound 4", n)
	}
}

// Setup (A): an office verifies WIPO tokens through WIPO's JWKS over HTTPS.
func TestRemoteJWKS(t *testing.T) {
	e := newEnv(t, nil)
	srv := httptest.NewTLSServer(e.as.Handler())
	defer srv.Close()
	as, err := authz.New(authz.Config{BaseURL: srv.URL, Clock: e.clock}, authz.WithSigningKey(signingKey(t)))
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = as.Handler()
	files, _ := clientauth.GenerateKeyFiles(rand.Reader, epoch)
	_ = as.Register(authz.Client{ID: "wipo-das", KeysPEM: files.CertPEM})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	keys, err := RemoteKeys(ctx, as.JWKSURI(), srv.Client(), e.clock)
	if err != nil {
		t.Fatal(err)
	}
	v, err := New(Config{Issuer: as.Issuer(), Keys: keys, Clock: e.clock, Scopes: []string{authz.ScopeOfficeExchange},
		Whitelist: map[string]string{"wipo-das": "WO"}})
	if err != nil {
		t.Fatal(err)
	}
	tr, _ := as.Issue("wipo-das", []string{authz.ScopeOfficeExchange})
	p, err := v.Verify(ctx, tr.AccessToken)
	if err != nil || p.OfficeCode != "WO" {
		t.Fatalf("%v %+v", err, p)
	}
}

// writeWIPO is what a DAS party's writer does with a refusal.
func writeWIPO(w http.ResponseWriter, _ *http.Request, e *Error) {
	protocol.WriteDASError(w, e.WIPOAnswer(), protocol.ShapeFlat)
}
