package das

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/wipo-das/dasim/simulators/s3client"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/faults"
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
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// TokenFunc adapts a function to TokenSource.
type TokenFunc func(ctx context.Context) (string, error)

// Token calls f.
func (f TokenFunc) Token(ctx context.Context) (string, error) { return f(ctx) }

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

// Deps are the parties and facilities the DAS runs with.
type Deps struct {
	// Clock is the world's clock (retention and retry timers, dates).
	// Default clock.System().
	Clock clock.Clock
	// Storage reaches the library and transit buckets. Required.
	Storage ObjectStore
	// Authenticate wraps the API: it verifies the bearer token and the
	// client whitelist, answers 401/403 itself, and leaves the caller on the
	// request context. Required (bearer.Middleware in the world).
	Authenticate func(http.Handler) http.Handler
	// CallerOffice reads the ST.3 code of the authenticated office from a
	// request context; the DAS identifies callers by this code only. Required
	// (bearer.FromContext(ctx).OfficeCode in the world).
	CallerOffice func(ctx context.Context) (officeCode string, ok bool)
	// Offices are the endpoints DAS calls (forwarded retrievals,
	// notifications). Default: none.
	Offices OfficeDirectory
	// PCT serves RO/IB documents. Default: none (such retrievals end with -103).
	PCT PCTSource
	// HTTPClient carries DAS's calls to offices and presigned URLs; API calls
	// go through openapi.DAS().Transport on top of its transport.
	// Default: a client with http.DefaultTransport.
	HTTPClient *http.Client
	// Recorder receives every exchange DAS serves or makes. Optional.
	Recorder openapi.Recorder
	// Faults that DAS itself commits, as party "das", so that an office
	// client under test meets them: unreachable, 5xx or slow on any DAS
	// operation; notifications to OSFs dropped, duplicated, delayed or out of
	// order. Optional (nil: none).
	Faults *faults.Set
	// Rand is the source of identifiers (UUIDv4). Default crypto/rand.
	Rand io.Reader
	// Logger receives internal failures (never sent to callers). Default: discard.
	Logger *slog.Logger
}

func (d Deps) withDefaults() (Deps, error) {
	var errs []error
	if d.Storage == nil {
		errs = append(errs, errors.New("Deps.Storage is required"))
	}
	if d.Authenticate == nil {
		errs = append(errs, errors.New("Deps.Authenticate is required (the bearer token middleware)"))
	}
	if d.CallerOffice == nil {
		errs = append(errs, errors.New("Deps.CallerOffice is required (office code of the token's client)"))
	}
	if d.Clock == nil {
		d.Clock = clock.System()
	}
	if d.Offices == nil {
		d.Offices = OfficeMap{}
	}
	if d.HTTPClient == nil {
		d.HTTPClient = &http.Client{Transport: http.DefaultTransport}
	}
	if d.Rand == nil {
		d.Rand = rand.Reader
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return d, errors.Join(errs...)
}
