package authz

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// Server is the simulated WIPO authorization server.
type Server struct {
	cfg       Config
	clients   clientStore
	replay    replayCache
	signing   *signingKey
	discovery []byte
	seq       atomic.Uint64
	randMu    sync.Mutex // Config.Rand need not be safe for concurrent use
}

// Option adjusts a Server beyond its Config.
type Option func(*options)

type options struct {
	signingKey *rsa.PrivateKey // WithSigningKey
}

// WithSigningKey signs access tokens with k instead of a fresh 2048-bit key
// (generating one takes a noticeable fraction of a second).
func WithSigningKey(k *rsa.PrivateKey) Option { return func(o *options) { o.signingKey = k } }

// New builds a server; cfg.BaseURL is required, other zero fields take the
// profile's Defaults.
func New(cfg Config, opts ...Option) (*Server, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("authz: config: %w", err)
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.signingKey == nil {
		k, err := rsa.GenerateKey(cfg.Rand, 2048)
		if err != nil {
			return nil, fmt.Errorf("authz: signing key: %w", err)
		}
		o.signingKey = k
	}
	s := &Server{cfg: cfg}
	var err error
	if s.signing, err = newSigningKey(o.signingKey, cfg.Rand, cfg.Clock.Now()); err != nil {
		return nil, err
	}
	if s.discovery, err = json.Marshal(s.metadata()); err != nil {
		return nil, err
	}
	return s, nil
}

// Register adds or replaces a client registration.
func (s *Server) Register(c Client) error {
	r, err := newRegistration(c, s.cfg.Scopes)
	if err != nil {
		return fmt.Errorf("authz: register: %w", err)
	}
	s.clients.put(r)
	return nil
}

// Registered reports whether a client with this id is registered.
func (s *Server) Registered(id string) bool { return s.clients.get(id) != nil }

// Config returns the effective configuration (defaults filled in).
func (s *Server) Config() Config { return s.cfg }

// Issuer is the issuer identifier, <base>/am/oauth2.
func (s *Server) Issuer() string { return s.cfg.Issuer() }

// TokenEndpoint is <issuer>/access_token.
func (s *Server) TokenEndpoint() string { return s.cfg.TokenEndpoint() }

// JWKSURI is <issuer>/connect/jwk_uri.
func (s *Server) JWKSURI() string { return s.cfg.JWKSURI() }

// PublicKeys is the key set that verifies access tokens.
func (s *Server) PublicKeys() jwk.Set { return s.signing.public }

// Handler serves discovery, the JWKS and the token endpoint under /am/oauth2.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/am/oauth2/.well-known/openid-configuration", s.getOnly(s.discovery))
	mux.HandleFunc("/am/oauth2/connect/jwk_uri", s.getOnly(s.signing.jwks))
	mux.HandleFunc("/am/oauth2/access_token", s.token)
	return mux
}

// metadata is the provider metadata of OpenID Connect Discovery 1.0 §3,
// limited to what this server does.
func (s *Server) metadata() map[string]any {
	return map[string]any{
		"issuer":                                s.cfg.Issuer(),
		"token_endpoint":                        s.cfg.TokenEndpoint(),
		"jwks_uri":                              s.cfg.JWKSURI(),
		"token_endpoint_auth_methods_supported": []string{MethodPrivateKeyJWT},
		"token_endpoint_auth_signing_alg_values_supported": []string{"ES256", "PS256"},
		"grant_types_supported":                            []string{"client_credentials"},
		"scopes_supported":                                 s.cfg.Scopes,
		"id_token_signing_alg_values_supported":            []string{"RS256"},
		"response_types_supported":                         []string{"token"},
	}
}

func (s *Server) getOnly(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.setDate(w)
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}
}

// setDate sends the world's time: net/http would send the machine's, and
// descriptions quote the server clock (fapi-checks.md §E).
func (s *Server) setDate(w http.ResponseWriter) {
	w.Header().Set("Date", s.cfg.Clock.Now().UTC().Format(http.TimeFormat))
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	s.setDate(w)
	resp, oerr := s.exchange(r)
	if oerr != nil {
		protocol.WriteOAuthError(w, oerr)
		return
	}
	// RFC 6749 §5.1: "Cache-Control: no-store" and "Pragma: no-cache".
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	_ = json.NewEncoder(w).Encode(resp)
}

func (s *Server) exchange(r *http.Request) (*TokenResponse, *protocol.OAuthError) {
	tr, oerr := parseTokenRequest(r)
	if oerr != nil {
		return nil, oerr
	}
	ev, oerr := s.authenticate(tr)
	if oerr != nil {
		return nil, oerr
	}
	scopes, oerr := grantScopes(tr, ev.client, s.cfg.Scopes)
	if oerr != nil {
		return nil, oerr
	}
	resp, err := s.mint(ev.client.id, scopes)
	if err != nil {
		return nil, protocol.ErrServerError.Describef("", "could not sign the access token")
	}
	return resp, nil
}

// Close ends the server's life. It runs no background work (tokens and
// replay entries expire on the world's clock when next looked at), so there
// is nothing to stop; it has the shape of every party's Close so a world
// closes each party alike.
func (s *Server) Close(context.Context) error { return nil }
