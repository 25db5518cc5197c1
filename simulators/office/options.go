package office

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/bearer"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/dasapi"
	"github.com/wipo-das/dasim/simulators/faults"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// TokenFunc gives an access token for the office's calls to DAS.
type TokenFunc = dasapi.TokenFunc

// Option sets what the office runs with beyond its Config.
type Option func(*options)

// options are the world's facilities the office runs with; each field
// notes the Option that sets it. Every one is optional.
type options struct {
	ctx         context.Context                                // WithContext
	clock       clock.Clock                                    // WithClock
	httpClient  *http.Client                                   // WithHTTPClient
	recorder    openapi.Recorder                               // WithRecorder
	faults      *faults.Set                                    // WithFaults
	tokens      dasapi.TokenSource                             // WithTokens
	wipoKeys    bearer.KeySource                               // WithWIPOKeys
	ownIssuer   string                                         // WithOwnAuthorizationServer
	ownKeys     bearer.KeySource                               // WithOwnAuthorizationServer
	key         *ecdsa.PrivateKey                              // WithKey
	rand        io.Reader                                      // WithRandom
	checkNumber func(documentNumber string) *protocol.DASError // WithNumberCheck
	logger      *slog.Logger                                   // WithLogger
}

// WithContext gives the office's background work the values of ctx (not
// its cancellation: Close ends that work).
func WithContext(ctx context.Context) Option { return func(o *options) { o.ctx = ctx } }

// WithClock is the world's clock; default clock.System().
func WithClock(c clock.Clock) Option { return func(o *options) { o.clock = c } }

// WithHTTPClient carries every outgoing call; API calls go through the
// contract transport on top of its transport. Default (nil):
// http.DefaultClient, for the DAS API client, the token client and the JWKS cache alike.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.httpClient = c } }

// WithRecorder receives every exchange the office serves or makes.
func WithRecorder(r openapi.Recorder) Option { return func(o *options) { o.recorder = r } }

// WithFaults makes the office misbehave on purpose (party "office <Code>").
func WithFaults(s *faults.Set) Option { return func(o *options) { o.faults = s } }

// WithTokens overrides how the office gets its tokens for DAS; default: the
// seeds' private_key_jwt client (clientauth.TokenClient) at Config.WIPOIssuer.
func WithTokens(t dasapi.TokenSource) Option { return func(o *options) { o.tokens = t } }

// WithWIPOKeys verifies DAS's tokens in setup A; default: WIPO's JWKS
// fetched from Config.WIPOJWKSURI (so WIPO's server must be up before New).
func WithWIPOKeys(k bearer.KeySource) Option { return func(o *options) { o.wipoKeys = k } }

// WithOwnAuthorizationServer is setup B: DAS's tokens come from the office's
// own authorization server, with this issuer and key set. The server is a
// party of its own (an authz.Server) that the world serves beside the office.
func WithOwnAuthorizationServer(issuer string, keys bearer.KeySource) Option {
	return func(o *options) { o.ownIssuer, o.ownKeys = issuer, keys }
}

// WithKey is the office's ES256 key; default: generated from the random source.
func WithKey(k *ecdsa.PrivateKey) Option { return func(o *options) { o.key = k } }

// WithRandom supplies keys, ack ids and the link-signing secret; default crypto/rand.
func WithRandom(r io.Reader) Option { return func(o *options) { o.rand = r } }

// WithNumberCheck vets the documentNumber of every forwarded retrieval
// before the library is searched (PCT DAS refuses numbers that are not
// PCT/IB<yyyy>/<nnnnnn>); its error is answered as is.
func WithNumberCheck(f func(documentNumber string) *protocol.DASError) Option {
	return func(o *options) { o.checkNumber = f }
}

// WithLogger receives what goes wrong in background work; default: discard.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// newOptions applies opts, then fills the defaults.
func newOptions(opts []Option) options {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.clock == nil {
		o.clock = clock.System()
	}
	if o.rand == nil {
		o.rand = rand.Reader
	}
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	return o
}
