package harness

import (
	"context"
	"fmt"

	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/das"
	"github.com/wipo-das/dasim/simulators/office"
	"github.com/wipo-das/dasim/simulators/pctdas"
)

// officeDeps are the world's facilities every office runs with.
func (w *World) officeDeps() office.Deps {
	return office.Deps{Clock: w.Clock, HTTPClient: w.HTTPClient(), Recorder: w.recorder, Faults: w.Faults,
		ASSigningKey: w.signingKey, Rand: w.rand}
}

// startPCT starts PCT DAS, WIPO's source of RO/IB documents, and the
// das.PCTSource through which DAS fetches from it with its own WIPO token.
func (w *World) startPCT(cfg Config) error {
	l, err := w.open(cfg, "pctdas")
	if err != nil {
		return err
	}
	w.PCT, err = pctdas.New(pctdas.Config{BaseURL: l.URL, WIPOIssuer: w.AuthZ.Issuer(), DASClientID: DASClientID,
		Documents: cfg.PCTDocuments}, w.officeDeps())
	if err != nil {
		return err
	}
	l.serve(w.PCT.Handler())
	w.closers = append(w.closers, w.PCT.Close)
	w.pct = &pctdas.Source{BaseURL: w.PCT.APIBaseURL(), Token: w.dasTokens(w.AuthZ.Issuer()).Token,
		HTTPClient: w.HTTPClient(), Recorder: w.recorder}
	return nil
}

// AddOffice starts a simulated office on its own listener and wires it as
// the seeds' registration process and WIPO's setups A and B say: its
// certificate registered at WIPO's authorization server, its client
// whitelisted at DAS, and DAS told where and how to call it back.
func (w *World) AddOffice(ctx context.Context, cfg office.Config) (*office.Office, error) {
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
	o, err := office.New(cfg, w.officeDeps())
	if err != nil {
		return nil, fmt.Errorf("office %s: %w", cfg.Code, err)
	}
	l.serve(o.Handler())
	w.closers = append(w.closers, o.Close)
	if err := w.admit(o.ClientID(), o.Code(), o.CertificatePEM()); err != nil {
		return nil, err
	}
	if o.AuthServer() != nil { // setup B: DAS is a client of the office's own server
		if err := o.RegisterDAS(w.dasIdentity.Files.CertPEM); err != nil {
			return nil, err
		}
	}
	w.offices.set(o.Code(), das.OfficeEndpoint{BaseURL: o.APIBaseURL(), Tokens: w.dasTokens(o.AuthIssuer())})
	w.mu.Lock()
	w.Offices[o.Code()] = o
	w.mu.Unlock()
	return o, nil
}

// dasTokens is DAS authenticating with private_key_jwt at issuer: WIPO's
// authorization server (setup A) or an office's own (setup B), both in the
// world's profile. DAS's assertion carries jti and iat in every profile
// (RFC 7523 section 3 allows them; certified servers require them).
func (w *World) dasTokens(issuer string) das.TokenSource {
	tc := &authz.TokenClient{HTTP: w.HTTPClient(), Issuer: issuer, ClientID: DASClientID,
		Key: w.dasIdentity.Key(), Now: w.Clock.Now, Rand: w.rand, Profile: w.profile, Identified: true}
	return &authz.TokenCache{Client: tc, Scope: authz.ScopeOfficeExchange}
}

// Office returns the simulated office with ST.3 code, or nil.
func (w *World) Office(code string) *office.Office {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.Offices[code]
}
