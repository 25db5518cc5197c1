package harness

import (
	"fmt"
	"strings"
	"sync"

	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/bearer"
	"github.com/wipo-das/dasim/simulators/clientauth"
	"github.com/wipo-das/dasim/simulators/das"
	"github.com/wipo-das/dasim/simulators/lifecycle"
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
	if err := w.restoreWhitelist(); err != nil {
		return err
	}
	opts := []das.Option{das.WithContext(w.ctx), das.WithClock(w.Clock), das.WithStorage(w.Storage), das.WithRandom(w.rand), das.WithStore(w.backend),
		das.WithAuthentication(w.defects.authenticate(w.Verifier)), das.WithOffices(&w.offices), das.WithHTTPClient(w.HTTPClient()),
		das.WithRecorder(w.recorder), das.WithFaults(w.Faults)}
	if w.pct != nil {
		opts = append(opts, das.WithPCT(w.pct))
	}
	dc := das.Config{TransitRetention: cfg.Retention, ErrorShape: cfg.ErrorShape,
		OutboundTimeout: cfg.DASOutboundTimeout, Retry: cfg.DASRetry, OFFDeadline: cfg.OFFDeadline, TimerLease: cfg.DASTimerLease}
	w.defects.tune(&dc)
	w.DAS, err = das.New(dc, opts...)
	if err == nil {
		w.onClose(w.DAS.Close)
	}
	if err != nil {
		return err
	}
	w.dasReady(w.DAS)
	dc = w.DAS.Config()
	w.timings = DASTimings{Retention: dc.TransitRetention, OFFDeadline: dc.OFFDeadline, CallTimeout: dc.OutboundTimeout,
		TokenLifetime: w.AuthZ.Config().TokenLifetime}
	l.serve(w.callers.wrap(w.DAS.Handler()))
	return nil
}

// DASURL is the DAS API root, base path included.
func (w *World) DASURL() string { return w.URL("das") + DASBasePath }

// Tokens returns a cached token source for id at the world's authorization server.
func (w *World) Tokens(id *Identity) das.TokenSource {
	return &clientauth.TokenCache{Client: w.TokenClient(id), Scope: authz.ScopeOfficeExchange}
}

// Settle waits until every party is idle at once — DAS, every office, PCT
// DAS, and the notifications the fault layer delayed (timers of the party
// that sends them) once they fire — looping, since one party's work starts
// another's. Timers not yet due on the world's clock are not waited for:
// advance the clock for those.
func (w *World) Settle() {
	w.mu.Lock()
	groups := []*lifecycle.Group{w.DAS.Group()}
	if w.PCT != nil {
		groups = append(groups, w.PCT.Group())
	}
	for _, o := range w.Offices {
		groups = append(groups, o.Group())
	}
	w.mu.Unlock()
	lifecycle.Settle(groups...)
}

// admit registers a client's certificate (the file an office sends WIPO) at
// the authorization server and whitelists it at DAS for office.
func (w *World) admit(clientID, office string, certPEM []byte) error {
	if err := w.RegisterClient(authz.Client{ID: clientID, KeysPEM: certPEM}); err != nil {
		return fmt.Errorf("registering %s's certificate: %w", clientID, err)
	}
	w.callers.admit(clientID, office)
	return w.Allow(clientID, office)
}

// route puts office's API root in DAS's office directory, called with
// tokens of issuer (WIPO's in setup A, the office's own in setup B).
func (w *World) route(office, apiRoot, issuer string) {
	w.offices.set(office, das.OfficeEndpoint{BaseURL: strings.TrimSuffix(apiRoot, "/"), Tokens: w.officeTokens(issuer)})
}
