package office

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/bearer"
)

// DASOfficeCode is the office code the office's whitelist gives DAS's client
// id (WIPO's International Bureau).
const DASOfficeCode = "IB"

// setUpAuth builds the verifier of DAS's tokens: WIPO's JWKS (setup A) or the
// office's own authorization server (setup B). Either way the seeds' rule
// holds: "DAS API must also verify the access_token and must additionally
// check if the client id (=sub claim) is authorized".
func (o *Office) setUpAuth() error {
	bc := bearer.Config{Clock: o.deps.Clock, Scopes: []string{authz.ScopeOfficeExchange, authz.ScopeDASAccess},
		Whitelist: map[string]string{o.cfg.DASClientID: DASOfficeCode}, Shape: o.cfg.ErrorShape}
	switch o.cfg.Setup {
	case SetupA:
		bc.Issuer, bc.Keys = o.cfg.WIPOIssuer, o.deps.WIPOKeys
		if bc.Keys == nil {
			ctx, cancel := context.WithCancel(context.Background())
			keys, err := bearer.RemoteKeys(ctx, o.cfg.WIPOJWKSURI, o.raw, o.deps.Clock)
			if err != nil {
				cancel()
				return fmt.Errorf("office %s: setup A needs WIPO's JWKS: %w", o.cfg.Code, err)
			}
			bc.Keys, o.stop = keys, cancel
		}
	case SetupB:
		var opts []authz.Option
		if o.deps.ASSigningKey != nil {
			opts = append(opts, authz.WithSigningKey(o.deps.ASSigningKey))
		}
		as, err := authz.New(authz.Config{BaseURL: o.cfg.BaseURL, Profile: o.profile(), Clock: o.deps.Clock,
			Rand: o.deps.Rand}, opts...)
		if err != nil {
			return fmt.Errorf("office %s: own authorization server: %w", o.cfg.Code, err)
		}
		o.as = as
		bc.Issuer, bc.Keys = as.Issuer(), bearer.StaticKeys(as.PublicKeys())
	}
	v, err := bearer.New(bc)
	if err != nil {
		return fmt.Errorf("office %s: token verifier: %w", o.cfg.Code, err)
	}
	o.verifier = v
	return nil
}

// profile is the authorization profile the office signs and serves in.
func (o *Office) profile() authz.Profile {
	if o.cfg.Profile == "" {
		return authz.ProfileWIPO
	}
	return o.cfg.Profile
}

// AuthServer is the office's own authorization server (setup B), nil in A.
func (o *Office) AuthServer() *authz.Server { return o.as }

// AuthIssuer is the issuer DAS gets its tokens from to call this office:
// the office's own (<BaseURL>/am/oauth2) in setup B, WIPO's in setup A.
func (o *Office) AuthIssuer() string {
	if o.as != nil {
		return o.as.Issuer()
	}
	return o.cfg.WIPOIssuer
}

// RegisterDAS registers DAS at the office's own authorization server (setup
// B) as a private_key_jwt client from the certificate PEM DAS sends the
// office, under Config.DASClientID.
func (o *Office) RegisterDAS(certPEM []byte) error {
	if o.as == nil {
		return errors.New("office " + o.cfg.Code + ": RegisterDAS is for setup B; in setup A register DAS at WIPO's server")
	}
	return o.as.Register(authz.Client{ID: o.cfg.DASClientID, KeysPEM: certPEM})
}

// wipoTokens is the seeds' authentication script as the office runs it: a
// client assertion signed with the office's key, exchanged at WIPO's token
// endpoint for a token of Config.Scope, kept until shortly before it expires.
func (o *Office) wipoTokens() TokenFunc {
	c := &authz.TokenCache{Scope: o.cfg.Scope, Client: &authz.TokenClient{HTTP: o.raw, Issuer: o.cfg.WIPOIssuer,
		ClientID: o.cfg.ClientID, Key: o.key, Profile: o.profile(), Lifetime: 60 * time.Second,
		Now: o.deps.Clock.Now, Rand: o.deps.Rand}}
	return func(ctx context.Context) (string, error) {
		token, err := c.Token(ctx)
		if err != nil {
			return "", fmt.Errorf("office %s: %w", o.cfg.Code, err)
		}
		return token, nil
	}
}

// endpoint adapts an error-returning handler; it alone writes error bodies.
func (o *Office) endpoint(h func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			o.writeError(w, err)
		}
	})
}
