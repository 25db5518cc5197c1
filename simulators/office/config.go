package office

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/priority"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// Hosting is where an OFF keeps a document (priority.Hosting).
type Hosting = priority.Hosting

// The hostings, under the office's names.
const (
	Library = priority.Library
	Home    = priority.Home
	Transit = priority.Transit
)

// AuthSetup is how the office authenticates DAS when DAS calls it (seeds:
// "DAS protocol necessitates bi-directional communication"; das-domain.md §3,
// WIPO→OFF calls).
type AuthSetup string

const (
	// SetupA: the office validates WIPO's tokens through WIPO's JWKS and
	// whitelists DAS's client id ("Option 1 WIPO OpenAM token").
	SetupA AuthSetup = "A"
	// SetupB: the office runs its own authorization server where DAS is a
	// registered private_key_jwt client ("Option 2 office's own OAuth server").
	SetupB AuthSetup = "B"
)

// Defaults of Config.
const (
	DefaultBasePath         = "/das/v1/requests"
	DefaultDASClientID      = "das-api-auth" // the seeds' client id
	DefaultTransitThreshold = 8 << 20
	DefaultPrepareDelay     = 2 * time.Second
	DefaultDownloadURLTTL   = 15 * time.Minute
	DefaultRetryDelay       = 30 * time.Second
	DefaultMaxAttempts      = 5
	// FilesPath is where the office serves its own signed download links
	// (outside das.yaml: DAS GETs them with no Authorization header).
	FilesPath = "/office/v1/files/"
)

// Config configures an Office. Zero fields take the defaults above.
type Config struct {
	// Code is the office's ST.3 code (EE, JP, IB ...). Required.
	Code string
	// ClientID at WIPO's authorization server; default "das-office-" + lower(Code).
	ClientID string
	// BaseURL is scheme://host:port where Handler is served (download links
	// and, in setup B, the office's issuer derive from it). Required.
	BaseURL string
	// BasePath of the office-side API; default /das/v1/requests.
	BasePath string
	// DASBaseURL is DAS's API root including its base path
	// (http://127.0.0.1:8080/das/v1/requests). Needed for every outgoing call;
	// empty only for an office that never calls DAS.
	DASBaseURL string
	// WIPOIssuer is WIPO's authorization server (<base>/am/oauth2): the office
	// gets its own tokens there, and in setup A verifies DAS's tokens with its
	// JWKS. Required unless WithTokens is given and Setup is B.
	WIPOIssuer string
	// WIPOJWKSURI defaults to WIPOIssuer + "/connect/jwk_uri" (AM's path).
	WIPOJWKSURI string
	// Setup is SetupA (default) or SetupB.
	Setup AuthSetup
	// DASClientID is the client id DAS uses when it calls the office; it is
	// whitelisted (A) or registered at the office's own server (B).
	DASClientID string
	// TokenAudience is the aud DAS's tokens must carry: the resource
	// indicator an authorization server such as oidc-provider writes (RFC
	// 9068 section 3); empty: DAS's client id, as WIPO's AM writes it.
	TokenAudience string
	// Scope asked for and required; default das-api/office-exchange.
	Scope string
	// Profile of the world's authorization servers: the office signs its
	// assertions for WIPO's server in it, and runs its own server (setup B)
	// in it. Default protocol.ProfileWIPO.
	Profile protocol.Profile
	// Documents of the office's digital library.
	Documents []Document
	// DefaultHosting of documents that name none and are not above
	// TransitThreshold; default Library.
	DefaultHosting Hosting
	// TransitThreshold: a document naming no hosting and larger than this
	// many bytes goes through the transit zone (c.3); default 8 MiB.
	TransitThreshold int64
	// PrepareDelay is how long, on the world clock, the OFF takes to prepare
	// a forwarded retrieval before it notifies DAS; default 2s. Negative:
	// prepared within the forwarded POST retrievals (files/url-downloads
	// answers at once; DAS is not notified: PCT DAS's synchronous source).
	PrepareDelay time.Duration
	// DownloadURLTTL is the validity of the office's own download links (c.2).
	DownloadURLTTL time.Duration
	// RetryDelay and MaxAttempts govern the office's notifications and calls
	// DAS answers with 5xx, 404 (an ack DAS has not recorded yet) or not at all.
	RetryDelay  time.Duration
	MaxAttempts int
	// DeleteAfterDownload makes Download DELETE the transit file (c.1 step 2e).
	DeleteAfterDownload bool
	// OSFDefects break the OSF side on purpose (dasim osf-client --defect).
	OSFDefects OSFDefects
	// ErrorShape of the office's error bodies; default protocol.ShapeFlat.
	ErrorShape protocol.ErrorShape
	// Defects break the protocol on purpose (dasim office --defect), so
	// that certification can be shown to catch them. Zero: a correct office.
	Defects Defects
}

