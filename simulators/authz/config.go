package authz

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// Profile selects which assertions the server accepts
// (protocol.ProfileWIPO, lifetimes up to 1000 s, a jti when present still
// single use; or protocol.ProfileFAPI).
type Profile = protocol.Profile

// The profiles and scopes, under the names the server's callers know.
const (
	ProfileWIPO         = protocol.ProfileWIPO
	ProfileFAPI         = protocol.ProfileFAPI
	ScopeDASAccess      = protocol.ScopeDASAccess
	ScopeOfficeExchange = protocol.ScopeOfficeExchange
)

// Config configures a Server. Zero fields take the defaults of Defaults.
type Config struct {
	// BaseURL is scheme://host[:port] of the server; the issuer is
	// BaseURL + "/am/oauth2" as on WIPO's AM.
	BaseURL string
	Profile Profile
	Clock   clock.Clock
	// Rand supplies keys and identifiers (crypto/rand.Reader by default).
	Rand io.Reader
	// TokenLifetime of access tokens; WIPO's are 3600 s.
	TokenLifetime time.Duration
	// Skew is the leeway for exp, nbf and iat (RFC 7519 §4.1.4 "some small
	// leeway"). FAPI 2.0 §5.3.2.1 wants +10 s accepted and +60 s refused.
	Skew time.Duration
	// MaxAssertionLifetime bounds exp - iat (or exp - now without iat)
	// (RFC 7523 §3 item 4: "may reject JWTs with an exp claim value that is
	// unreasonably far in the future"). WIPO's sample client uses 1000 s.
	MaxAssertionLifetime time.Duration
	// RequireKID refuses assertions without kid even for one-key clients (N24).
	RequireKID bool
	// Scopes the server knows; others are invalid_scope (N62).
	Scopes []string
}

// Defaults returns the configuration of profile p.
func Defaults(p Profile) Config {
	c := Config{Profile: p, TokenLifetime: time.Hour, Skew: 10 * time.Second,
		MaxAssertionLifetime: 1000 * time.Second, Scopes: []string{ScopeDASAccess, ScopeOfficeExchange}}
	if p == ProfileFAPI {
		c.MaxAssertionLifetime = 300 * time.Second
	}
	return c
}

func (c Config) withDefaults() Config {
	if c.Profile == "" {
		c.Profile = ProfileWIPO
	}
	d := Defaults(c.Profile)
	if c.Clock == nil {
		c.Clock = clock.System()
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	if c.TokenLifetime == 0 {
		c.TokenLifetime = d.TokenLifetime
	}
	if c.Skew == 0 {
		c.Skew = d.Skew
	}
	if c.MaxAssertionLifetime == 0 {
		c.MaxAssertionLifetime = d.MaxAssertionLifetime
	}
	if c.Scopes == nil {
		c.Scopes = d.Scopes
	}
	c.BaseURL = strings.TrimSuffix(c.BaseURL, "/")
	return c
}

// Validate reports every problem of c at once.
func (c Config) Validate() error {
	var errs []error
	if u, err := url.Parse(c.BaseURL); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.Path != "" {
		errs = append(errs, fmt.Errorf("BaseURL %q: want scheme://host[:port] without a path", c.BaseURL))
	}
	if c.Profile != ProfileWIPO && c.Profile != ProfileFAPI {
		errs = append(errs, fmt.Errorf("Profile %q: want %q or %q", c.Profile, ProfileWIPO, ProfileFAPI))
	}
	if c.TokenLifetime < time.Second {
		errs = append(errs, fmt.Errorf("TokenLifetime %v: want at least 1s", c.TokenLifetime))
	}
	if c.Skew < 0 || c.MaxAssertionLifetime <= 0 {
		errs = append(errs, fmt.Errorf("Skew %v / MaxAssertionLifetime %v: want >= 0 / > 0", c.Skew, c.MaxAssertionLifetime))
	}
	for _, s := range c.Scopes {
		if !validScopeToken(s) {
			errs = append(errs, fmt.Errorf("scope %q: outside NQCHAR (RFC 6749 §3.3)", s))
		}
	}
	return errors.Join(errs...)
}

// Issuer is the issuer identifier: BaseURL + "/am/oauth2".
func (c Config) Issuer() string { return c.BaseURL + "/am/oauth2" }

// TokenEndpoint is Issuer + "/access_token".
func (c Config) TokenEndpoint() string { return c.Issuer() + "/access_token" }

// JWKSURI is AM's default key set path, Issuer + "/connect/jwk_uri".
func (c Config) JWKSURI() string { return c.Issuer() + "/connect/jwk_uri" }
