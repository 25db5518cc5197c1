package office

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/bearer"
	"github.com/wipo-das/dasim/simulators/dasapi"
	"github.com/wipo-das/dasim/simulators/faults"
	"github.com/wipo-das/dasim/simulators/lifecycle"
)

// Office is one simulated patent office, OFF and OSF at once.
type Office struct {
	cfg        Config
	deps       options
	party      string
	key        *ecdsa.PrivateKey
	certPEM    []byte
	das        *dasapi.Client // calls to DAS, validated against das.yaml
	verifier   *bearer.Verifier
	wipoKeys   *bearer.Remote   // setup A without WithWIPOKeys: WIPO's JWKS, refreshed
	tokenKeys  bearer.KeySource // the keys DAS's tokens are verified with (A: WIPO's, B: the office's own)
	linkSecret []byte
	work       *lifecycle.Group // preparing, retries, delayed notifications
	outbox     *faults.Outbox
	handler    http.Handler

	mu       sync.Mutex
	seq      int
	firstAck string // Defects.SameAckID
	// wipoVerifier checks WIPO's tokens in setup B (Defects.Auth.AcceptWIPOTokens).
	wipoVerifier *bearer.Verifier
	downloads    map[string]int // downloads served per link ack (Defects.SecondDownloadDiffers)
	docs         map[string]*docState
	order        []string              // document ids in the order they joined the library
	forwarded    map[string]*forwarded // by the office's own ack id
	retrievals   map[string]*Received  // by DAS's ack id (OSF side)
	orphans      map[string][]Notification
}

// New builds an office from cfg. In setup A it fetches WIPO's JWKS, so
// WIPO's authorization server must already serve (unless WithWIPOKeys); in
// setup B WithOwnAuthorizationServer is required.
func New(cfg Config, opts ...Option) (*Office, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("office: config: %w", err)
	}
	cfg = cfg.withDefaults()
	deps := newOptions(opts)
	o := &Office{cfg: cfg, deps: deps, party: "office " + cfg.Code, docs: map[string]*docState{},
		forwarded: map[string]*forwarded{}, retrievals: map[string]*Received{}, orphans: map[string][]Notification{}}
	var err error
	if o.key = deps.key; o.key == nil {
		if o.key, err = newKey(deps.rand); err != nil {
			return nil, fmt.Errorf("office %s: key: %w", cfg.Code, err)
		}
	}
	if o.certPEM, err = certificateFor(cfg.Code, o.key, deps.rand, deps.clock.Now()); err != nil {
		return nil, fmt.Errorf("office %s: certificate: %w", cfg.Code, err)
	}
	o.linkSecret = make([]byte, 32)
	if _, err := io.ReadFull(deps.rand, o.linkSecret); err != nil {
		return nil, fmt.Errorf("office %s: link secret: %w", cfg.Code, err)
	}
	tokens := deps.tokens
	if tokens == nil {
		tokens = o.wipoTokens()
	}
	o.das = dasapi.New(dasapi.Config{BaseURL: cfg.DASBaseURL, HTTPClient: deps.httpClient, Tokens: tokens,
		Recorder: deps.recorder, Party: o.party, Transcripts: true})
	o.work = lifecycle.New(deps.ctx, deps.clock)
	o.outbox = deps.faults.Outbox(o.party, o.work)
	for _, d := range cfg.Documents {
		o.addLocked(d)
	}
	if err := o.setUpAuth(); err != nil {
		_ = o.work.Close(o.work.Context())
		return nil, err
	}
	o.handler = o.routes()
	return o, nil
}

// Close stops the office's timers and background work (cancelling calls
// in flight) and the refresh of WIPO's JWKS, waiting at most until ctx is done.
func (o *Office) Close(ctx context.Context) error {
	err := o.work.Close(ctx)
	if o.wipoKeys != nil {
		err = errors.Join(err, o.wipoKeys.Close(ctx))
	}
	return err
}

// Group is the office's background work, for a world that settles every party.
func (o *Office) Group() *lifecycle.Group { return o.work }

// Code is the office's ST.3 code.
func (o *Office) Code() string { return o.cfg.Code }

// ClientID is the office's client id at WIPO's authorization server.
func (o *Office) ClientID() string { return o.cfg.ClientID }

// CertificatePEM is the office's self-signed certificate (CN "<code>
// private_key_jwt authentication"), what it sends WIPO to be registered.
func (o *Office) CertificatePEM() []byte { return append([]byte(nil), o.certPEM...) }

// Config returns the effective configuration.
func (o *Office) Config() Config { return o.cfg }

// APIBaseURL is the office-side API root DAS calls (OfficeEndpoint.BaseURL).
func (o *Office) APIBaseURL() string { return o.cfg.BaseURL + o.cfg.BasePath }

// Handler serves the office-side API under Config.BasePath and the office's
// own download links under FilesPath. (In setup B the world serves the
// office's authorization server beside it, under /am/oauth2.)
func (o *Office) Handler() http.Handler { return o.handler }

func (o *Office) routes() http.Handler {
	api := http.NewServeMux()
	b := o.cfg.BasePath
	api.Handle("POST "+b+"/retrievals", o.endpoint(o.receiveRetrieval))
	api.Handle("POST "+b+"/notifications", o.endpoint(o.receiveNotification))
	api.Handle("GET "+b+"/files/url-downloads", o.endpoint(o.downloadURLByAck))
	api.Handle("POST "+b+"/files/url-downloads", o.endpoint(o.downloadURLByDocument))
	api.Handle(b+"/", o.endpoint(o.notServed))
	refuseToken := func(w http.ResponseWriter, _ *http.Request, e *bearer.Error) { o.writeError(w, e) }
	refuseFault := func(w http.ResponseWriter, _ *http.Request, f *faults.Injected) { o.writeError(w, f) }
	// Transcripts: what the office answered DAS (its ack ids above all) is
	// evidence when DAS is the system under test and records nothing here.
	mopts := []openapi.Option{openapi.WithRecorder(o.deps.recorder), openapi.WithParty(o.party), openapi.WithTranscripts(),
		openapi.OnRefusal(func(w http.ResponseWriter, _ *http.Request, ref *openapi.Refusal) {
			o.writeError(w, dasapi.RefusalError(ref))
		})}
	if a := o.cfg.Defects.Auth; a.AcceptNoToken || a.CheckRetrievalsOnly {
		// The contract's security requirement would refuse a request
		// without a token before the office's own check sees it.
		mopts = append(mopts, openapi.PassThrough())
	}
	// The token check, with the deliberate holes of the OFF side's
	// defects, or of the OSF side's (a notification receiver's).
	guard := o.authenticated
	if o.cfg.OSFDefects.weakensReceiver() {
		guard = o.tokenGuard
	}
	validated := openapi.DAS().Middleware(guard(api, refuseToken), mopts...)
	root := http.NewServeMux()
	root.Handle(b+"/", o.deps.faults.Middleware(o.party, nil, validated, refuseFault))
	root.Handle("GET "+FilesPath+"{ack}", o.deps.faults.Middleware(o.party,
		func(*http.Request) string { return faults.OpDownloadFile }, http.HandlerFunc(o.serveFile), refuseFault))
	return root
}

// nextID returns the office's next identifier, e.g. OFF-EE-000001
// (das.yaml's example OFF ack id "OFF-JP-000042").
func (o *Office) nextID(prefix string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seq++
	return fmt.Sprintf("%s-%s-%06d", prefix, o.cfg.Code, o.seq)
}
