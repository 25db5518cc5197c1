package harness

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/clientauth"
	"github.com/wipo-das/dasim/simulators/office"
)

// TokenFlaw is one way a bearer token on a call "from DAS" can be wrong; an
// office must refuse each (RFC 6750 section 3, RFC 7519 section 7.2).
type TokenFlaw string

// The flaws the harness can give a token. Setup A: the harness holds WIPO's
// signing key, so it can make every one. Setup B: the office's own
// authorization server signs DAS's tokens and only it holds that key, so the
// harness makes the flaws a foreign party can make (the first seven and
// WIPOTokenInSetupB); the claim flaws need the key and do not apply.
const (
	NoToken          TokenFlaw = "no token"
	MalformedToken   TokenFlaw = "a malformed token (not a JWS)"
	TamperedToken    TokenFlaw = "DAS's genuine token with its signature altered"
	ForeignKeyToken  TokenFlaw = "DAS's claims signed with a key outside the issuer's JWKS (same kid, the key embedded as jwk)"
	AlgNoneToken     TokenFlaw = "DAS's claims with alg none and no signature"
	HS256Token       TokenFlaw = "DAS's claims signed HS256 with the issuer's public key as the HMAC secret"
	ExpiredToken     TokenFlaw = "a token of WIPO's key that expired an hour ago"
	NotYetValidToken TokenFlaw = "a token of WIPO's key not valid before an hour from now"
	OtherIssuerToken TokenFlaw = "a token of WIPO's key naming another issuer"
	NoScopeToken     TokenFlaw = "a token of WIPO's key without the das-api/office-exchange scope"
	OtherClientToken TokenFlaw = "a genuine WIPO token issued to a client other than DAS"
	// WIPOTokenInSetupB is DAS's genuine token from WIPO's server, sent to
	// an office that requires a token of its own server (setup B).
	WIPOTokenInSetupB TokenFlaw = "DAS's genuine WIPO token where the office's own authorization server's is required"
)

// needsWIPOKey reports whether only the holder of the signing key can
// make flaw.
func needsWIPOKey(flaw TokenFlaw) bool {
	switch flaw {
	case ExpiredToken, NotYetValidToken, OtherIssuerToken, NoScopeToken, OtherClientToken:
		return true
	}
	return false
}

// ForgeToken returns the Authorization header value that carries a token
// with flaw for calls to off ("" for NoToken), or a *Missing marked
// Inapplicable when off's setup makes the flaw impossible to forge or
// meaningless.
func (e *Env) ForgeToken(ctx context.Context, off OFF, flaw TokenFlaw) (string, error) {
	setupB := off.Setup() == office.SetupB
	switch {
	case setupB && needsWIPOKey(flaw):
		return "", &Missing{Capability: Capability("send " + string(flaw)), Inapplicable: true,
			Reason: "the office authenticates DAS in setup B: only its own authorization server holds the key that signs DAS's tokens, so the harness cannot forge their claims"}
	case !setupB && flaw == WIPOTokenInSetupB:
		return "", &Missing{Capability: Capability("send " + string(flaw)), Inapplicable: true,
			Reason: "the office authenticates DAS in setup A: WIPO's token is the right one"}
	}
	genuine, err := e.dasToken(ctx, off)
	if err != nil {
		return "", err
	}
	claims, err := jwtClaims(genuine)
	if err != nil {
		return "", err
	}
	now := e.world.Clock.Now().Unix()
	var tok string
	switch flaw {
	case NoToken:
		return "", nil
	case MalformedToken:
		tok = "dasim-not-a-jws"
	case TamperedToken:
		tok, err = flipSignatureBit(genuine)
	case ForeignKeyToken:
		tok, err = signWithForeignKey(claims, kidOf(genuine))
	case AlgNoneToken:
		tok, err = signClaims(claims, jws.WithInsecureNoSignature(jws.WithProtectedHeaders(headers(kidOf(genuine)))))
	case HS256Token:
		var secret []byte
		if secret, err = e.issuerPublicPEM(ctx, e.offIssuer(off)); err == nil {
			tok, err = signClaims(claims, jws.WithKey(jwa.HS256(), secret, jws.WithProtectedHeaders(headers(kidOf(genuine)))))
		}
	case ExpiredToken:
		claims["iat"], claims["nbf"], claims["auth_time"], claims["exp"] = now-7200, now-7200, now-7200, now-3600
		tok, err = e.signAsWIPO(claims)
	case NotYetValidToken:
		claims["iat"], claims["nbf"], claims["auth_time"], claims["exp"] = now+3600, now+3600, now+3600, now+7200
		tok, err = e.signAsWIPO(claims)
	case OtherIssuerToken:
		claims["iss"] = "https://login.attacker.example/am/oauth2"
		tok, err = e.signAsWIPO(claims)
	case NoScopeToken:
		claims["scope"] = []string{"openid", "profile"}
		tok, err = e.signAsWIPO(claims)
	case OtherClientToken:
		tok, err = e.otherClientToken(ctx)
	case WIPOTokenInSetupB:
		tok, err = e.world.dasTokens(e.world.AuthZ.Issuer()).Token(ctx)
	default:
		return "", fmt.Errorf("unknown token flaw %q", flaw)
	}
	if err != nil {
		return "", fmt.Errorf("forging %s: %w", flaw, err)
	}
	return "Bearer " + tok, nil
}