func (c Config) withDefaults() Config {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&c.ClientID, "das-office-"+strings.ToLower(c.Code))
	def(&c.BasePath, DefaultBasePath)
	if c.WIPOIssuer != "" {
		def(&c.WIPOJWKSURI, strings.TrimSuffix(c.WIPOIssuer, "/")+"/connect/jwk_uri")
	}
	def((*string)(&c.Setup), string(SetupA))
	def(&c.DASClientID, DefaultDASClientID)
	def(&c.Scope, protocol.ScopeOfficeExchange)
	def((*string)(&c.DefaultHosting), string(Library))
	if c.TransitThreshold == 0 {
		c.TransitThreshold = DefaultTransitThreshold
	}
	if c.PrepareDelay == 0 {
		c.PrepareDelay = DefaultPrepareDelay
	}
	if c.DownloadURLTTL == 0 {
		c.DownloadURLTTL = DefaultDownloadURLTTL
	}
	if c.RetryDelay == 0 {
		c.RetryDelay = DefaultRetryDelay
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	c.BaseURL = strings.TrimSuffix(c.BaseURL, "/")
	c.DASBaseURL = strings.TrimSuffix(c.DASBaseURL, "/")
	return c
}

var officeCode = regexp.MustCompile(`^[A-Z]{2}$`)

// Validate reports every problem of c (after defaults) at once.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !officeCode.MatchString(c.Code) {
		bad("Code: %q is not an ST.3 two-letter code", c.Code)
	}
	checkURL := func(name, u string) {
		if p, err := url.Parse(u); err != nil || p.Host == "" || (p.Scheme != "http" && p.Scheme != "https") {
			bad("%s: %q must be an absolute http(s) URL", name, u)
		}
	}
	checkURL("BaseURL", c.BaseURL)
	if c.Profile != "" && c.Profile != protocol.ProfileWIPO && c.Profile != protocol.ProfileFAPI {
		bad("Profile: %q is neither %s nor %s", c.Profile, protocol.ProfileWIPO, protocol.ProfileFAPI)
	}
	if c.DASBaseURL != "" { // empty: an office that never calls DAS (PCT DAS as a synchronous source)
		checkURL("DASBaseURL", c.DASBaseURL)
	}
	if paths := openapi.DASBasePaths(); !slices.Contains(paths, c.BasePath) {
		bad("BasePath: %q is neither %s (das.yaml servers)", c.BasePath, strings.Join(paths, " nor "))
	}
	if c.Setup != SetupA && c.Setup != SetupB {
		bad("Setup: %q is neither A nor B", c.Setup)
	}
	if c.Setup == SetupA && c.WIPOIssuer == "" {
		bad("WIPOIssuer: required in setup A (DAS's tokens are verified with WIPO's JWKS)")
	}
	switch c.DefaultHosting {
	case Library, Home, Transit:
	default:
		bad("DefaultHosting: %q is not library, home or transit", c.DefaultHosting)
	}
	if c.TransitThreshold < 0 || c.DownloadURLTTL < 0 || c.RetryDelay < 0 || c.MaxAttempts < 0 {
		bad("TransitThreshold, DownloadURLTTL, RetryDelay and MaxAttempts must not be negative")
	}
	seen := map[string]bool{}
	for i, d := range c.Documents {
		if err := d.Validate(c.Code); err != nil {
			bad("Documents[%d]: %w", i, err)
		}
		if seen[d.ID()] {
			bad("Documents[%d]: %s %s appears twice", i, d.KindCategory(), d.Number)
		}
		seen[d.ID()] = true
	}
	return errors.Join(errs...)
}
