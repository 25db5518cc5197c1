package main

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/wipo-das/dasim/simulators/clientauth"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/office"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// osfDefect is one deliberate fault of dasim osf-client --defect, with
// the check certify --role osf must fail first for it (the self-test's
// table) and what certify needs to see it.
type osfDefect struct {
	name, summary string
	check         string        // the check id of the first failure
	notify        bool          // certify with --notify (a receiver defect)
	lifetime      time.Duration // certify with --token-lifetime
	set           func(*office.OSFDefects)
	tokens        func(osfTokenSetup) office.TokenFunc
}

// osfTokenSetup is what a flawed token client needs.
type osfTokenSetup struct {
	http     *http.Client
	issuer   string
	clientID string
	key      *ecdsa.PrivateKey
	clock    clock.Clock
}

// apply switches the defect on; a token defect returns the token source.
func (d osfDefect) apply(od *office.OSFDefects, ts osfTokenSetup) office.TokenFunc {
	if d.set != nil {
		d.set(od)
	}
	if d.tokens != nil {
		return d.tokens(ts)
	}
	return nil
}

func skip(checks ...office.TokenCheck) func(*office.OSFDefects) {
	return func(d *office.OSFDefects) { d.SkipTokenChecks = checks }
}

// osfDefects lists every defect; names are stable (the self-test uses them).
func osfDefects() []osfDefect {
	seeds := func(ts osfTokenSetup, endpoint string, now time.Time) map[string]any {
		return map[string]any{"iss": ts.clientID, "sub": ts.clientID, "aud": endpoint, "exp": now.Add(10 * time.Second).Unix()}
	}
	return []osfDefect{
		{name: "assertion-lifetime-2h", summary: "client assertions valid for 2 hours", check: "T1", tokens: assertionTokens(protocol.ScopeOfficeExchange,
			func(ts osfTokenSetup, endpoint string, now time.Time) (string, error) {
				return clientauth.SignAssertion(ts.key, clientauth.AssertionSpec{ClientID: ts.clientID, Audience: endpoint, Lifetime: 2 * time.Hour}, now)
			})},
		{name: "iss-not-sub", summary: "client assertions whose iss is not the client id", check: "T1", tokens: assertionTokens(protocol.ScopeOfficeExchange,
			func(ts osfTokenSetup, endpoint string, now time.Time) (string, error) {
				c := seeds(ts, endpoint, now)
				c["iss"] = ts.clientID + "-issuer"
				return signClaims(jwa.ES256(), ts.key, c)
			})},
		{name: "hs256-assertion", summary: "client assertions signed HS256 with the client id", check: "T1", tokens: assertionTokens(protocol.ScopeOfficeExchange,
			func(ts osfTokenSetup, endpoint string, now time.Time) (string, error) {
				return signClaims(jwa.HS256(), []byte(ts.clientID), seeds(ts, endpoint, now))
			})},
		{name: "reused-assertion", summary: "one client assertion (jti fixed) for every token request, a token per call", check: "T1", tokens: reusedAssertion},
		{name: "wrong-scope", summary: "asks for the scope das-api/admin", check: "T1", tokens: assertionTokens("das-api/admin",
			func(ts osfTokenSetup, endpoint string, now time.Time) (string, error) {
				return clientauth.SignAssertion(ts.key, clientauth.AssertionSpec{ClientID: ts.clientID, Audience: endpoint}, now)
			})},
		{name: "wrong-aud", summary: "client assertions name the issuer as aud, not the token endpoint", check: "T1", tokens: assertionTokens(protocol.ScopeOfficeExchange,
			func(ts osfTokenSetup, _ string, now time.Time) (string, error) {
				return clientauth.SignAssertion(ts.key, clientauth.AssertionSpec{ClientID: ts.clientID, Audience: ts.issuer}, now)
			})},
		{name: "no-token-renewal", summary: "keeps its first access token past its expiry", check: "T2", lifetime: 3 * time.Second, tokens: firstTokenForever},
		{name: "accept-any-token", summary: "its notification endpoint lets in any request with a bearer token", check: "P2", notify: true, set: skip(office.TokenCheckAll)},
		{name: "skip-signature", summary: "its notification endpoint does not verify the token's signature", check: "P3", notify: true, set: skip(office.TokenCheckSignature)},
		{name: "skip-issuer", summary: "its notification endpoint does not check iss", check: "P7", notify: true, set: skip(office.TokenCheckIssuer)},
		{name: "skip-expiry", summary: "its notification endpoint does not check exp and nbf", check: "P8", notify: true, set: skip(office.TokenCheckExpiry)},
		{name: "skip-scope", summary: "its notification endpoint does not check the scope", check: "P10", notify: true, set: skip(office.TokenCheckScope)},
		{name: "skip-client", summary: "its notification endpoint does not check that the token is DAS's", check: "P11", notify: true, set: skip(office.TokenCheckClient)},
		{name: "notify-200", summary: "answers notifications 200 with a body", check: "O3", notify: true, set: func(d *office.OSFDefects) { d.NotifyAnswer200 = true }},
		{name: "refuse-repeat", summary: "answers a repeated notification 409", check: "O3", notify: true, set: func(d *office.OSFDefects) { d.RefuseRepeat = true }},
		{name: "act-on-refused", summary: "refuses a forged notification but acts on it", check: "O4", notify: true, set: func(d *office.OSFDefects) { d.ActOnRefused = true }},
		{name: "no-retry", summary: "gives up on a retrieval answered 503", check: "O7", set: func(d *office.OSFDefects) { d.NoRetry = true }},
		{name: "fast-retry", summary: "retries a 503 after 1.5 ms", check: "O11", set: func(d *office.OSFDefects) { d.FastRetry = true }},
		{name: "fast-polling", summary: "polls the status 50 times a second", check: "O5", set: func(d *office.OSFDefects) { d.FastPolling = true }},
		{name: "url-before-ready", summary: "asks for the file location URL before the document is ready", check: "O2", set: func(d *office.OSFDefects) { d.URLBeforeReady = true }},
		{name: "token-in-query", summary: "sends its access token in the query string too", check: "O2", set: func(d *office.OSFDefects) { d.TokenInQuery = true }},
		{name: "wrong-access-code", summary: "sends another dasAccessCode", check: "O2", set: func(d *office.OSFDefects) { d.WrongAccessCode = true }},
		{name: "missing-field", summary: "leaves documentDate out of POST retrievals", check: "O2", set: func(d *office.OSFDefects) { d.MissingField = true }},
		{name: "no-url-renewal", summary: "gives up when its file location URL has expired", check: "O10", set: func(d *office.OSFDefects) { d.NoURLRenewal = true }},
		{name: "bearer-to-store", summary: "sends its access token with the presigned GET", check: "O12", set: func(d *office.OSFDefects) { d.BearerToStore = true }},
		{name: "no-checksum-check", summary: "takes a download without checking its sha256, then deletes the file", check: "O13", set: func(d *office.OSFDefects) { d.NoChecksumCheck = true }},
		{name: "partial-download", summary: "downloads half of each file and deletes it", check: "O8", set: func(d *office.OSFDefects) { d.PartialDownload = true }},
		{name: "delete-before-download", summary: "deletes the transit file before downloading it", check: "O8", set: func(d *office.OSFDefects) { d.DeleteBeforeDownload = true }},
		{name: "delete-wrong-id", summary: "deletes with a fileId DAS never gave", check: "O8", set: func(d *office.OSFDefects) { d.DeleteWrongID = true }},
		{name: "skip-document", summary: "never retrieves the last listed document", check: "O1", set: func(d *office.OSFDefects) { d.SkipDocument = true }},
		{name: "skip-download", summary: "gets the last document's URL but never downloads it", check: "O9", set: func(d *office.OSFDefects) { d.SkipDownload = true }},
	}
}

