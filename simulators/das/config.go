package das

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/protocol"
	"github.com/wipo-das/dasim/simulators/retry"
)

// Defaults of Config.
const (
	// DefaultUploadURLTTL is how long a presigned upload URL stays valid
	// (das-domain.md §4: "URL expiry (e.g. 15 min)").
	DefaultUploadURLTTL = 15 * time.Minute
	// DefaultDownloadURLTTL is how long a presigned download URL stays valid.
	DefaultDownloadURLTTL = 15 * time.Minute
	// DefaultTransitRetention: "if OSF does not delete the downloaded file,
	// WIPO DAS will delete it after a pre-defined period (e.g. 1 week)" (seeds, c.2).
	DefaultTransitRetention = 7 * 24 * time.Hour
	// DefaultMaxFileSize bounds an accepted upload (the object store's own bound).
	DefaultMaxFileSize int64 = 1 << 30
	// DefaultMaxOpenUploadURLs bounds, per office, the upload URLs issued
	// and not yet uploaded to (docs/limits.md).
	DefaultMaxOpenUploadURLs = 100
	// DefaultMaxTransitBytes bounds, per office, the bytes of its uploads
	// held in the transit zone before a registration or retrieval uses them.
	DefaultMaxTransitBytes int64 = 4 << 30
	// DefaultOutboundTimeout bounds one call of DAS to an office or PCT DAS,
	// in real time (it guards against a hung socket, not a protocol deadline).
	DefaultOutboundTimeout = 30 * time.Second
)

// DefaultBasePaths are both prefixes WIPO uses (das.yaml servers.basePath).
func DefaultBasePaths() []string { return openapi.DASBasePaths() }

// DefaultIP5Offices are the offices whose documents DAS keeps in transit only.
func DefaultIP5Offices() []string { return []string{"EP", "US", "JP", "KR", "CN"} }

// RetryPolicy is how DAS repeats a call to an office that is down or answers
// 5xx (retry.Policy): attempt 1 at once, attempt n+1 after
// FirstDelay*Factor^(n-1), capped at MaxDelay, up to MaxAttempts in all;
// each attempt bounded by OutboundTimeout. Delivery is therefore at least
// once (das.yaml notify: "receivers must accept a repeat").
type RetryPolicy = retry.Policy

// Config configures a Server. Zero fields take the defaults above.
type Config struct {
	// BasePaths the API is served under; default DefaultBasePaths().
	BasePaths []string
	// UploadURLTTL is the validity of presigned upload URLs; default 15 min.
	UploadURLTTL time.Duration
	// DownloadURLTTL is the validity of presigned download URLs; default 15 min.
	DownloadURLTTL time.Duration
	// TransitRetention is how long a transit file lives when nobody deletes
	// it; default 7 days. One clock timer per file.
	TransitRetention time.Duration
	// MaxFileSize is the largest upload accepted; default 1 GiB.
	MaxFileSize int64
	// MaxOpenUploadURLs an office may hold (issued, not uploaded to, not
	// expired); one more is refused with 409, detail -33. Default 100.
	MaxOpenUploadURLs int
	// MaxTransitBytes of an office's uploads not yet used by a registration
	// or retrieval; a URL asked beyond it is refused (409, -33), and an
	// upload that would pass it is REJECTED and its bytes freed. Default 4 GiB.
	MaxTransitBytes int64
	// IP5Offices keep their documents at home; default DefaultIP5Offices().
	IP5Offices []string
	// ErrorShape of every error body: protocol.ShapeFlat (default, WIPO since
	// 2024-03-04) or protocol.ShapeWrapped ({"error": {...}}).
	ErrorShape protocol.ErrorShape
	// Retry governs forwarded retrievals and notifications to offices.
	Retry RetryPolicy
	// OutboundTimeout bounds one HTTP call of DAS in real time; default 30s.
	OutboundTimeout time.Duration
	// OFFDeadline is how long DAS waits, on the world clock, for an OFF to
	// notify a forwarded retrieval before ending it with detail -105;
	// default 7 days (as long as DAS keeps a transit file; WIPO documents no
	// deadline, but a retrieval must never stay pending forever).
	OFFDeadline time.Duration
	// Defects switch on deliberate faults (dasim serve --defect); the zero
	// value is a correct DAS.
	Defects Defects
}

