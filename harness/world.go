package harness

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/wipo-das/dasim/simulators/s3client"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/bearer"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/das"
	"github.com/wipo-das/dasim/simulators/faults"
	"github.com/wipo-das/dasim/simulators/objectstore"
	"github.com/wipo-das/dasim/simulators/office"
	"github.com/wipo-das/dasim/simulators/protocol"
	"github.com/wipo-das/dasim/simulators/store"
	"github.com/wipo-das/dasim/simulators/tlsca"
)

// Epoch is where a world's virtual clock starts by default: a fixed instant,
// so runs are repeatable.
var Epoch = time.Date(2026, time.January, 5, 9, 0, 0, 0, time.UTC)

// Config describes a world. The zero value is the embedded default world.
type Config struct {
	// Clock is the world's clock. nil: a virtual clock stopped at Epoch.
	Clock clock.Clock
	// Rand supplies keys and identifiers. nil: crypto/rand.
	Rand io.Reader
	// Profile of the authorization server: wipo (default) or fapi.
	Profile authz.Profile
	// SigningKey signs access tokens (of WIPO's and of offices' own
	// authorization servers); nil generates one (about 50 ms).
	SigningKey *rsa.PrivateKey
	// Addrs pins listen addresses by party name ("authz", "s3", "das", ...);
	// missing names listen on a free loopback port.
	Addrs map[string]string
	// Recorder receives every exchange; nil keeps them in World.Log.
	Recorder openapi.Recorder
	// Log is World.Log; nil: one that keeps every exchange (a spec's world
	// is short-lived). dasim serve passes a bounded one (openapi.NewLog).
	Log *openapi.Log
	// Retention of transit files at DAS; 0: 7 days.
	Retention time.Duration
	// DASOutboundTimeout bounds each call of DAS to an office or PCT DAS, in
	// real time; 0: das.DefaultOutboundTimeout. Scenarios of slow offices
	// shorten it.
	DASOutboundTimeout time.Duration
	// ErrorShape of the WIPO error bodies of DAS, PCT DAS and every
	// simulated office: flat (default) or wrapped.
	ErrorShape protocol.ErrorShape
	// PCTDocuments are PCT DAS's RO/IB documents; nil: its deterministic demo set.
	PCTDocuments []office.Document
	// TrustedRoots is a PEM file's content of further root certificates the
	// world's clients (DAS's calls to offices above all) trust beside the
	// world's own CA: a system under test with a certificate of its own.
	TrustedRoots []byte
	// CA is the world's certificate authority; nil makes a new one. A CA kept
	// from run to run (tlsca.LoadOrCreate) lets a system under test trust
	// the world's parties once, not at every run.
	CA *tlsca.CA
	// PublicURLs are, by party name, the base URLs (scheme://host:port) at
	// which a system under test reaches a party when that is not its listen
	// address (a host name, a port forwarded by a proxy): the party's URLs
	// and certificate use them.
	PublicURLs map[string]string
	// DASKey is DAS's private_key_jwt key, with which it gets tokens at
	// WIPO's authorization server and at offices' own (setup B); nil: a new
	// one.
	DASKey *ecdsa.PrivateKey
	// TokenLifetime of the authorization server's access tokens; 0: 1 hour.
	TokenLifetime time.Duration
	// DASRetry is DAS's retry of calls to offices; zero: das's default.
	DASRetry das.RetryPolicy
	// OFFDeadline is how long DAS waits for an OFF's notification; 0: das's default.
	OFFDeadline time.Duration
	// ExternalPCT is the API root of a PCT DAS outside the world, which DAS
	// fetches RO/IB documents from (with its WIPO token) instead of the
	// world's own PCT DAS; World.PCT is then nil.
	ExternalPCT string
	// DASDefects are deliberate faults of the world's DAS, by name
	// (DASDefects): WIPO's regression run is shown to catch each.
	DASDefects []string
	// RemoteDAS is a DAS under test: the world's offices and PCT DAS work
	// with it — they call its API with tokens of its authorization server,
	// verify its calls with that server's JWKS — instead of the world's own
	// DAS, which stays idle. The world's offices are then what the DAS under
	// test is configured to call (StartSites).
	RemoteDAS *RemoteDAS
	// AuthZTranscripts keeps the (redacted) bodies of the authorization
	// server's exchanges, so certification can quote why it refused a
	// system under test.
	AuthZTranscripts bool
	// Store keeps the world's state and identity: the DAS's registrations,
	// retrievals, files and timers, and the CA, certificates, signing key,
	// clients, whitelist, identities and ports (harness/persist.go). nil: a
	// memory store of the world's own. The world does not close it.
	Store store.Backend
	// ObjectDir keeps the simulated object store's objects in files under
	// it; empty: in memory.
	ObjectDir string
	// DASTimerLease is how long a DAS replica's claim on a timer lasts;
	// 0: das.Config's default.
	DASTimerLease time.Duration
	// S3 is an external S3-compatible object store (its endpoint,
	// credentials and buckets) used instead of the simulated one. Its
	// presigned URLs are its own, checked on its own clock: the world must
	// run on the system clock (docs/persistence.md).
	S3 *s3client.StorageConfig
	// DataDir, when Store is nil, is the embedded store of `dasim serve
	// --data-dir`: DataDir/dasim.db and (unless ObjectDir) DataDir/objects,
	// closed with the world.
	DataDir string
}

