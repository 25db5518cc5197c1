package office

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/bearer"
	"github.com/wipo-das/dasim/simulators/faults"
)

// Office is one simulated patent office, OFF and OSF at once.
type Office struct {
	cfg        Config
	deps       Deps
	party      string
	key        *ecdsa.PrivateKey
	certPEM    []byte
	api        *http.Client // DAS API calls, validated against das.yaml
	raw        *http.Client // presigned URLs and download links
	tokens     TokenFunc
	verifier   *bearer.Verifier
	as         *authz.Server // setup B only
	linkSecret []byte
	outbox     *faults.Outbox
	handler    http.Handler
	stop       context.CancelFunc

	mu         sync.Mutex
	seq        int
	docs       map[string]*docState
	forwarded  map[string]*forwarded // by the office's own ack id
	retrievals map[string]*Received  // by DAS's ack id (OSF side)
	orphans    map[string][]Notification
}

// New builds an office from cfg. In setup A it fetches WIPO's JWKS, so
// WIPO's authorization server must already serve (unless Deps.WIPOKeys).
func New(cfg Config, deps Deps) (*Office, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("office: config: %w", err)
	}
	cfg = cfg.withDefaults()
	deps = deps.withDefaults()
	o := &Office{cfg: cfg, deps: deps, party: "office " + cfg.Code, docs: map[string]*docState{},
		forwarded: map[string]*forwarded{}, retrievals: map[string]*Received{}, orphans: map[string][]Notification{}}
	var err error
	if o.key = deps.Key; o.key == nil {
		if o.key, err = newKey(deps.Rand); err != nil {
			return nil, fmt.Errorf("office %s: key: %w", cfg.Code, err)
		}
	}
	if o.certPEM, err = certificateFor(cfg.Code, o.key, deps.Rand, deps.Clock.Now()); err != nil {
		return nil, fmt.Errorf("office %s: certificate: %w", cfg.Code, err)
	}
	o.linkSecret = make([]byte, 32)
	if _, err := io.ReadFull(deps.Rand, o.linkSecret); err != nil {
		return nil, fmt.Errorf("office %s: link secret: %w", cfg.Code, err)
	}
	o.raw = deps.HTTPClient
	o.api = &http.Client{Timeout: deps.HTTPClient.Timeout, Transport: openapi.DAS().Transport(deps.HTTPClient.Transport,
		openapi.WithRecorder(o.deps.Recorder), openapi.WithParty(o.party))}
	o.tokens = deps.Tokens
	if o.tokens == nil {
		o.tokens = o.wipoTokens()
	}
	o.outbox = deps.Faults.Outbox(o.party)
	for _, d := range cfg.Documents {
		o.docs[d.ID()] = &docState{doc: d, hosting: d.HostedAt(cfg.DefaultHosting, cfg.TransitThreshold)}
	}
	if err := o.setUpAuth(); err != nil {
		return nil, err
	}
	o.handler = o.routes()
	return o, nil
}

// Close stops the background refresh of WIPO's JWKS.
func (o *Office) Close() {
	if o.stop != nil {
		o.stop()
	}
}

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

// Handler serves the office-side API under Config.BasePath, the office's own
// download links under FilesPath and, in setup B, its authorization server
// under /am/oauth2.
func (o *Office) Handler() http.Handler { return o.handler }

func (o *Office) routes() http.Handler {
	api := http.NewServeMux()
	b := o.cfg.BasePath
	api.Handle("POST "+b+"/retrievals", o.endpoint(o.receiveRetrieval))
	api.Handle("POST "+b+"/notifications", o.endpoint(o.receiveNotification))
	api.Handle("GET "+b+"/files/url-downloads", o.endpoint(o.downloadURLByAck))
	api.Handle("POST "+b+"/files/url-downloads", o.endpoint(o.downloadURLByDocument))
	api.Handle(b+"/", o.endpoint(o.notServed))
	validated := openapi.DAS().Middleware(o.verifier.Middleware(api),
		openapi.WithRecorder(o.deps.Recorder), openapi.WithParty(o.party))
	root := http.NewServeMux()
	root.Handle(b+"/", o.deps.Faults.Middleware(o.party, nil, validated))
	root.Handle("GET "+FilesPath+"{ack}", o.deps.Faults.Middleware(o.party,
		func(*http.Request) string { return faults.OpDownloadFile }, http.HandlerFunc(o.serveFile)))
	if o.as != nil {
		root.Handle("/am/oauth2/", o.as.Handler())
	}
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
