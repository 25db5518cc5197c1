package office_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/clientauth"
	"github.com/wipo-das/dasim/simulators/dasapi"
	"github.com/wipo-das/dasim/simulators/lifecycle"
	"github.com/wipo-das/dasim/simulators/s3client"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/bearer"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/das"
	"github.com/wipo-das/dasim/simulators/faults"
	"github.com/wipo-das/dasim/simulators/objectstore"
	"github.com/wipo-das/dasim/simulators/office"
	"github.com/wipo-das/dasim/simulators/pctdas"
)

var epoch = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// rsaKey is made once per test binary: RSA-2048 under -race costs seconds.
var rsaKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// world is WIPO's authorization server, the object store, DAS and offices,
// each a real party on loopback, sharing one virtual clock, one fault set and
// one contract log that must end with no violation.
type world struct {
	t       *testing.T
	clock   *clock.Virtual
	log     *openapi.Log
	faults  *faults.Set
	wipo    *authz.Server
	dasAuth *bearer.Verifier
	das     *das.Server
	dasURL  string
	dasKeys *clientauth.KeyFiles
	offices das.OfficeMap
	all     []*office.Office
	pct     *office.Office // PCT DAS: an office with PCT's rules
	// tolerated are request violations a test commits on purpose (in:
	// security for a call without a token).
	tolerated map[string]bool
}

const dasClientID = office.DefaultDASClientID

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{t: t, clock: clock.NewVirtual(epoch), log: &openapi.Log{}, offices: das.OfficeMap{}}
	w.faults = faults.New(w.clock)
	azHTTP := httptest.NewUnstartedServer(nil)
	var err error
	w.wipo, err = authz.New(authz.Config{BaseURL: "http://" + azHTTP.Listener.Addr().String(), Clock: w.clock},
		authz.WithSigningKey(rsaKey()))
	must(t, err)
	azHTTP.Config.Handler = w.wipo.Handler()
	azHTTP.Start()
	t.Cleanup(azHTTP.Close)

	// DAS is a private_key_jwt client of WIPO's server (setup A) and of
	// offices' own servers (setup B), with the files of the seeds' keygen script.
	w.dasKeys, err = clientauth.GenerateKeyFiles(rand.Reader, epoch)
	must(t, err)
	must(t, w.wipo.Register(authz.Client{ID: dasClientID, KeysPEM: w.dasKeys.CertPEM}))
	w.dasAuth, err = bearer.New(bearer.Config{Issuer: w.wipo.Issuer(), Keys: bearer.StaticKeys(w.wipo.PublicKeys()),
		Clock: w.clock, Scopes: []string{authz.ScopeOfficeExchange}, Whitelist: map[string]string{}})
	must(t, err)

	store, err := objectstore.New(objectstore.Config{Clock: w.clock})
	must(t, err)
	s3 := httptest.NewServer(store.Handler())
	t.Cleanup(s3.Close)
	storage, err := s3client.NewStorage(store.StorageConfig(s3.URL))
	must(t, err)

	// PCT DAS, the source of RO/IB documents, checks DAS's WIPO tokens.
	pctHTTP := httptest.NewUnstartedServer(nil)
	docs, err := pctdas.Documents(pctdas.DemoConfig{}, nil)
	must(t, err)
	w.pct, err = office.New(office.Config{Code: pctdas.Code, ClientID: pctdas.ClientID, BaseURL: "http://" + pctHTTP.Listener.Addr().String(),
		WIPOIssuer: w.wipo.Issuer(), Documents: docs, DefaultHosting: office.Home, TransitThreshold: 1 << 40, PrepareDelay: -1},
		office.WithClock(w.clock), office.WithRecorder(w.log), office.WithFaults(w.faults), office.WithNumberCheck(pctdas.CheckNumber))
	must(t, err)
	pctHTTP.Config.Handler = w.pct.Handler()
	pctHTTP.Start()
	t.Cleanup(func() { pctHTTP.Close(); must(t, w.pct.Close(context.WithoutCancel(t.Context()))) })
	source := pctdas.NewSource(dasapi.New(dasapi.Config{BaseURL: w.pct.APIBaseURL(), Tokens: w.dasTokens(w.wipo.Issuer()),
		Recorder: w.log, Party: "das"}))

	w.das, err = das.New(das.Config{}, das.WithPCT(source), das.WithClock(w.clock), das.WithStorage(storage),
		das.WithAuthentication(w.dasAuth.OfficeOf), das.WithOffices(w.offices), das.WithRecorder(w.log))
	must(t, err)
	api := httptest.NewServer(w.das.Handler())
	w.dasURL = api.URL + "/das/v1/requests"
	t.Cleanup(func() {
		must(t, w.das.Close(context.WithoutCancel(t.Context())))
		api.Close()
		w.assertContractKept()
	})
	return w
}

