package objectstore

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/johannesboyne/gofakes3"

	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/s3client"
)

// Defaults of Config.
const (
	DefaultRegion        = "us-east-1"
	DefaultLibraryBucket = "das-library"
	DefaultTransitBucket = "das-transit"
	DefaultMaxObjectSize = 1 << 30 // 1 GiB

	// MaxPresignExpiry is S3's limit on X-Amz-Expires (s3client.MaxPresignExpiry).
	MaxPresignExpiry = s3client.MaxPresignExpiry
	// MaxClockSkew is how far S3 lets a request's X-Amz-Date stray from its
	// own clock before RequestTimeTooSkewed: 15 minutes.
	MaxClockSkew = 15 * time.Minute
)

// Config describes one object store. The zero value is usable: every empty
// field takes its default in New.
type Config struct {
	// Region is the SigV4 signing region clients must use. Default us-east-1.
	Region string
	// Credentials maps access key id to secret access key. Default: one pair
	// generated from the Option WithRandom source (see Server.StorageConfig).
	Credentials map[string]string
	// LibraryBucket holds documents permanently (das-domain.md: library).
	LibraryBucket string
	// TransitBucket holds documents during an exchange only (transit zone).
	TransitBucket string
	// MaxObjectSize bounds a single PUT; larger uploads get EntityTooLarge.
	MaxObjectSize int64
	// Clock is the world's clock: presigned URL expiry, request skew and
	// object timestamps read it. Default clock.System().
	Clock clock.Clock
}

// Option changes a Server at construction.
type Option func(*Server)

// WithObjectCreated registers f, called once an object has been stored by a
// PUT, a copy or a completed multipart upload, with the stored size. It runs
// on the request's goroutine before the uploader gets its answer, so keep it
// short. The DAS may use it to check uploads eagerly; it must not depend on
// it, since a real S3 endpoint has no such hook.
func WithObjectCreated(f func(bucket, key string, size int64)) Option {
	return func(s *Server) { s.objectCreated = f }
}

// WithRandom sets where generated credentials come from (default crypto/rand).
func WithRandom(r io.Reader) Option { return func(s *Server) { s.random = r } }

// withDefaults returns c with every empty field defaulted.
func (c Config) withDefaults(random io.Reader) (Config, error) {
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	if c.LibraryBucket == "" {
		c.LibraryBucket = DefaultLibraryBucket
	}
	if c.TransitBucket == "" {
		c.TransitBucket = DefaultTransitBucket
	}
	if c.MaxObjectSize == 0 {
		c.MaxObjectSize = DefaultMaxObjectSize
	}
	if c.Clock == nil {
		c.Clock = clock.System()
	}
	if len(c.Credentials) == 0 {
		key, secret, err := generateCredentials(random)
		if err != nil {
			return c, err
		}
		c.Credentials = map[string]string{key: secret}
	}
	return c, nil
}

// Validate reports every problem of c at once.
func (c Config) Validate() error {
	var errs []error
	for _, b := range []string{c.LibraryBucket, c.TransitBucket} {
		if err := gofakes3.ValidateBucketName(b); err != nil {
			errs = append(errs, fmt.Errorf("bucket %q: %w", b, err))
		}
	}
	if c.LibraryBucket == c.TransitBucket {
		errs = append(errs, fmt.Errorf("library and transit bucket are both %q: they must differ", c.LibraryBucket))
	}
	if c.MaxObjectSize < 0 {
		errs = append(errs, fmt.Errorf("MaxObjectSize %d is negative", c.MaxObjectSize))
	}
	for key, secret := range c.Credentials {
		if key == "" || secret == "" {
			errs = append(errs, fmt.Errorf("credential %q: access key and secret must not be empty", key))
		}
	}
	return errors.Join(errs...)
}

// generateCredentials makes an AWS-shaped pair: a 20-character access key id
// starting with AKIA and a 40-character secret.
func generateCredentials(random io.Reader) (key, secret string, err error) {
	b := make([]byte, 40)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", "", fmt.Errorf("objectstore: generating credentials: %w", err)
	}
	key = "AKIA" + base32.StdEncoding.EncodeToString(b[:10])[:16]
	secret = base64.RawStdEncoding.EncodeToString(b[10:])[:40]
	return key, secret, nil
}

func defaultRandom() io.Reader { return rand.Reader }
