package harness

import (
	"context"
	"fmt"
	"net/http"

	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/bearer"
	"github.com/wipo-das/dasim/simulators/clientauth"
	"github.com/wipo-das/dasim/simulators/das"
	"github.com/wipo-das/dasim/simulators/dasapi"
	"github.com/wipo-das/dasim/simulators/office"
	"github.com/wipo-das/dasim/simulators/pctdas"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// officeOptions are the world's facilities every office runs with.
func (w *World) officeOptions() []office.Option {
	return []office.Option{office.WithContext(w.ctx), office.WithClock(w.Clock), office.WithHTTPClient(w.HTTPClient()),
		office.WithRecorder(w.recorder), office.WithFaults(w.Faults), office.WithRandom(w.rand)}
}

// startPCT starts PCT DAS, WIPO's source of RO/IB documents: an office with
// code IB and PCT's rules (simulators/pctdas) whose documents all stay at
// home and are ready at once; and the das.PCTSource through which DAS
// fetches from it with its own WIPO token.
func (w *World) startPCT(cfg Config) error {
	if cfg.ExternalPCT != "" {
		w.pct = pctdas.NewSource(w.dasClient().At(cfg.ExternalPCT, w.dasTokens(w.AuthZ.Issuer())))
		return nil
	}
	l, err := w.open(cfg, "pctdas")
	if err != nil {
		return err
	}
	docs, err := pctdas.Documents(pctdas.DemoConfig{}, cfg.PCTDocuments)
	if err != nil {
		return err
	}
	oc := office.Config{Code: pctdas.Code, ClientID: pctdas.ClientID, BaseURL: l.URL, WIPOIssuer: w.AuthZ.Issuer(),
		Setup: office.SetupA, DASClientID: DASClientID, Documents: docs, DefaultHosting: office.Home,
		TransitThreshold: 1 << 40, PrepareDelay: -1, ErrorShape: w.errorShape}
	opts := append(append(w.officeOptions(), w.towardRemoteDAS(&oc)...), office.WithNumberCheck(pctdas.CheckNumber))
	if w.PCT, err = office.New(oc, opts...); err != nil {
		return fmt.Errorf("pctdas: %w", err)
	}
	l.serve(w.PCT.Handler())
	w.onClose(w.PCT.Close)
	w.pct = pctdas.NewSource(w.dasClient().At(w.PCT.APIBaseURL(), w.dasTokens(w.AuthZ.Issuer())))
	return nil
}

// dasClient is a DAS API client recording as DAS does.
func (w *World) dasClient() *dasapi.Client {
	return dasapi.New(dasapi.Config{HTTPClient: w.HTTPClient(), Recorder: w.recorder, Party: "das", Transcripts: true})
}

// AddOffice starts a simulated office on its own listener and wires it as
// the seeds' registration process and WIPO's setups A and B say: its
// certificate registered at WIPO's authorization server, its client
// whitelisted at DAS, and DAS told where and how to call it back. In setup
// B the office's own authorization server is an authz.Server of its own,
// served beside the office under /am/oauth2, where DAS is a registered client.
func (w *World) AddOffice(ctx context.Context, cfg office.Config, extra ...office.Option) (*office.Office, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l, err := w.open(Config{}, cfg.Code)
	if err != nil {
		return nil, err
	}
	cfg.BaseURL, cfg.DASBaseURL, cfg.WIPOIssuer = l.URL, w.DASURL(), w.AuthZ.Issuer()
	if cfg.DASClientID == "" {
		cfg.DASClientID = DASClientID
	}
	if cfg.Profile == "" {
		cfg.Profile = w.profile // the office signs, and serves, in the world's profile
	}
	extra = append(w.towardRemoteDAS(&cfg), extra...)
	if cfg.ErrorShape == protocol.ShapeFlat {
		cfg.ErrorShape = w.errorShape
	}
	opts := append(w.officeOptions(), extra...)
	mux := http.NewServeMux()
	if cfg.Setup == office.SetupB {
		as, err := w.officeAuthServer(cfg)
		if err != nil {
			return nil, err
		}
		mux.Handle("/am/oauth2/", as.Handler())
		opts = append(opts, office.WithOwnAuthorizationServer(as.Issuer(), bearer.StaticKeys(as.PublicKeys())))
	}
	o, err := office.New(cfg, opts...)
	if err != nil {
		return nil, fmt.Errorf("office %s: %w", cfg.Code, err)
	}
	mux.Handle("/", o.Handler())
	l.serve(mux)
	w.onClose(o.Close)
	if w.remote == nil { // a DAS under test registers and whitelists its offices itself
		if err := w.admit(o.ClientID(), o.Code(), o.CertificatePEM()); err != nil {
			return nil, err
		}
	}
	w.offices.set(o.Code(), das.OfficeEndpoint{BaseURL: o.APIBaseURL(), Tokens: w.officeTokens(o.AuthIssuer())})
	w.mu.Lock()
	w.Offices[o.Code()] = o
	w.mu.Unlock()
	return o, nil
}

// officeAuthServer is the authorization server of an office in setup B, at
// the office's own base URL, with DAS registered as its client from the
// certificate DAS sends the office.
func (w *World) officeAuthServer(cfg office.Config) (*authz.Server, error) {
	as, err := authz.New(authz.Config{BaseURL: cfg.BaseURL, Profile: w.profile, Clock: w.Clock, Rand: w.rand},
		authz.WithSigningKey(w.signingKey))
	if err != nil {
		return nil, fmt.Errorf("office %s: own authorization server: %w", cfg.Code, err)
	}
	dasCert := w.dasIdentity.Files.CertPEM
	if w.remote != nil && len(w.remote.DASCertPEM) > 0 {
		dasCert = w.remote.DASCertPEM
	}
	if err := as.Register(authz.Client{ID: cfg.DASClientID, KeysPEM: dasCert}); err != nil {
		return nil, fmt.Errorf("office %s: registering DAS at its authorization server: %w", cfg.Code, err)
	}
	return as, nil
}

// towardRemoteDAS points an office at the DAS under test, when there is
// one: its API, its authorization server (the office's tokens, and the JWKS
// that verifies DAS's calls), and its client id.
func (w *World) towardRemoteDAS(cfg *office.Config) []office.Option {
	if w.remote == nil {
		return nil
	}
	cfg.DASBaseURL, cfg.WIPOIssuer, cfg.WIPOJWKSURI = w.remote.API, w.remote.Issuer, w.remote.JWKSURI
	if w.remote.DASClientID != "" {
		cfg.DASClientID = w.remote.DASClientID
	}
	if w.remoteKeys == nil {
		w.remoteKeys = &laterKeys{w: w, r: w.remote}
	}
	return []office.Option{office.WithWIPOKeys(w.remoteKeys)}
}

// officeTokens are DAS's tokens for an office whose calls need issuer's:
// none with the unauthenticated-callbacks defect.
func (w *World) officeTokens(issuer string) das.TokenSource {
	if w.defects.noCallbackToken {
		return nil
	}
	return w.dasTokens(issuer)
}

// dasTokens is DAS authenticating with private_key_jwt at issuer: WIPO's
// authorization server (setup A) or an office's own (setup B), both in the
// world's profile. DAS's assertion carries jti and iat in every profile
// (RFC 7523 section 3 allows them; certified servers require them).
func (w *World) dasTokens(issuer string) das.TokenSource {
	tc := &clientauth.TokenClient{HTTP: w.HTTPClient(), Issuer: issuer, ClientID: DASClientID,
		Key: w.dasIdentity.Key(), Now: w.Clock.Now, Rand: w.rand, Profile: w.profile, Identified: true}
	return &clientauth.TokenCache{Client: tc, Scope: authz.ScopeOfficeExchange}
}

// Office returns the simulated office with ST.3 code, or nil.
func (w *World) Office(code string) *office.Office {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.Offices[code]
}
