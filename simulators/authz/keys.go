package authz

import (
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/lestrrat-go/jwx/v3/cert"
	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
)

// signingKey is the RS256 key that signs access tokens, as AM publishes it:
// kid is the base64 SHA-1 certificate thumbprint (WIPO's kids look like
// "fUdflBRkw9nmmz7+/pf1c9wdXuw="), with x5t and x5c (das-domain.md §3).
type signingKey struct {
	// raw, not the jwk.Key: jwx exports a jwk.Key to a fresh rsa.PrivateKey
	// on every signature, redoing its precomputation (a tenth of the cost).
	raw     *rsa.PrivateKey
	certDER []byte
	kid     string
	public  jwk.Set
	jwks    []byte
}

// newSigningKey publishes priv with certDER as its certificate, or a new
// self-signed one when certDER is nil.
func newSigningKey(priv *rsa.PrivateKey, certDER []byte, rand io.Reader, now time.Time) (*signingKey, error) {
	der := certDER
	if der == nil {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(now.Unix()),
			Subject:   pkix.Name{CommonName: "dasim authz token signing", Organization: []string{"dasim"}},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(10 * 365 * 24 * time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature}
		var err error
		if der, err = x509.CreateCertificate(rand, tmpl, tmpl, &priv.PublicKey, priv); err != nil {
			return nil, fmt.Errorf("authz: signing certificate: %w", err)
		}
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("authz: signing certificate: %w", err)
	}
	if pub, ok := c.PublicKey.(*rsa.PublicKey); !ok || !pub.Equal(&priv.PublicKey) {
		return nil, errors.New("authz: the signing certificate is not of the signing key")
	}
	sum := sha1.Sum(der) // x5t is SHA-1 by definition (RFC 7517 §4.8)
	kid := base64.StdEncoding.EncodeToString(sum[:])
	k, err := jwk.Import(priv)
	if err != nil {
		return nil, fmt.Errorf("authz: import signing key: %w", err)
	}
	var chain cert.Chain
	if err := chain.AddString(base64.StdEncoding.EncodeToString(der)); err != nil {
		return nil, fmt.Errorf("authz: x5c: %w", err)
	}
	for name, v := range map[string]any{jwk.KeyIDKey: kid, jwk.AlgorithmKey: jwa.RS256(), jwk.KeyUsageKey: "sig",
		jwk.X509CertThumbprintKey: base64.RawURLEncoding.EncodeToString(sum[:]), jwk.X509CertChainKey: &chain} {
		if err := k.Set(name, v); err != nil {
			return nil, fmt.Errorf("authz: set %s: %w", name, err)
		}
	}
	set := jwk.NewSet()
	if err := set.AddKey(k); err != nil {
		return nil, err
	}
	pub, err := jwk.PublicSetOf(set)
	if err != nil {
		return nil, fmt.Errorf("authz: public key set: %w", err)
	}
	b, err := json.Marshal(pub)
	if err != nil {
		return nil, err
	}
	return &signingKey{raw: priv, certDER: der, kid: kid, public: pub, jwks: b}, nil
}
