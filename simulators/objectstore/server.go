package objectstore

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/s3client"
)

// clock.Clock already has gofakes3's Now and Since, so the world's clock is
// handed to gofakes3 and s3mem as it is.
var _ gofakes3.TimeSource = clock.Clock(nil)

// Server is an in-memory S3 endpoint (gofakes3 with the s3mem backend)
// behind a front that authenticates every request the way S3 does, which
// gofakes3 does not do at all.
type Server struct {
	cfg           Config
	random        io.Reader
	objectCreated func(bucket, key string, size int64)
	backend       *s3mem.Backend
	fake          http.Handler
	ledger        *signatureLedger
	signer        *v4.Signer
	requestSeq    atomic.Uint64
}

// New builds a Server and creates its library and transit buckets.
func New(cfg Config, opts ...Option) (*Server, error) {
	s := &Server{random: defaultRandom()}
	for _, opt := range opts {
		opt(s)
	}
	cfg, err := cfg.withDefaults(s.random)
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("objectstore: invalid config: %w", err)
	}
	s.cfg = cfg
	s.backend = s3mem.New(s3mem.WithTimeSource(cfg.Clock))
	s.fake = gofakes3.New(s.backend,
		gofakes3.WithTimeSource(cfg.Clock),
		// The front checks x-amz-date skew itself, for header-signed and
		// presigned requests alike, with an S3-shaped answer.
		gofakes3.WithTimeSkewLimit(0),
		gofakes3.WithAutoBucket(false),
	).Server()
	s.ledger = newSignatureLedger(4096)
	s.signer = newVerifyingSigner()
	for _, b := range []string{cfg.LibraryBucket, cfg.TransitBucket} {
		if err := s.backend.CreateBucket(b); err != nil {
			return nil, fmt.Errorf("objectstore: creating bucket %s: %w", b, err)
		}
	}
	return s, nil
}

// Handler serves the S3 REST API (path-style addressing:
// /<bucket>/<key>). Requests are authenticated (presigned query or
// Authorization header, SigV4 only), PUT bodies checked, and only then
// handed to gofakes3.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(s.serveHTTP)
}

// StorageConfig returns what a Storage needs to reach this server at
// endpoint (e.g. an httptest server's URL), with the lowest-sorting
// configured credential.
func (s *Server) StorageConfig(endpoint string) s3client.StorageConfig {
	keys := make([]string, 0, len(s.cfg.Credentials))
	for k := range s.cfg.Credentials {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return s3client.StorageConfig{
		Endpoint: endpoint, Region: s.cfg.Region,
		AccessKey: keys[0], SecretKey: s.cfg.Credentials[keys[0]],
		Library: s.cfg.LibraryBucket, Transit: s.cfg.TransitBucket,
		Clock: s.cfg.Clock,
	}
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := fmt.Sprintf("%016X", s.requestSeq.Add(1))
	if err := s.front(w, r, requestID); err != nil {
		writeS3Error(w, r, err, requestID)
	}
}

// front authenticates r, checks an upload's declared size, then lets
// gofakes3 serve it through a body and a writer that can still turn a short
// or corrupt body into the right S3 error.
func (s *Server) front(w http.ResponseWriter, r *http.Request, requestID string) *S3Error {
	if r.Method == http.MethodOptions { // CORS preflight carries no credentials on S3 either
		s.fake.ServeHTTP(w, r)
		return nil
	}
	auth, err := s.authenticate(r)
	if err != nil {
		return err
	}
	bucket, key := splitPath(r.URL.Path)
	var body *checkedBody
	if r.Method == http.MethodPut && key != "" {
		if body, err = s.checkUpload(r, auth.payloadHash); err != nil {
			return err
		}
		r.Body = body
	}
	rec := &answerWriter{ResponseWriter: w, body: body, request: r, requestID: requestID}
	s.fake.ServeHTTP(rec, r)
	rec.finish()
	if auth.presigned && rec.status < 300 {
		s.ledger.remember(auth.signature, r.Method, r.Host, r.URL.EscapedPath())
	}
	if rec.status < 300 && s.objectCreated != nil && createsObject(r, key) {
		if obj, err := s.backend.HeadObject(bucket, key); err == nil {
			s.objectCreated(bucket, key, obj.Size)
		}
	}
	return nil
}

// splitPath splits a path-style request path into bucket and key.
func splitPath(p string) (bucket, key string) {
	bucket, key, _ = strings.Cut(strings.TrimPrefix(p, "/"), "/")
	return bucket, key
}

// createsObject tells whether a successful r stored an object: a PUT that is
// not a multipart part, or the POST completing a multipart upload.
func createsObject(r *http.Request, key string) bool {
	if key == "" {
		return false
	}
	q := r.URL.Query()
	switch r.Method {
	case http.MethodPut:
		return !q.Has("partNumber") && !q.Has("tagging") && !q.Has("acl")
	case http.MethodPost:
		return q.Has("uploadId")
	}
	return false
}

// Close ends the store's life. gofakes3 and its in-memory backend run no
// goroutines, so there is nothing to stop; it has the shape of every
// party's Close so a world closes each party alike.
func (s *Server) Close(context.Context) error { return nil }
