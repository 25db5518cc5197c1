package s3client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/wipo-das/dasim/simulators/clock"
)

// The S3 API's own limits and formats, which client and server agree on.
const (
	// MaxPresignExpiry is S3's limit on X-Amz-Expires: "must be less than a
	// week (in seconds) that is 604800" (AuthorizationQueryParametersError).
	MaxPresignExpiry = 7 * 24 * time.Hour
	// AmzDateFormat is SigV4's X-Amz-Date, ISO 8601 basic format in UTC.
	AmzDateFormat = "20060102T150405Z"
)

// StorageConfig says how to reach an S3-compatible endpoint: this
// simulated object store (objectstore.Server.StorageConfig) or any real one.
type StorageConfig struct {
	// Endpoint is the base URL (http://127.0.0.1:9000); empty means AWS's
	// own endpoint for Region. Addressing is path-style either way.
	Endpoint             string
	Region               string
	AccessKey, SecretKey string
	// Library and Transit are the bucket names of the DAS's two zones.
	Library, Transit string
	// Clock dates every signature and presigned URL; default clock.System().
	Clock clock.Clock
	// HTTPClient defaults to the SDK's own.
	HTTPClient *http.Client
}

// Storage is the DAS's only way to its documents: the S3 API through
// aws-sdk-go-v2, so the simulated object store can be swapped for a real S3.
type Storage struct {
	client           *s3.Client
	presign          *s3.PresignClient
	clock            clock.Clock
	library, transit string
}

// ErrObjectNotFound is wrapped by Head and Get when the key does not exist.
var ErrObjectNotFound = errors.New("s3client: object not found")

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	Bucket, Key  string
	Size         int64
	ContentType  string
	ETag         string
	LastModified time.Time
}

// Presigned is a URL an office uses without credentials. The office must
// send exactly SignedHeader (Host is implied by the URL) and must use it
// with Method before Expires.
type Presigned struct {
	Method, URL  string
	SignedHeader http.Header
	Expires      time.Time
}

// NewStorage builds an S3 client for cfg whose signing time is the world's
// clock: the SDK otherwise signs with the machine's time, and once the
// world's clock is advanced any S3 (and the simulated object store) answers
// RequestTimeTooSkewed.
func NewStorage(cfg StorageConfig) (*Storage, error) {
	if cfg.Region == "" || cfg.AccessKey == "" || cfg.SecretKey == "" || cfg.Library == "" || cfg.Transit == "" {
		return nil, errors.New("s3client: StorageConfig needs Region, AccessKey, SecretKey, Library and Transit")
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.System()
	}
	signer := clockSigner{signer: v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }), clock: cfg.Clock}
	opts := s3.Options{
		Region:       cfg.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(cfg.AccessKey, cfg.SecretKey, ""),
		UsePathStyle: true,
		HTTPSignerV4: signer,
		// Checksums only where S3 requires them: with "when supported" the
		// SDK sends aws-chunked bodies with trailers over TLS, which
		// gofakes3 stores verbatim (go-libs.md §4).
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}
	if cfg.Endpoint != "" {
		opts.BaseEndpoint = aws.String(cfg.Endpoint)
	}
	if cfg.HTTPClient != nil {
		opts.HTTPClient = cfg.HTTPClient
	}
	client := s3.New(opts)
	return &Storage{
		client:  client,
		presign: s3.NewPresignClient(client, func(o *s3.PresignOptions) { o.Presigner = signer }),
		clock:   cfg.Clock, library: cfg.Library, transit: cfg.Transit,
	}, nil
}

// Library is the bucket of permanently stored documents.
func (s *Storage) Library() string { return s.library }

// Transit is the bucket of documents kept only during an exchange.
func (s *Storage) Transit() string { return s.transit }