// World is a running set of parties on loopback HTTPS.
type World struct {
	Clock clock.Clock
	CA    *tlsca.CA
	Log   *openapi.Log
	// Feed sees every exchange first: it stamps it with the world's clock
	// (Exchange.At), passes it to the recorder, and serves live viewers
	// (the admin console, serve -v).
	Feed *openapi.Feed

	rand io.Reader
	ctx  context.Context // the values Start was called with, for the parties' work

	AuthZ    *authz.Server
	S3       *objectstore.Server
	Storage  *s3client.Storage
	Verifier *bearer.Verifier // DAS's token verifier and client whitelist
	DAS      *das.Server
	// PCT is PCT DAS: an office with PCT's rules (simulators/pctdas).
	PCT      *office.Office
	Faults   *faults.Set // faults switchable at run time, shared by every party
	Offices  map[string]*office.Office
	recorder openapi.Recorder
	steps    *stepMarker  // stamps the running spec and step on every exchange
	callers  callerLabels // names the calling office on DAS's records
	// probeAcks are the ack ids offices answered the harness's own direct
	// calls with ("office|ack"): DAS never heard of them, so an office
	// that notifies by one is not at fault.
	probeAcks sync.Map
	// transport is the one HTTP transport of every client the world makes
	// (it trusts the world's CA), so Close can end its idle connections.
	transport *http.Transport
	ownClock  *clock.Virtual // a running clock StartWorld made, closed with the world
	// errorShape is the WIPO error shape of every party of the world.
	errorShape protocol.ErrorShape

	remote     *RemoteDAS        // DAS under test, when bound
	unlisted   *RemoteIdentity   // a client the DAS under test registers but does not whitelist (sites)
	timings    DASTimings        // the world's own DAS's, for specs that wait for them
	remoteKeys *laterKeys        // the DAS under test's JWKS, for its offices in setup A
	defects    dasDefects        // Config.DASDefects
	addrs      map[string]string // Config.Addrs
	publicURLs map[string]string // Config.PublicURLs

	profile authz.Profile // of every authorization server of the world

	mu         sync.Mutex
	signingKey *rsa.PrivateKey
	closers    []func(ctx context.Context) error // parties, last started last

	dasIdentity *Identity
	offices     directory
	pct         das.PCTSource
	objects     *objectTap // the object store's requests, while a client is observed
	tokens      *tokenTap  // the token endpoint's requests of a client under test
	dasMu       sync.Mutex
	dasServer   *das.Server // for the object store's upload hook

	listeners map[string]*listener
	order     []string

	backend    store.Backend // Config.Store, or the world's own
	kept       store.World   // the world's identity in backend
	s3Endpoint string        // Config.S3's endpoint
}

