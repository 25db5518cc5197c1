package authz

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"sync"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
)

// Client is a client registration, as WIPO configures one from the files an
// office sends (the seeds: "es256_cert.pem ... will be communicated to WIPO
// for the configuration of the private_key_jwt client authentication").
type Client struct {
	ID string
	// KeysPEM holds one or more PEM blocks, "CERTIFICATE" (what offices send)
	// or "PUBLIC KEY". Several blocks register several keys (N24 then wants a
	// kid). EC keys must be P-256 and sign ES256; RSA keys (>= 2048 bits) PS256.
	KeysPEM []byte
	// AuthMethod is the token_endpoint_auth_method; "" means private_key_jwt.
	AuthMethod string
	// GrantTypes allowed; nil means client_credentials.
	GrantTypes []string
	// Scopes the client may ask for; nil means every scope of the server.
	// The first is granted when a request names none.
	Scopes []string
}

// MethodPrivateKeyJWT is the only token_endpoint_auth_method WIPO supports.
const MethodPrivateKeyJWT = "private_key_jwt"

type registered struct {
	id         string
	authMethod string
	grants     map[string]bool
	scopes     []string
	keys       []clientKey
}

type clientKey struct {
	kid string // RFC 7638 thumbprint, base64url
	alg jwa.SignatureAlgorithm
	pub crypto.PublicKey // *ecdsa.PublicKey or *rsa.PublicKey
}

func (r *registered) algs() []string {
	var out []string
	for _, k := range r.keys {
		out = appendUnique(out, k.alg.String())
	}
	return out
}

func (r *registered) kids() []string {
	out := make([]string, len(r.keys))
	for i, k := range r.keys {
		out[i] = k.kid
	}
	return out
}

type clientStore struct {
	mu sync.RWMutex
	m  map[string]*registered
}

func (s *clientStore) get(id string) *registered {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.m[id]
}

func (s *clientStore) put(r *registered) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]*registered{}
	}
	s.m[r.id] = r
}

// others returns every client but id, for the N26 diagnosis.
func (s *clientStore) others(id string) []*registered {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []*registered
	for k, r := range s.m {
		if k != id {
			out = append(out, r)
		}
	}
	return out
}

// newRegistration checks c; key problems are refused at registration, as
// RFC 7518 §6.2.1 (N35) and FAPI 1.0 Baseline §5.2.2-5/6 (N36) suggest.
func newRegistration(c Client, serverScopes []string) (*registered, error) {
	if c.ID == "" {
		return nil, errors.New("client id is empty")
	}
	r := &registered{id: c.ID, authMethod: c.AuthMethod, grants: map[string]bool{}, scopes: c.Scopes}
	if r.authMethod == "" {
		r.authMethod = MethodPrivateKeyJWT
	}
	if c.GrantTypes == nil {
		c.GrantTypes = []string{"client_credentials"}
	}
	for _, g := range c.GrantTypes {
		r.grants[g] = true
	}
	if r.scopes == nil {
		r.scopes = serverScopes
	}
	rest := c.KeysPEM
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		k, err := parseClientKey(b)
		if err != nil {
			return nil, fmt.Errorf("client %q: %w", c.ID, err)
		}
		r.keys = append(r.keys, k)
	}
	if len(r.keys) == 0 && r.authMethod == MethodPrivateKeyJWT {
		return nil, fmt.Errorf("client %q: no CERTIFICATE or PUBLIC KEY PEM block", c.ID)
	}
	return r, nil
}

func parseClientKey(b *pem.Block) (clientKey, error) {
	var pub any
	switch b.Type {
	case "CERTIFICATE":
		cert, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return clientKey{}, fmt.Errorf("N35 certificate: %w", err)
		}
		pub = cert.PublicKey
	case "PUBLIC KEY":
		p, err := x509.ParsePKIXPublicKey(b.Bytes)
		if err != nil {
			return clientKey{}, fmt.Errorf("N35 public key: %w", err)
		}
		pub = p
	default:
		return clientKey{}, fmt.Errorf("N35 PEM block %q: want CERTIFICATE or PUBLIC KEY", b.Type)
	}
	var alg jwa.SignatureAlgorithm
	switch p := pub.(type) {
	case *ecdsa.PublicKey:
		if p.Curve != elliptic.P256() {
			return clientKey{}, fmt.Errorf("N35 EC key on %s: ES256 needs P-256 (RFC 7518 §3.4)", p.Curve.Params().Name)
		}
		alg = jwa.ES256()
	case *rsa.PublicKey:
		if p.N.BitLen() < 2048 {
			return clientKey{}, fmt.Errorf("N36 RSA key of %d bits: at least 2048 (FAPI 1.0 Baseline §5.2.2-5)", p.N.BitLen())
		}
		alg = jwa.PS256()
	default:
		return clientKey{}, fmt.Errorf("N35 key type %T: want EC P-256 or RSA", pub)
	}
	k, err := jwk.Import(pub)
	if err != nil {
		return clientKey{}, fmt.Errorf("N35 import: %w", err)
	}
	tp, err := k.Thumbprint(crypto.SHA256)
	if err != nil {
		return clientKey{}, fmt.Errorf("N35 thumbprint: %w", err)
	}
	return clientKey{kid: base64.RawURLEncoding.EncodeToString(tp), alg: alg, pub: pub}, nil
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}
