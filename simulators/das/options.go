package das

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/dasapi"
	"github.com/wipo-das/dasim/simulators/faults"
	"github.com/wipo-das/dasim/simulators/s3client"
)

// ObjectStore is the S3 API as the DAS uses it; *s3client.Storage is the
// implementation, against the embedded object store or any real S3.
type ObjectStore interface {
	Library() string
	Transit() string
	PresignPut(ctx context.Context, bucket, key, contentType string, ttl time.Duration) (s3client.Presigned, error)
	PresignGet(ctx context.Context, bucket, key string, ttl time.Duration) (s3client.Presigned, error)
	Get(ctx context.Context, bucket, key string) (io.ReadCloser, s3client.ObjectInfo, error)
	Put(ctx context.Context, bucket, key string, body io.Reader, size int64, contentType string) error
	Copy(ctx context.Context, srcBucket, srcKey, dstBucket, dstKey string) error
	Delete(ctx context.Context, bucket, key string) error
}

var _ ObjectStore = (*s3client.Storage)(nil)

// TokenSource gives DAS an access token for calls to one office: in setup A a
// token of WIPO's authorization server, in setup B one of the office's own
// (seeds: "DAS protocol necessitates bi-directional communication").
type TokenSource = dasapi.TokenSource

// TokenFunc adapts a function to TokenSource.
type TokenFunc = dasapi.TokenFunc

// OfficeEndpoint is where and how DAS calls an office: BaseURL is the office's
// API root including its base path (https://office.example/das/v1/requests).
type OfficeEndpoint struct {
	BaseURL string
	Tokens  TokenSource
}

// OfficeDirectory finds an office's endpoint by ST.3 code. An office without
// one is never called: its retrievals are answered by polling only, and
// documents it keeps at home cannot be retrieved (detail -101).
type OfficeDirectory interface {
	Endpoint(officeCode string) (OfficeEndpoint, bool)
}

// OfficeMap is a fixed OfficeDirectory.
type OfficeMap map[string]OfficeEndpoint

// Endpoint looks code up.
func (m OfficeMap) Endpoint(code string) (OfficeEndpoint, bool) { e, ok := m[code]; return e, ok }

// PCTSource is WIPO's PCT system, the only source of documents of PCT
// applications filed with RO/IB. Fetch returns the document's bytes, size and
// sha256 (lowercase hex). PCT DAS checks the retrieval key itself: a
// *protocol.DASError with detail -7, -12 or -14 ends the retrieval with that
// code; any other error is "PCT DAS unreachable" (-103).
type PCTSource interface {
	Fetch(ctx context.Context, documentNumber, documentDate, accessCode string) (body io.ReadCloser, size int64, sha256hex string, err error)
}

// Authenticator verifies a request's bearer token and client whitelist and
// returns the ST.3 code of the office calling; the DAS identifies callers by
// this code only. A refusal is returned, not written: an error with a WIPO
// answer (bearer's *Error) is written by the DAS in its own error shape.
type Authenticator func(r *http.Request) (officeCode string, err error)

// Option sets what the DAS runs with beyond its Config.
type Option func(*options)

// options are the parties and facilities the DAS runs with; each field
// notes the Option that sets it.
type options struct {
	ctx          context.Context  // WithContext
	clock        clock.Clock      // WithClock
	storage      ObjectStore      // WithStorage (required)
	authenticate Authenticator    // WithAuthentication (required)
	offices      OfficeDirectory  // WithOffices
	pct          PCTSource        // WithPCT
	httpClient   *http.Client     // WithHTTPClient
	recorder     openapi.Recorder // WithRecorder
	faults       *faults.Set      // WithFaults
	rand         io.Reader        // WithRandom
	logger       *slog.Logger     // WithLogger
}

// WithContext gives the DAS's background work the values of ctx (not its
// cancellation: Close ends that work).
func WithContext(ctx context.Context) Option { return func(o *options) { o.ctx = ctx } }

// WithClock is the world's clock (retention and retry timers, dates); default clock.System().
func WithClock(c clock.Clock) Option { return func(o *options) { o.clock = c } }

// WithStorage reaches the library and transit buckets. Required.
func WithStorage(s ObjectStore) Option { return func(o *options) { o.storage = s } }

// WithAuthentication verifies every API request (bearer.Verifier.Authenticate in the world). Required.
func WithAuthentication(a Authenticator) Option { return func(o *options) { o.authenticate = a } }

// WithOffices are the endpoints DAS calls (forwarded retrievals, notifications); default none.
func WithOffices(d OfficeDirectory) Option { return func(o *options) { o.offices = d } }

// WithPCT serves RO/IB documents; default none (such retrievals end with -103).
func WithPCT(p PCTSource) Option { return func(o *options) { o.pct = p } }

// WithHTTPClient carries DAS's calls to offices and presigned URLs; API calls
// go through the contract transport on top of its transport. Default
// (nil): http.DefaultTransport, as dasapi.Config.HTTPClient.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.httpClient = c } }

// WithRecorder receives every exchange DAS serves or makes.
func WithRecorder(r openapi.Recorder) Option { return func(o *options) { o.recorder = r } }

// WithFaults are the faults DAS itself commits, as party "das", so that an
// office client under test meets them: unreachable, 5xx or slow on any DAS
// operation; notifications to OSFs dropped, duplicated, delayed or out of order.
func WithFaults(s *faults.Set) Option { return func(o *options) { o.faults = s } }

// WithRandom is the source of identifiers (UUIDv4); default crypto/rand.
func WithRandom(r io.Reader) Option { return func(o *options) { o.rand = r } }

// WithLogger receives internal failures (never sent to callers); default: discard.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// newOptions applies opts, then fills the defaults (as gofakes3 does).
func newOptions(opts []Option) (options, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	var errs []error
	if o.storage == nil {
		errs = append(errs, errors.New("WithStorage is required (the S3 API of the library and transit buckets)"))
	}
	if o.authenticate == nil {
		errs = append(errs, errors.New("WithAuthentication is required (the bearer token check and client whitelist)"))
	}
	if o.clock == nil {
		o.clock = clock.System()
	}
	if o.offices == nil {
		o.offices = OfficeMap{}
	}
	if o.rand == nil {
		o.rand = rand.Reader
	}
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	return o, errors.Join(errs...)
}
