package office

import (
	"context"
	"fmt"
	"github.com/wipo-das/dasim/openapi"
	"net/http"
	"strings"
	"time"

	"github.com/wipo-das/dasim/simulators/bearer"
	"github.com/wipo-das/dasim/simulators/clientauth"
	"github.com/wipo-das/dasim/simulators/dasapi"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// DASOfficeCode is the office code the office's whitelist gives DAS's client
// id (WIPO's International Bureau).
const DASOfficeCode = "IB"

// setUpAuth builds the verifier of DAS's tokens: WIPO's JWKS (setup A) or
// the office's own authorization server (setup B). Either way the seeds'
// rule holds: "DAS API must also verify the access_token and must
// additionally check if the client id (=sub claim) is authorized".
func (o *Office) setUpAuth() error {
	bc := bearer.Config{Clock: o.deps.clock, Scopes: []string{protocol.ScopeOfficeExchange, protocol.ScopeDASAccess},
		Whitelist: map[string]string{o.cfg.DASClientID: DASOfficeCode}}
	if o.cfg.TokenAudience != "" {
		bc.Audiences = []string{o.cfg.TokenAudience}
	}
	switch o.cfg.Setup {
	case SetupA:
		bc.Issuer, bc.Keys = o.cfg.WIPOIssuer, o.deps.wipoKeys
		if bc.Keys == nil {
			keys, err := bearer.RemoteKeys(o.work.Context(), o.cfg.WIPOJWKSURI, o.deps.httpClient, o.deps.clock)
			if err != nil {
				return fmt.Errorf("office %s: setup A needs WIPO's JWKS: %w", o.cfg.Code, err)
			}
			bc.Keys, o.wipoKeys = keys, keys
		}
	case SetupB:
		if o.deps.ownIssuer == "" || o.deps.ownKeys == nil {
			return fmt.Errorf("office %s: setup B needs the issuer and keys of its own authorization server (WithOwnAuthorizationServer)", o.cfg.Code)
		}
		bc.Issuer, bc.Keys = o.deps.ownIssuer, o.deps.ownKeys
	}
	o.tokenKeys = bc.Keys
	v, err := bearer.New(bc)
	if err != nil {
		return fmt.Errorf("office %s: token verifier: %w", o.cfg.Code, err)
	}
	o.verifier = v
	if o.cfg.Setup == SetupB && o.cfg.Defects.Auth.AcceptWIPOTokens && o.cfg.WIPOIssuer != "" {
		keys, err := bearer.RemoteKeys(o.work.Context(), strings.TrimSuffix(o.cfg.WIPOIssuer, "/")+"/connect/jwk_uri", o.deps.httpClient, o.deps.clock)
		if err != nil {
			return fmt.Errorf("office %s: WIPO's JWKS: %w", o.cfg.Code, err)
		}
		bc.Issuer, bc.Keys, bc.Audiences = o.cfg.WIPOIssuer, keys, nil
		if o.wipoVerifier, err = bearer.New(bc); err != nil {
			return err
		}
	}
	return nil
}

// profile is the authorization profile the office signs and serves in.
func (o *Office) profile() protocol.Profile {
	if o.cfg.Profile == "" {
		return protocol.ProfileWIPO
	}
	return o.cfg.Profile
}

// AuthIssuer is the issuer DAS gets its tokens from to call this office:
// the office's own in setup B, WIPO's in setup A.
func (o *Office) AuthIssuer() string {
	if o.cfg.Setup == SetupB {
		return o.deps.ownIssuer
	}
	return o.cfg.WIPOIssuer
}

// wipoTokens is the seeds' authentication script as the office runs it: a
// client assertion signed with the office's key, exchanged at WIPO's token
// endpoint for a token of Config.Scope, kept until shortly before it expires.
func (o *Office) wipoTokens() dasapi.TokenSource {
	c := &clientauth.TokenCache{Scope: o.cfg.Scope, Client: &clientauth.TokenClient{HTTP: o.deps.httpClient, Issuer: o.cfg.WIPOIssuer,
		ClientID: o.cfg.ClientID, Key: o.key, Profile: o.profile(), Lifetime: 60 * time.Second,
		Now: o.deps.clock.Now, Rand: o.deps.rand}}
	return dasapi.TokenFunc(func(ctx context.Context) (string, error) {
		token, err := c.Token(ctx)
		if err != nil {
			return "", fmt.Errorf("office %s: %w", o.cfg.Code, err)
		}
		return token, nil
	})
}

// endpoint adapts an error-returning handler; it alone writes error bodies.
func (o *Office) endpoint(h func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Behind the token check: DAS is the one client the office
		// whitelists, so its recorder may name it as the caller.
		openapi.NamePeer(r.Context(), "das")
		if err := h(w, r); err != nil {
			o.writeError(w, err)
		}
	})
}
