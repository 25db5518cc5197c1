package clientauth

import (
	"crypto"
	"crypto/rsa"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jws"
)

// AssertionSpec describes a client assertion. The zero extras give the
// seeds' assertion: header {"alg":"ES256","typ":"JWT"}, claims iss, sub,
// aud, exp.
type AssertionSpec struct {
	ClientID string
	Audience string        // the token endpoint (wipo) or the issuer (fapi)
	Lifetime time.Duration // exp - now; the seeds' script uses 10 s
	JTI      string        // added when not empty
	IssuedAt bool          // add iat and nbf = now
	KeyID    string        // added to the header when not empty
}

// SignAssertion signs spec with key (ES256 for EC keys, PS256 for RSA) using jwx.
func SignAssertion(key crypto.Signer, spec AssertionSpec, now time.Time) (string, error) {
	alg := jwa.ES256()
	if _, ok := key.(*rsa.PrivateKey); ok {
		alg = jwa.PS256()
	}
	if spec.Lifetime == 0 {
		spec.Lifetime = 10 * time.Second
	}
	claims := map[string]any{"iss": spec.ClientID, "sub": spec.ClientID, "aud": spec.Audience,
		"exp": now.Add(spec.Lifetime).Unix()}
	if spec.JTI != "" {
		claims["jti"] = spec.JTI
	}
	if spec.IssuedAt {
		claims["iat"], claims["nbf"] = now.Unix(), now.Unix()
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	h := jws.NewHeaders()
	_ = h.Set("typ", "JWT")
	if spec.KeyID != "" {
		_ = h.Set("kid", spec.KeyID)
	}
	out, err := jws.Sign(payload, jws.WithKey(alg, key, jws.WithProtectedHeaders(h)))
	if err != nil {
		return "", fmt.Errorf("sign assertion: %w", err)
	}
	return string(out), nil
}

// NewJTI returns 20 random alphanumeric-safe characters (the conformance
// suite's jti shape), base64url of 15 bytes from rand.
func NewJTI(rand io.Reader) (string, error) {
	b := make([]byte, 15)
	if _, err := io.ReadFull(rand, b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// DEREncodedJWS returns an ES256 compact JWS with its 64-byte R||S signature
// re-encoded as ASN.1 DER: the form openssl dgst -sign and Java's
// SHA256withECDSA write, which RFC 7518 §3.4 forbids (check N32). Tests and
// deliberate defects use it to produce that mistake.
func DEREncodedJWS(jws string) (string, error) {
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		return "", errors.New("not a compact JWS")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return "", errors.New("not an ES256 R||S signature")
	}
	der, err := derFromRS(sig)
	if err != nil {
		return "", err
	}
	return parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(der), nil
}

// derFromRS is the ASN.1 DER form of a 64-byte R||S signature.
func derFromRS(sig []byte) ([]byte, error) {
	return asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])})
}
