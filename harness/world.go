package harness

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/bearer"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/das"
	"github.com/wipo-das/dasim/simulators/faults"
	"github.com/wipo-das/dasim/simulators/objectstore"
	"github.com/wipo-das/dasim/simulators/office"
	"github.com/wipo-das/dasim/simulators/pctdas"
	"github.com/wipo-das/dasim/simulators/protocol"
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
	// Retention of transit files at DAS; 0: 7 days.
	Retention time.Duration
	// DASOutboundTimeout bounds each call of DAS to an office or PCT DAS, in
	// real time; 0: das.DefaultOutboundTimeout. Scenarios of slow offices
	// shorten it.
	DASOutboundTimeout time.Duration
	// ErrorShape of DAS error bodies: flat (default) or wrapped.
	ErrorShape protocol.ErrorShape
	// PCTDocuments are PCT DAS's RO/IB documents; nil: its deterministic demo set.
	PCTDocuments []office.Document
	// TrustedRoots is a PEM file's content of further root certificates the
	// world's clients (DAS's calls to offices above all) trust beside the
	// world's own CA: a system under test with a certificate of its own.
	TrustedRoots []byte
	// AuthZTranscripts keeps the (redacted) bodies of the authorization
	// server's exchanges, so certification can quote why it refused a
	// system under test.
	AuthZTranscripts bool
}

// World is a running set of parties on loopback HTTPS.
type World struct {
	Clock clock.Clock
	CA    *tlsca.CA
	Log   *openapi.Log

	rand io.Reader

	AuthZ    *authz.Server
	S3       *objectstore.Server
	Storage  *objectstore.Storage
	Verifier *bearer.Verifier // DAS's token verifier and client whitelist
	DAS      *das.Server
	PCT      *pctdas.Server
	Faults   *faults.Set // faults switchable at run time, shared by every party
	Offices  map[string]*office.Office
	recorder openapi.Recorder
	steps    *stepMarker  // stamps the running spec and step on every exchange
	callers  callerLabels // names the calling office on DAS's records
	// dasTimeout bounds each call of DAS to an office (Config.DASOutboundTimeout).
	dasTimeout time.Duration
	// probeAcks are the ack ids offices answered the harness's own direct
	// calls with ("office|ack"): DAS never heard of them, so an office
	// that notifies by one is not at fault.
	probeAcks sync.Map

	remote *RemoteDAS // DAS under test, when bound

	mu         sync.Mutex
	signingKey *rsa.PrivateKey
	closers    []func()

	dasIdentity *Identity
	offices     directory
	pct         das.PCTSource
	objects     *objectTap // the object store's requests, while a client is observed
	dasMu       sync.Mutex
	dasServer   *das.Server // for the object store's upload hook

	listeners map[string]*listener
	order     []string
}

// Start builds and starts a world.
func Start(ctx context.Context, cfg Config) (w *World, err error) {
	if cfg.Clock == nil {
		cfg.Clock = clock.NewVirtual(Epoch)
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.SigningKey == nil {
		if cfg.SigningKey, err = rsa.GenerateKey(cfg.Rand, 2048); err != nil {
			return nil, err
		}
	}
	w = &World{Clock: cfg.Clock, Log: &openapi.Log{}, rand: cfg.Rand, listeners: map[string]*listener{},
		Faults: faults.New(cfg.Clock), Offices: map[string]*office.Office{}, signingKey: cfg.SigningKey,
		dasTimeout: cfg.DASOutboundTimeout}
	if w.dasTimeout == 0 {
		w.dasTimeout = das.DefaultOutboundTimeout
	}
	next := cfg.Recorder
	if next == nil {
		next = w.Log
	}
	w.steps = &stepMarker{next: next}
	w.recorder = w.steps
	// "return nil, err" clears w before deferred calls run: close the
	// half-started world through its own variable.
	started := w
	defer func() {
		if err != nil {
			started.Close()
		}
	}()
	if w.CA, err = tlsca.New(cfg.Rand, cfg.Clock.Now(), "dasim world CA"); err != nil {
		return nil, err
	}
	if len(cfg.TrustedRoots) > 0 {
		if err = w.CA.Trust(cfg.TrustedRoots); err != nil {
			return nil, err
		}
	}
	if err = w.startAuthZ(cfg); err != nil {
		return nil, err
	}
	if err = w.startObjectStore(cfg); err != nil {
		return nil, err
	}
	if w.dasIdentity, err = w.Enroll("WO", DASClientID); err != nil {
		return nil, err
	}
	if err = w.startPCT(cfg); err != nil {
		return nil, err
	}
	if err = w.startDAS(cfg); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *World) open(cfg Config, name string) (*listener, error) {
	l, err := listen(w.CA, name, cfg.Addrs[name])
	if err != nil {
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
	// Start has made the signing key when none was given.
	w.AuthZ, err = authz.New(authz.Config{BaseURL: l.URL, Profile: cfg.Profile, Clock: cfg.Clock, Rand: cfg.Rand},
		authz.WithSigningKey(cfg.SigningKey))
	if err != nil {
		return err
	}
	mopts := []openapi.Option{openapi.PassThrough(), openapi.WithRecorder(w.recorder), openapi.WithParty("authz")}
	if cfg.AuthZTranscripts {
		mopts = append(mopts, openapi.WithTranscripts())
	}
	l.serve(openapi.AuthZ().Middleware(w.AuthZ.Handler(), mopts...))
	return nil
}

func (w *World) startObjectStore(cfg Config) error {
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
	w.S3, err = objectstore.New(objectstore.Config{Clock: cfg.Clock}, objectstore.WithRandom(cfg.Rand),
		objectstore.WithObjectCreated(uploaded))
	if err != nil {
		return err
	}
	w.objects = &objectTap{}
	l.serve(w.objects.wrap(w.S3.Handler()))
	sc := w.S3.StorageConfig(l.URL)
	sc.HTTPClient = w.CA.Client()
	w.Storage, err = objectstore.NewStorage(sc)
	return err
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

// HTTPClient returns a client that trusts the world's CA.
func (w *World) HTTPClient() *http.Client { return w.CA.Client() }

// Close stops every party, last started first.
func (w *World) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	for i := len(w.order) - 1; i >= 0; i-- {
		w.listeners[w.order[i]].close(ctx)
	}
	if w.DAS != nil {
		w.DAS.Close()
	}
	for i := len(w.closers) - 1; i >= 0; i-- {
		w.closers[i]()
	}
	w.closers = nil
	w.listeners, w.order = map[string]*listener{}, nil
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