// DASToken is the genuine token DAS calls off with, from the authorization
// server off trusts (WIPO's in setup A, its own in setup B).
func (e *Env) DASToken(ctx context.Context, off OFF) (string, error) { return e.dasToken(ctx, off) }

func (e *Env) dasToken(ctx context.Context, off OFF) (string, error) {
	ep, ok := e.world.offices.Endpoint(off.Code())
	if !ok || ep.Tokens == nil {
		return "", fmt.Errorf("office %s is not in DAS's office directory", off.Code())
	}
	tok, err := ep.Tokens.Token(ctx)
	if err != nil {
		return "", fmt.Errorf("DAS's token for office %s: %w", off.Code(), err)
	}
	return tok, nil
}

// OFFIssuer is the issuer of the tokens DAS calls off with.
func (e *Env) OFFIssuer(off OFF) string { return e.offIssuer(off) }

func (e *Env) offIssuer(off OFF) string {
	if b := e.run.Bindings.OFF; b != nil && b.Office == off.Code() && b.setup() == office.SetupB {
		return b.Issuer
	}
	if o := e.world.Office(off.Code()); o != nil {
		return o.AuthIssuer()
	}
	return e.world.AuthZ.Issuer()
}

// otherClientToken is a genuine WIPO token of a client that is not DAS: what
// any office could get and send an office pretending to be DAS.
func (e *Env) otherClientToken(ctx context.Context) (string, error) {
	id, err := e.world.Enroll("FI", "dasim-not-das")
	if err != nil {
		return "", err
	}
	tr, err := e.world.TokenClient(id).Token(ctx, authz.ScopeOfficeExchange)
	if err != nil {
		return "", err
	}
	return tr.AccessToken, nil
}

func (e *Env) signAsWIPO(claims map[string]any) (string, error) {
	return signClaims(claims, jws.WithKey(jwa.RS256(), e.world.signingKey, jws.WithProtectedHeaders(headers(e.wipoKID()))))
}

func (e *Env) wipoKID() string {
	if k, ok := e.world.AuthZ.PublicKeys().Key(0); ok {
		if kid, ok := k.KeyID(); ok {
			return kid
		}
	}
	return ""
}

// issuerPublicPEM is the first key of issuer's JWKS (found through its
// discovery document) as a PEM public key: the bytes an office that lets
// the token's alg choose the verification would use as an HMAC secret.
func (e *Env) issuerPublicPEM(ctx context.Context, issuer string) ([]byte, error) {
	set, err := e.IssuerKeys(ctx, issuer)
	if err != nil {
		return nil, err
	}
	k, ok := set.Key(0)
	if !ok {
		return nil, fmt.Errorf("the JWKS of %s holds no key", issuer)
	}
	var raw any
	if err := jwk.Export(k, &raw); err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(raw)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// Discover is issuer's discovery document (OpenID Connect Discovery 1.0
// section 4).
func (e *Env) Discover(ctx context.Context, issuer string) (map[string]any, error) {
	return (&clientauth.TokenClient{HTTP: e.world.HTTPClient(), Issuer: issuer}).Discover(ctx)
}

// IssuerKeys is the JWKS issuer's discovery document points to.
func (e *Env) IssuerKeys(ctx context.Context, issuer string) (jwk.Set, error) {
	meta, err := e.Discover(ctx, issuer)
	if err != nil {
		return nil, err
	}
	uri, _ := meta["jwks_uri"].(string)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, uri, nil)
	if err != nil {
		return nil, fmt.Errorf("jwks_uri %q: %w", uri, err)
	}
	res, err := e.world.HTTPClient().Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	set, err := jwk.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("JWKS at %s: %w", uri, err)
	}
	return set, nil
}

func headers(kid string) jws.Headers {
	h := jws.NewHeaders()
	_ = h.Set("typ", "JWT")
	if kid != "" {
		_ = h.Set("kid", kid)
	}
	return h
}

func signClaims(claims map[string]any, opt jws.SignOption) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	out, err := jws.Sign(payload, opt)
	return string(out), err
}

// signWithForeignKey signs claims with a fresh RSA key under kid, and
// embeds that key in the header (jwk): an office that trusts a key the
// token brings, or any key under a known kid, takes it.
func signWithForeignKey(claims map[string]any, kid string) (string, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", err
	}
	pub, err := jwk.Import(&k.PublicKey)
	if err != nil {
		return "", err
	}
	h := headers(kid)
	if err := h.Set("jwk", pub); err != nil {
		return "", err
	}
	return signClaims(claims, jws.WithKey(jwa.RS256(), k, jws.WithProtectedHeaders(h)))
}

func jwtClaims(tok string) (map[string]any, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("DAS's token is not a compact JWS")
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(b, &m)
}

func kidOf(tok string) string {
	parts := strings.Split(tok, ".")
	b, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return ""
	}
	var h struct {
		Kid string `json:"kid"`
	}
	_ = json.Unmarshal(b, &h)
	return h.Kid
}

func flipSignatureBit(tok string) (string, error) {
	parts := strings.Split(tok, ".")
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) == 0 {
		return "", fmt.Errorf("DAS's token has no signature to alter")
	}
	sig[len(sig)/2] ^= 0x01
	parts[2] = base64.RawURLEncoding.EncodeToString(sig)
	return strings.Join(parts, "."), nil
}
