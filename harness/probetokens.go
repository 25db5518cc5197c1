package harness

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/wipo-das/dasim/simulators/authz"
)

// Probe is one forged notification the harness sends an OSF's notification
// endpoint: an attacker's request, or DAS's with a token that must not be
// accepted. Every one must be refused, RFC 6750 section 3.1: 401 with a
// WWW-Authenticate: Bearer challenge (403 also for a token valid but not
// allowed, insufficient_scope or another client).
type Probe struct {
	ID          string // P1..P11, stable
	Name        string // what is wrong with it, e.g. "an expired token"
	ForbiddenOK bool   // 403 is an acceptable refusal too
	// authorization returns the Authorization header to send ("" none).
	authorization func(m *probeMinter) (string, error)
}

// Probes lists every forged notification, in the order they are sent.
func Probes() []Probe {
	bearer := func(f func(m *probeMinter) (string, error)) func(m *probeMinter) (string, error) {
		return func(m *probeMinter) (string, error) {
			tok, err := f(m)
			return "Bearer " + tok, err
		}
	}
	resigned := func(alter func(c map[string]any, now time.Time)) func(m *probeMinter) (string, error) {
		return bearer(func(m *probeMinter) (string, error) { return m.resign(alter, jwa.RS256(), m.key) })
	}
	return []Probe{
		{ID: "P1", Name: "no token", authorization: func(*probeMinter) (string, error) { return "", nil }},
		{ID: "P2", Name: "a token that is not a JWT", authorization: func(*probeMinter) (string, error) {
			return "Bearer not-a-jwt.at-all", nil
		}},
		{ID: "P3", Name: "DAS's token with a forged signature", authorization: bearer(func(m *probeMinter) (string, error) {
			return m.forgedSignature()
		})},
		{ID: "P4", Name: "a token signed with a key outside WIPO's JWKS (same kid)", authorization: bearer(func(m *probeMinter) (string, error) {
			return m.resign(nil, jwa.RS256(), m.strangerKey)
		})},
		{ID: "P5", Name: "an unsigned token (alg none)", authorization: bearer(func(m *probeMinter) (string, error) {
			return m.unsigned()
		})},
		{ID: "P6", Name: "an HS256 token keyed with WIPO's public key", authorization: bearer(func(m *probeMinter) (string, error) {
			return m.resign(nil, jwa.HS256(), m.publicPEM)
		})},
		{ID: "P7", Name: "a token of another issuer", authorization: resigned(func(c map[string]any, _ time.Time) {
			c["iss"] = "https://login.attacker.example/am/oauth2"
		})},
		{ID: "P8", Name: "an expired token", authorization: resigned(func(c map[string]any, now time.Time) {
			c["iat"], c["nbf"], c["auth_time"], c["exp"] = now.Add(-70*time.Minute).Unix(), now.Add(-70*time.Minute).Unix(), now.Add(-70*time.Minute).Unix(), now.Add(-10*time.Minute).Unix()
		})},
		{ID: "P9", Name: "a token not valid yet", authorization: resigned(func(c map[string]any, now time.Time) {
			c["iat"], c["nbf"], c["auth_time"], c["exp"] = now.Add(10*time.Minute).Unix(), now.Add(10*time.Minute).Unix(), now.Add(10*time.Minute).Unix(), now.Add(70*time.Minute).Unix()
		})},
		{ID: "P10", Name: "a token without DAS's scope", ForbiddenOK: true, authorization: resigned(func(c map[string]any, _ time.Time) {
			c["scope"] = []string{"openid"}
		})},
		{ID: "P11", Name: "a token of another client than DAS", ForbiddenOK: true, authorization: resigned(func(c map[string]any, _ time.Time) {
			c["sub"], c["aud"] = probeOtherClient, probeOtherClient
		})},
	}
}

// probeOtherClient is the client id of P11's token: an office's, not DAS's.
const probeOtherClient = "another-office"

// probeMinter makes the probes' tokens from a genuine token of DAS at the
// world's authorization server, by changing claims and re-signing with
// jwx: the world owns WIPO's signing key, so every token but the forged
// ones is as valid as DAS's except in the one respect probed.
type probeMinter struct {
	genuine     string
	kid         string
	claims      []byte
	key         *rsa.PrivateKey // WIPO's signing key (the world's)
	strangerKey *rsa.PrivateKey // a key WIPO's JWKS does not hold
	publicPEM   []byte          // WIPO's public key as PEM: P6's HMAC secret
	now         time.Time
}

func newProbeMinter(as *authz.Server, key *rsa.PrivateKey, rnd io.Reader, now time.Time) (*probeMinter, error) {
	tr, err := as.Issue(DASClientID, []string{authz.ScopeOfficeExchange})
	if err != nil {
		return nil, err
	}
	msg, err := jws.Parse([]byte(tr.AccessToken))
	if err != nil || len(msg.Signatures()) == 0 {
		return nil, fmt.Errorf("probes: DAS's token does not parse: %v", err)
	}
	kid, _ := msg.Signatures()[0].ProtectedHeaders().KeyID()
	stranger, err := rsa.GenerateKey(rnd, 2048)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	return &probeMinter{genuine: tr.AccessToken, kid: kid, claims: msg.Payload(), key: key, strangerKey: stranger,
		publicPEM: pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), now: now}, nil
}

func (m *probeMinter) claimsMap() (map[string]any, error) {
	c := map[string]any{}
	d := json.NewDecoder(bytes.NewReader(m.claims))
	d.UseNumber()
	return c, d.Decode(&c)
}

// resign returns DAS's token with alter applied to its claims, signed by
// key with alg under WIPO's kid.
func (m *probeMinter) resign(alter func(map[string]any, time.Time), alg jwa.SignatureAlgorithm, key any) (string, error) {
	c, err := m.claimsMap()
	if err != nil {
		return "", err
	}
	if alter != nil {
		alter(c, m.now)
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	h := jws.NewHeaders()
	_ = h.Set("typ", "JWT")
	_ = h.Set("kid", m.kid)
	tok, err := jws.Sign(payload, jws.WithKey(alg, key, jws.WithProtectedHeaders(h)))
	return string(tok), err
}

// forgedSignature is DAS's genuine token with its signature's first bytes
// altered: header and claims intact.
func (m *probeMinter) forgedSignature() (string, error) {
	sig := bytes.LastIndexByte([]byte(m.genuine), '.')
	if sig < 0 || sig+3 >= len(m.genuine) {
		return "", fmt.Errorf("probes: DAS's token has no signature")
	}
	b := []byte(m.genuine)
	for i := sig + 1; i < sig+3; i++ {
		b[i] = map[bool]byte{true: 'B', false: 'A'}[b[i] == 'A']
	}
	return string(b), nil
}

// unsigned is DAS's claims under {"alg":"none"} with an empty signature.
func (m *probeMinter) unsigned() (string, error) {
	h := jws.NewHeaders()
	_ = h.Set("typ", "JWT")
	tok, err := jws.Sign(m.claims, jws.WithInsecureNoSignature(jws.WithProtectedHeaders(h)))
	return string(tok), err
}