// Start builds and starts a world. The parties' background work runs on
// ctx's values; a ctx cancelled before the world is up stops what was
// started and returns ctx's error.
func Start(ctx context.Context, cfg Config) (w *World, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.NewVirtual(Epoch)
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.Log == nil {
		cfg.Log = &openapi.Log{}
	}
	w = &World{Clock: cfg.Clock, Log: cfg.Log, rand: cfg.Rand, ctx: ctx, errorShape: cfg.ErrorShape, listeners: map[string]*listener{},
		Faults: faults.New(cfg.Clock), Offices: map[string]*office.Office{}, signingKey: cfg.SigningKey}
	if w.profile = cfg.Profile; w.profile == "" {
		w.profile = authz.ProfileWIPO
	}
	next := cfg.Recorder
	if next == nil {
		next = w.Log
	}
	w.Feed = openapi.NewFeed(cfg.Clock.Now, next)
	w.steps = &stepMarker{next: w.Feed}
	w.recorder = w.steps
	// "return nil, err" clears w before deferred calls run: close the
	// half-started world through its own variable.
	started := w
	defer func() {
		if err != nil {
			started.Close()
		}
	}()
	w.addrs, w.publicURLs, w.remote = cfg.Addrs, cfg.PublicURLs, cfg.RemoteDAS
	if w.defects, err = dasDefectsOf(cfg.DASDefects); err != nil {
		return nil, err
	}
	if err = w.openStore(ctx, &cfg); err != nil {
		return nil, err
	}
	if w.CA = cfg.CA; w.CA == nil {
		if w.CA, err = w.keptCA(cfg); err != nil {
			return nil, err
		}
	}
	if len(cfg.TrustedRoots) > 0 {
		if err = w.CA.Trust(cfg.TrustedRoots); err != nil {
			return nil, err
		}
	}
	w.transport = w.CA.Client().Transport.(*http.Transport)
	steps := []func() error{
		func() error { return w.startAuthZ(cfg) },
		func() error { return w.startObjectStore(cfg) },
		func() (err error) { w.dasIdentity, err = w.enrollWithKey("WO", DASClientID, cfg.DASKey); return err },
		func() error { return w.startPCT(cfg) },
		func() error { return w.startDAS(cfg) },
	}
	for _, step := range steps {
		if err = step(); err != nil {
			return nil, err
		}
		if err = ctx.Err(); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// open takes the listener of party name: at cfg's address for it, else at
// the world's (Config.Addrs), else a free loopback port; reached at its
// public URL when the world has one for it.
//
// A listener reuses the address it had before (while free) and its
// certificate, both kept in the world's store.
func (w *World) open(cfg Config, name string) (*listener, error) {
	addr, fallback := cfg.Addrs[name], false
	if addr == "" {
		addr = w.addrs[name]
	}
	if addr == "" {
		addr, fallback = w.keptAddr(name), true
	}
	hosts, base, err := listenHosts(name, w.publicURLs[name])
	if err != nil {
		return nil, err
	}
	cert, err := w.keptLeaf(name, hosts)
	if err != nil {
		return nil, fmt.Errorf("%s: certificate: %w", name, err)
	}
	l, err := listen(cert, name, addr, base, fallback)
	if err != nil {
		return nil, err
	}
	if err := w.keepAddr(name, l.ln.Addr().String()); err != nil {
		l.close(w.ctx)
		return nil, err
	}
	w.listeners[name] = l
	w.order = append(w.order, name)
	return l, nil
}

func (w *World) startAuthZ(cfg Config) error {
	l, err := w.open(cfg, "authz")
	if err != nil {
		return err
	}
	key, cert, err := w.keptSigningKey(cfg)
	if err != nil {
		return err
	}
	w.signingKey = key
	opts := []authz.Option{authz.WithSigningKey(key)}
	if cert != nil {
		opts = append(opts, authz.WithSigningCertificate(cert))
	}
	w.AuthZ, err = authz.New(authz.Config{BaseURL: l.URL, Profile: cfg.Profile, Clock: cfg.Clock, Rand: cfg.Rand,
		TokenLifetime: cfg.TokenLifetime}, opts...)
	if err != nil {
		return err
	}
	if err := w.keepSigningCertificate(key, w.AuthZ.SigningCertificate()); err != nil {
		return err
	}
	if err := w.restoreClients(); err != nil {
		return err
	}
	w.onClose(w.AuthZ.Close)
	mopts := []openapi.Option{openapi.PassThrough(), openapi.WithRecorder(w.recorder), openapi.WithParty("authz"),
		openapi.OnRefusal(w.AuthZ.Refuse)}
	if cfg.AuthZTranscripts {
		mopts = append(mopts, openapi.WithTranscripts())
	}
	w.tokens = &tokenTap{clock: cfg.Clock, endpoint: w.AuthZ.TokenEndpoint()}
	l.serve(w.tokens.wrap(openapi.AuthZ().Middleware(w.AuthZ.Handler(), mopts...)))
	return nil
}

func (w *World) startObjectStore(cfg Config) error {
	w.objects = &objectTap{clock: cfg.Clock, recorder: w.recorder}
	if cfg.S3 != nil {
		return w.useExternalS3(*cfg.S3)
	}
	l, err := w.open(cfg, "s3")
	if err != nil {
		return err
	}
	// DAS checks an upload as soon as it lands (and lazily otherwise, as it
	// would against any S3 without event notifications).
	uploaded := func(bucket, key string, size int64) {
		w.dasMu.Lock()
		d := w.dasServer
		w.dasMu.Unlock()
		if d != nil {
			d.ObjectCreated(bucket, key, size)
		}
	}
	creds, err := w.keptS3Credentials()
	if err != nil {
		return err
	}
	w.S3, err = objectstore.New(objectstore.Config{Clock: cfg.Clock, Dir: cfg.ObjectDir, Credentials: creds}, objectstore.WithRandom(cfg.Rand),
		objectstore.WithObjectCreated(uploaded))
	if err != nil {
		return err
	}
	w.onClose(w.S3.Close)
	l.serve(w.objects.wrap(w.S3.Handler()))
	sc := w.S3.StorageConfig(l.URL)
	if err := w.keepS3Credentials(sc); err != nil {
		return err
	}
	sc.HTTPClient = w.CA.Client()
	w.Storage, err = s3client.NewStorage(sc)
	return err
}

// useExternalS3 has the DAS keep its documents in an external S3 store,
// creating its buckets there when missing.
func (w *World) useExternalS3(sc s3client.StorageConfig) error {
	sc.Clock = w.Clock
	var err error
	if w.Storage, err = s3client.NewStorage(sc); err != nil {
		return err
	}
	w.s3Endpoint = sc.Endpoint
	return w.Storage.EnsureBuckets(w.storeCtx())
}

// S3Endpoint is the object store's base URL: the simulated store's
// listener, or the external store of Config.S3.
func (w *World) S3Endpoint() string {
	if w.s3Endpoint != "" {
		return w.s3Endpoint
	}
	return w.URL("s3")
}

func (w *World) dasReady(d *das.Server) {
	w.dasMu.Lock()
	w.dasServer = d
	w.dasMu.Unlock()
}

// URL returns the base URL of a party ("authz", "s3", "das", "pctdas", an office code).
func (w *World) URL(party string) string {
	if l := w.listeners[party]; l != nil {
		return l.URL
	}
	return ""
}

// HTTPClient returns a client that trusts the world's CA, on the world's
// one transport.
func (w *World) HTTPClient() *http.Client { return &http.Client{Transport: w.transport} }

// Close stops every listener (last started first), then every party —
// their timers stopped, their calls in flight cancelled — then the idle
// connections of the world's clients and a running clock the world made.
func (w *World) Close() {
	// Shutting down must not depend on the Start context still being live.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(w.ctx), 5*time.Second)
	defer cancel()
	grace, cancelGrace := context.WithTimeout(ctx, 100*time.Millisecond)
	for i := len(w.order) - 1; i >= 0; i-- {
		w.listeners[w.order[i]].close(grace)
	}
	cancelGrace()
	w.mu.Lock()
	closers := w.closers
	w.closers = nil
	w.mu.Unlock()
	for i := len(closers) - 1; i >= 0; i-- {
		_ = closers[i](ctx)
	}
	if w.transport != nil {
		w.transport.CloseIdleConnections()
	}
	if w.ownClock != nil {
		w.ownClock.Close()
	}
	w.listeners, w.order = map[string]*listener{}, nil
}

// onClose has Close close a party.
func (w *World) onClose(f func(ctx context.Context) error) {
	w.mu.Lock()
	w.closers = append(w.closers, f)
	w.mu.Unlock()
}

// Advance moves a virtual world clock forward; it fails on a real clock.
func (w *World) Advance(d time.Duration) error {
	a, ok := w.Clock.(clock.Advancer)
	if !ok {
		return errors.New("the world runs on a clock that cannot be advanced")
	}
	a.Advance(d)
	return nil
}