// assertionTokens requests a new token for every call (so that every call
// shows the mistake) with the assertion make builds, for scope.
func assertionTokens(scope string, make func(ts osfTokenSetup, endpoint string, now time.Time) (string, error)) func(osfTokenSetup) office.TokenFunc {
	return func(ts osfTokenSetup) office.TokenFunc {
		tc := &clientauth.TokenClient{HTTP: ts.http, Issuer: ts.issuer, ClientID: ts.clientID, Key: ts.key, Now: ts.clock.Now}
		return func(ctx context.Context) (string, error) {
			meta, err := tc.Discover(ctx)
			if err != nil {
				return "", err
			}
			endpoint, _ := meta["token_endpoint"].(string)
			assertion, err := make(ts, endpoint, tc.Now())
			if err != nil {
				return "", err
			}
			tr, err := tc.Exchange(ctx, endpoint, assertion, scope)
			if err != nil {
				return "", err
			}
			return tr.AccessToken, nil
		}
	}
}

// reusedAssertion signs one assertion with a jti and sends it again with
// every token request (RFC 7523 section 3 item 7: a jti is single use).
func reusedAssertion(ts osfTokenSetup) office.TokenFunc {
	var once sync.Once
	var assertion string
	var err error
	return assertionTokens(protocol.ScopeOfficeExchange, func(ts osfTokenSetup, endpoint string, now time.Time) (string, error) {
		once.Do(func() {
			assertion, err = clientauth.SignAssertion(ts.key, clientauth.AssertionSpec{ClientID: ts.clientID, Audience: endpoint,
				Lifetime: time.Minute, JTI: "dasim-reused-assertion"}, now)
		})
		return assertion, err
	})(ts)
}

// firstTokenForever gets one token and presents it ever after.
func firstTokenForever(ts osfTokenSetup) office.TokenFunc {
	tc := &clientauth.TokenClient{HTTP: ts.http, Issuer: ts.issuer, ClientID: ts.clientID, Key: ts.key, Now: ts.clock.Now}
	var mu sync.Mutex
	token := ""
	return func(ctx context.Context) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		if token == "" {
			tr, err := tc.Token(ctx, protocol.ScopeOfficeExchange)
			if err != nil {
				return "", err
			}
			token = tr.AccessToken
		}
		return token, nil
	}
}

// signClaims signs claims as a JWT with alg and key (jwx).
func signClaims(alg jwa.SignatureAlgorithm, key any, claims map[string]any) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	h := jws.NewHeaders()
	_ = h.Set("typ", "JWT")
	b, err := jws.Sign(payload, jws.WithKey(alg, key, jws.WithProtectedHeaders(h)))
	return string(b), err
}

// osfDefectFlags is repeated --defect NAME of dasim osf-client.
func osfDefectFlags() *choiceFlags[osfDefect] {
	return &choiceFlags[osfDefect]{what: "defect", catalogue: osfDefects, name: func(d osfDefect) string { return d.name }}
}