// newOffice starts an office, registers it at WIPO (its certificate, the
// whitelist of DAS) and tells DAS where and how to call it.
func (w *world) newOffice(cfg office.Config) *office.Office {
	w.t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	cfg.BaseURL = "http://" + srv.Listener.Addr().String()
	cfg.DASBaseURL = w.dasURL
	cfg.WIPOIssuer = w.wipo.Issuer()
	opts := []office.Option{office.WithClock(w.clock), office.WithRecorder(w.log), office.WithFaults(w.faults)}
	handler := http.NewServeMux()
	if cfg.Setup == office.SetupB {
		// Setup B: the office's own authorization server, a party of its own
		// served beside the office, where DAS is a registered client.
		as, err := authz.New(authz.Config{BaseURL: cfg.BaseURL, Clock: w.clock}, authz.WithSigningKey(rsaKey()))
		must(w.t, err)
		must(w.t, as.Register(authz.Client{ID: dasClientID, KeysPEM: w.dasKeys.CertPEM}))
		handler.Handle("/am/oauth2/", as.Handler())
		opts = append(opts, office.WithOwnAuthorizationServer(as.Issuer(), bearer.StaticKeys(as.PublicKeys())))
	}
	o, err := office.New(cfg, opts...)
	must(w.t, err)
	handler.Handle("/", o.Handler())
	srv.Config.Handler = handler
	srv.Start()
	w.t.Cleanup(func() { srv.Close(); must(w.t, o.Close(context.WithoutCancel(w.t.Context()))) })
	must(w.t, w.wipo.Register(authz.Client{ID: o.ClientID(), KeysPEM: o.CertificatePEM()}))
	must(w.t, w.dasAuth.Allow(o.ClientID(), o.Code()))
	w.all = append(w.all, o)
	w.offices[o.Code()] = das.OfficeEndpoint{BaseURL: o.APIBaseURL(), Tokens: w.dasTokens(o.AuthIssuer())}
	return o
}

// dasTokens is DAS authenticating at issuer with its private_key_jwt key.
func (w *world) dasTokens(issuer string) dasapi.TokenFunc {
	tc := &clientauth.TokenClient{HTTP: http.DefaultClient, Issuer: issuer, ClientID: dasClientID, Key: w.dasKeys.Key,
		Profile: authz.ProfileWIPO, Now: w.clock.Now}
	return func(ctx context.Context) (string, error) {
		tr, err := tc.Token(ctx, authz.ScopeOfficeExchange)
		if err != nil {
			return "", err
		}
		return tr.AccessToken, nil
	}
}

// run moves the world's clock by d and lets DAS finish what fell due.
func (w *world) run(d time.Duration) {
	w.settle()
	w.clock.Advance(d)
	w.settle()
}

// settle waits until DAS and every office are idle.
func (w *world) settle() {
	groups := []*lifecycle.Group{w.das.Group(), w.pct.Group()}
	for _, o := range w.all {
		groups = append(groups, o.Group())
	}
	lifecycle.Settle(groups...)
}

func (w *world) assertContractKept() {
	w.t.Helper()
	for _, e := range w.log.Failed() {
		if e.TransportError != "" && len(e.Violations()) == 0 {
			continue // a party that is down on purpose breaks no contract
		}
		if w.onlyTolerated(e.Violations()) {
			continue
		}
		w.t.Errorf("contract broken: %s %s → %d %v", e.Method, e.URL, e.Status, e.Violations())
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// pdf is a small document DAS accepts as pdf ("%PDF-" magic).
func pdf(name string, size int) []byte {
	b := []byte(fmt.Sprintf("%%PDF-1.7\n%% priority document %s\n", name))
	return append(b, bytes.Repeat([]byte{'.'}, max(0, size-len(b)))...)
}

func doc(number string, h office.Hosting, size int) office.Document {
	return office.Document{Number: number, FilingDate: "2023-03-14", AccessCode: "AB21", Content: pdf(number, size), Hosting: h}
}

func (w *world) onlyTolerated(vs []openapi.Violation) bool {
	for _, v := range vs {
		if v.Side != "request" || !w.tolerated[v.In] {
			return false
		}
	}
	return len(vs) > 0
}
