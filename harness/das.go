package harness

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/bearer"
	"github.com/wipo-das/dasim/simulators/das"
	"github.com/wipo-das/dasim/simulators/office"
)

// DASClientID is the client id WIPO's DAS uses when it calls offices and
// PCT DAS (setup A: at WIPO's authorization server; setup B: at the office's).
const DASClientID = office.DefaultDASClientID

// DASBasePath is the base path the world's parties serve the API under.
const DASBasePath = "/das/v1/requests"

// directory is the DAS's office directory; offices join while the world runs.
type directory struct {
	mu        sync.RWMutex
	endpoints map[string]das.OfficeEndpoint
}

func (d *directory) Endpoint(code string) (das.OfficeEndpoint, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	e, ok := d.endpoints[code]
	return e, ok
}

func (d *directory) set(code string, e das.OfficeEndpoint) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.endpoints == nil {
		d.endpoints = map[string]das.OfficeEndpoint{}
	}
	d.endpoints[code] = e
}

func (w *World) startDAS(cfg Config) error {
	l, err := w.open(cfg, "das")
	if err != nil {
		return err
	}
	w.Verifier, err = bearer.New(bearer.Config{Issuer: w.AuthZ.Issuer(), Keys: bearer.StaticKeys(w.AuthZ.PublicKeys()),
		Clock: w.Clock, Scopes: []string{authz.ScopeOfficeExchange, authz.ScopeDASAccess}})
	if err != nil {
		return err
	}
	w.DAS, err = das.New(das.Config{TransitRetention: cfg.Retention, ErrorShape: cfg.ErrorShape,
		OutboundTimeout: cfg.DASOutboundTimeout}, das.Deps{
		Clock: w.Clock, Storage: w.Storage, Rand: w.rand,
		Authenticate: w.Verifier.Middleware,
		CallerOffice: func(ctx context.Context) (string, bool) {
			p, ok := bearer.FromContext(ctx)
			if !ok {
				return "", false
			}
			return p.OfficeCode, true
		},
		Offices:    &w.offices,
		PCT:        w.pct,
		HTTPClient: w.HTTPClient(),
		Recorder:   w.recorder,
		Faults:     w.Faults,
	})
	if err != nil {
		return err
	}
	w.dasReady(w.DAS)
	l.serve(w.callers.wrap(w.DAS.Handler()))
	return nil
}

// DASURL is the DAS API root, base path included.
func (w *World) DASURL() string { return w.URL("das") + DASBasePath }

// Tokens returns a cached token source for id at the world's authorization server.
func (w *World) Tokens(id *Identity) das.TokenSource {
	return &authz.TokenCache{Client: w.TokenClient(id), Scope: authz.ScopeOfficeExchange}
}

// Settle waits until DAS has no background work running (documents being
// prepared, calls to offices in flight). Timers not yet due on the world's
// clock are not waited for: advance the clock for those.
func (w *World) Settle() { w.DAS.WaitIdle() }

// admit registers a client's certificate (the file an office sends WIPO) at
// the authorization server and whitelists it at DAS for office.
func (w *World) admit(clientID, office string, certPEM []byte) error {
	if err := w.AuthZ.Register(authz.Client{ID: clientID, KeysPEM: certPEM}); err != nil {
		return fmt.Errorf("registering %s's certificate: %w", clientID, err)
	}
	w.callers.admit(clientID, office)
	return w.Verifier.Allow(clientID, office)
}

// route puts office's API root in DAS's office directory, called with
// tokens of issuer (WIPO's in setup A, the office's own in setup B).
func (w *World) route(office, apiRoot, issuer string) {
	w.offices.set(office, das.OfficeEndpoint{BaseURL: strings.TrimSuffix(apiRoot, "/"), Tokens: w.dasTokens(issuer)})
}
