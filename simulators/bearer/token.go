package bearer

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"math"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v3/jws"
)

var b64 = base64.RawURLEncoding.Strict()

// verifyCold checks what a token proves by itself: signature with the
// issuer's key (alg pinned before verifying: jwx's WithKey would not look at
// the header alg), issuer, audience, type (R5, R7, R8, R9).
func (v *Verifier) verifyCold(ctx context.Context, token string) (*verified, *Error) {
	segs := strings.Split(token, ".")
	if len(segs) != 3 {
		return nil, invalidToken("R5", "token is not a JWS in compact serialization (%d segments, want 3)", len(segs))
	}
	hb, err := b64.DecodeString(segs[0])
	var hdr struct{ Alg, Kid, Typ string }
	if err != nil || json.Unmarshal(hb, &hdr) != nil {
		return nil, invalidToken("R5", "token header is not base64url JSON")
	}
	if hdr.Alg != v.cfg.Algorithm {
		return nil, invalidToken("R5", "token alg '%s': tokens of %s are %s (RFC 8725 section 3.1)", hdr.Alg, v.cfg.Issuer, v.cfg.Algorithm)
	}
	if v.cfg.TokenType != "" && !strings.EqualFold(strings.TrimPrefix(strings.ToLower(hdr.Typ), "application/"), v.cfg.TokenType) {
		return nil, invalidToken("R9", "token typ '%s': want %s (RFC 9068 section 4)", hdr.Typ, v.cfg.TokenType)
	}
	if hdr.Kid == "" {
		return nil, invalidToken("R5", "token header has no kid: cannot pick a key of the issuer's key set")
	}
	key, err := v.cfg.Keys.Key(ctx, hdr.Kid)
	if err != nil {
		return nil, invalidToken("R5", "%v", err)
	}
	payload, err := jws.VerifyCompactFast(key, []byte(token), v.alg)
	if err != nil {
		return nil, invalidToken("R5", "token signature does not verify with the issuer's key kid '%s'", hdr.Kid)
	}
	var c accessClaims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, invalidToken("R5", "token payload is not a JWT claims set: %v", err)
	}
	return v.claims(&c)
}

// accessClaims are the claims the verifier reads. Plain encoding/json: the
// payload is already authenticated by the issuer's signature, and jwt.Parse
// costs a third of a cold verification.
type accessClaims struct {
	Iss   string          `json:"iss"`
	Sub   string          `json:"sub"`
	Aud   json.RawMessage `json:"aud"`
	Exp   *float64        `json:"exp"`
	Nbf   *float64        `json:"nbf"`
	JTI   string          `json:"jti"`
	Scope json.RawMessage `json:"scope"`
	Cnf   struct {
		X5tS256 string `json:"x5t#S256"`
	} `json:"cnf"`
}

func (v *Verifier) claims(c *accessClaims) (*verified, *Error) {
	if c.Iss != v.cfg.Issuer {
		return nil, invalidToken("R7", "token iss '%s': want '%s'", c.Iss, v.cfg.Issuer)
	}
	if c.Sub == "" {
		return nil, invalidToken("R5", "token has no sub (the client id)")
	}
	aud := stringOrList(c.Aud, false)
	want := v.cfg.Audiences
	if len(want) == 0 {
		want = []string{c.Sub}
	}
	if !anyOf(aud, want) {
		return nil, invalidToken("R8", "token aud [%s]: want %s", strings.Join(aud, " "), strings.Join(want, " or "))
	}
	if c.Exp == nil {
		return nil, invalidToken("R6", "token has no exp")
	}
	for _, d := range []struct {
		name  string
		value *float64
	}{{"exp", c.Exp}, {"nbf", c.Nbf}} {
		if d.value != nil && !inNumericDateRange(*d.value) {
			return nil, invalidToken("R6", "token %s %g is not a NumericDate from 0 to %d (1970 to 9999, RFC 7519 section 2)", d.name, *d.value, int64(maxNumericDate))
		}
	}
	t := &verified{clientID: c.Sub, exp: numericDate(*c.Exp), jti: c.JTI, scopes: stringOrList(c.Scope, true), cnfX5t: c.Cnf.X5tS256}
	if c.Nbf != nil {
		t.nbf = numericDate(*c.Nbf)
	}
	return t, nil
}

// maxNumericDate is 9999-12-31T23:59:59Z. A NumericDate beyond it (or
// negative, or not finite) is refused: converted to a time, 1e300 overflows
// int64 and would land anywhere, in the past of an nbf check above all.
const maxNumericDate = 253402300799

func inNumericDateRange(f float64) bool {
	return f >= 0 && f <= maxNumericDate // false for NaN too
}

// stringOrList reads a claim that is a string or an array of strings: aud
// (RFC 7519 §4.1.3), and scope, an array in AM tokens and a space-separated
// string in RFC 9068 §2.2.3.
func stringOrList(raw json.RawMessage, split bool) []string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if !split {
			return []string{s}
		}
		return strings.Fields(s)
	}
	var l []string
	_ = json.Unmarshal(raw, &l)
	return l
}

func numericDate(f float64) time.Time {
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC()
}