// withDefaults returns c with every zero field set to its default.
func (c Config) withDefaults() Config {
	if len(c.BasePaths) == 0 {
		c.BasePaths = DefaultBasePaths()
	}
	if c.UploadURLTTL == 0 {
		c.UploadURLTTL = DefaultUploadURLTTL
	}
	if c.DownloadURLTTL == 0 {
		c.DownloadURLTTL = DefaultDownloadURLTTL
	}
	if c.TransitRetention == 0 {
		c.TransitRetention = DefaultTransitRetention
	}
	if c.MaxFileSize == 0 {
		c.MaxFileSize = DefaultMaxFileSize
	}
	if c.MaxOpenUploadURLs == 0 {
		c.MaxOpenUploadURLs = DefaultMaxOpenUploadURLs
	}
	if c.MaxTransitBytes == 0 {
		c.MaxTransitBytes = DefaultMaxTransitBytes
	}
	if c.IP5Offices == nil {
		c.IP5Offices = DefaultIP5Offices()
	}
	if c.Retry.MaxAttempts == 0 {
		c.Retry.MaxAttempts = 6
	}
	if c.Retry.FirstDelay == 0 {
		c.Retry.FirstDelay = 30 * time.Second
	}
	if c.Retry.Factor == 0 {
		c.Retry.Factor = 2
	}
	if c.Retry.MaxDelay == 0 {
		c.Retry.MaxDelay = 10 * time.Minute
	}
	if c.OutboundTimeout == 0 {
		c.OutboundTimeout = DefaultOutboundTimeout
	}
	if c.Retry.AttemptTimeout == 0 {
		c.Retry.AttemptTimeout = c.OutboundTimeout
	}
	if c.OFFDeadline == 0 {
		c.OFFDeadline = DefaultTransitRetention
	}
	return c
}

// Validate reports every problem of c (after defaults) at once.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	for _, p := range c.BasePaths {
		if !strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") {
			bad("BasePaths: %q must start with / and not end with /", p)
		}
	}
	// S3 refuses presigned URLs valid for a week or more (X-Amz-Expires < 604800).
	for name, ttl := range map[string]time.Duration{"UploadURLTTL": c.UploadURLTTL, "DownloadURLTTL": c.DownloadURLTTL} {
		if ttl < time.Second || ttl >= 7*24*time.Hour {
			bad("%s: %v must be between 1s and 7 days (S3's presigned URL bounds)", name, ttl)
		}
	}
	if c.TransitRetention < 0 {
		bad("TransitRetention: %v must be positive", c.TransitRetention)
	}
	if c.MaxFileSize < 1 {
		bad("MaxFileSize: %d must be at least 1 byte", c.MaxFileSize)
	}
	if c.MaxOpenUploadURLs < 1 || c.MaxTransitBytes < 1 {
		bad("MaxOpenUploadURLs %d and MaxTransitBytes %d must be at least 1", c.MaxOpenUploadURLs, c.MaxTransitBytes)
	}
	for _, o := range c.IP5Offices {
		if !isOfficeCode(o) {
			bad("IP5Offices: %q is not an ST.3 two-letter code", o)
		}
	}
	if c.ErrorShape != protocol.ShapeFlat && c.ErrorShape != protocol.ShapeWrapped {
		bad("ErrorShape: %d is neither ShapeFlat nor ShapeWrapped", c.ErrorShape)
	}
	if err := c.Retry.Validate("Retry"); err != nil {
		errs = append(errs, err)
	}
	if c.OutboundTimeout < 0 {
		bad("OutboundTimeout: %v must be positive", c.OutboundTimeout)
	}
	if c.OFFDeadline < 0 {
		bad("OFFDeadline: %v must be positive", c.OFFDeadline)
	}
	return errors.Join(errs...)
}

func isOfficeCode(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// Config is the server's effective configuration, defaults filled in.
func (s *Server) Config() Config { return s.cfg }