// PresignPut returns an upload URL valid for ttl (1 s to 7 days). Only
// Host is signed when contentType is empty, which is what the DAS should
// do: WIPO's sample office client PUTs raw bytes with its own
// Content-Type (application/pdf), and a signed Content-Type would turn any
// other value into SignatureDoesNotMatch. A non-empty contentType is
// signed, and the office must then send exactly that Content-Type.
func (s *Storage) PresignPut(ctx context.Context, bucket, key, contentType string, ttl time.Duration) (Presigned, error) {
	in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	if contentType != "" {
		in.ContentType = aws.String(contentType)
	}
	if err := checkTTL(ttl); err != nil {
		return Presigned{}, err
	}
	req, err := s.presign.PresignPutObject(ctx, in, s3.WithPresignExpires(ttl))
	return presigned(req, ttl, err)
}

// PresignGet returns a download URL valid for ttl (1 s to 7 days).
func (s *Storage) PresignGet(ctx context.Context, bucket, key string, ttl time.Duration) (Presigned, error) {
	if err := checkTTL(ttl); err != nil {
		return Presigned{}, err
	}
	req, err := s.presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)},
		s3.WithPresignExpires(ttl))
	return presigned(req, ttl, err)
}

func checkTTL(ttl time.Duration) error {
	if ttl < time.Second || ttl > MaxPresignExpiry {
		return fmt.Errorf("s3client: presign ttl %v outside S3's 1s..7d", ttl)
	}
	return nil
}

// presigned converts the SDK's answer; the expiry is computed from the
// X-Amz-Date the signer wrote, so it is exactly what S3 will enforce.
func presigned(req *v4.PresignedHTTPRequest, ttl time.Duration, err error) (Presigned, error) {
	if err != nil {
		return Presigned{}, fmt.Errorf("s3client: presign: %w", err)
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		return Presigned{}, fmt.Errorf("s3client: presign: %w", err)
	}
	signedAt, err := time.Parse(AmzDateFormat, u.Query().Get("X-Amz-Date"))
	if err != nil {
		return Presigned{}, fmt.Errorf("s3client: presign: X-Amz-Date: %w", err)
	}
	header := req.SignedHeader.Clone()
	header.Del("Host") // implied by the URL; Go's client sets it from there
	return Presigned{Method: req.Method, URL: req.URL, SignedHeader: header, Expires: signedAt.Add(ttl.Truncate(time.Second))}, nil
}

// clockSigner is the SDK's SigV4 signer with the signing time replaced by
// the world's clock. It is set as s3.Options.HTTPSignerV4 and as the
// presigner; both receive a signing time from the SDK (the machine's clock
// plus any skew correction) and ignore it.
type clockSigner struct {
	signer *v4.Signer
	clock  clock.Clock
}

var (
	_ s3.HTTPSignerV4    = clockSigner{}
	_ s3.HTTPPresignerV4 = clockSigner{}
)

func (c clockSigner) SignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string,
	_ time.Time, optFns ...func(*v4.SignerOptions)) error {
	return c.signer.SignHTTP(ctx, creds, r, payloadHash, service, region, c.clock.Now(), optFns...)
}

func (c clockSigner) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string,
	_ time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	signedAt := c.clock.Now()
	if t, ok := ctx.Value(signingTimeKey{}).(time.Time); ok {
		signedAt = t
	}
	return c.signer.PresignHTTP(ctx, creds, r, payloadHash, service, region, signedAt, optFns...)
}

type signingTimeKey struct{}

// WithSigningTime makes presigned URLs made with ctx carry the signing time
// t instead of the clock's now. A fault uses it to hand out a URL that
// expired before it was handed out; S3 then refuses it with "Request has
// expired", exactly as a URL that sat too long in a client's queue.
func WithSigningTime(ctx context.Context, t time.Time) context.Context {
	return context.WithValue(ctx, signingTimeKey{}, t)
}

// isNotFound recognises S3's answers for a missing key (NoSuchKey on GET,
// a bare 404 NotFound on HEAD).
func isNotFound(err error) bool {
	var noKey *types.NoSuchKey
	var notFound *types.NotFound
	return errors.As(err, &noKey) || errors.As(err, &notFound)
}

// copySource is "bucket/key" with the key URL-encoded per segment and "+"
// escaped too, which S3 and gofakes3 (which query-unescapes) both decode
// back to the same key.
func copySource(bucket, key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = strings.ReplaceAll(url.PathEscape(s), "+", "%2B")
	}
	return bucket + "/" + strings.Join(segs, "/")
}
