package bearer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// Config configures a Verifier.
type Config struct {
	// Issuer is the iss every token must carry, e.g. https://host/am/oauth2.
	Issuer string
	Keys   KeySource
	// Algorithm pinned for access tokens; "" means RS256, what AM signs with.
	Algorithm string
	// Audiences accepted; empty means aud must name the token's own client
	// (ForgeRock AM stateless tokens carry aud = client id).
	Audiences []string
	// Scopes: the token must carry at least one of them (WIPO renamed
	// das-api/das-access to das-api/office-exchange). Empty: no scope check.
	Scopes []string
	// Whitelist maps client ids to ST.3 office codes (two upper-case
	// letters). Clients not in it are refused with 403 (R11).
	Whitelist map[string]string
	// TokenType, when set, is the required typ header (RFC 9068 §4: at+jwt).
	// AM writes typ JWT, so the default checks nothing (R9 switch).
	TokenType string
	Clock     clock.Clock
	Skew      time.Duration // leeway for exp and nbf; default 0
	Realm     string        // WWW-Authenticate realm; default "DAS"
	CacheSize int           // verified tokens kept; default 10000
}

// Verifier checks bearer tokens. It is safe for concurrent use.
type Verifier struct {
	cfg       Config
	cache     tokenCache
	mu        sync.RWMutex
	whitelist map[string]string
	revoked   map[string]bool
	alg       jwa.SignatureAlgorithm // cfg.Algorithm, resolved once
}

// New returns a verifier; Issuer and Keys are required.
func New(cfg Config) (*Verifier, error) {
	var errs []error
	if cfg.Issuer == "" {
		errs = append(errs, errors.New("Issuer is required"))
	}
	if cfg.Keys == nil {
		errs = append(errs, errors.New("Keys is required"))
	}
	if cfg.Algorithm == "" {
		cfg.Algorithm = "RS256"
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.System()
	}
	if cfg.Realm == "" {
		cfg.Realm = "DAS"
	}
	if cfg.CacheSize <= 0 {
		cfg.CacheSize = 10000
	}
	alg, ok := jwa.LookupSignatureAlgorithm(cfg.Algorithm)
	if !ok {
		errs = append(errs, fmt.Errorf("Algorithm %q is not a JWS signature algorithm", cfg.Algorithm))
	}
	v := &Verifier{cfg: cfg, cache: tokenCache{max: cfg.CacheSize}, whitelist: map[string]string{}, revoked: map[string]bool{}, alg: alg}
	for id, code := range cfg.Whitelist {
		if err := v.Allow(id, code); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("bearer: config: %w", err)
	}
	return v, nil
}

// Allow whitelists clientID as acting for the office with ST.3 code office.
func (v *Verifier) Allow(clientID, office string) error {
	if !validOfficeCode(office) {
		return fmt.Errorf("client %q: office code %q is not an ST.3 code (two upper-case letters)", clientID, office)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.whitelist[clientID] = office
	return nil
}

// Disallow removes clientID from the whitelist.
func (v *Verifier) Disallow(clientID string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	delete(v.whitelist, clientID)
}

// Revoke refuses the token with this jti from now on (R12).
func (v *Verifier) Revoke(tokenID string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.revoked[tokenID] = true
}

func validOfficeCode(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// Verify checks a token string: signature, claims, time, whitelist, scope.
func (v *Verifier) Verify(ctx context.Context, token string) (*Principal, error) {
	p, e := v.verify(ctx, token, nil)
	if e != nil {
		return nil, e
	}
	return p, nil
}

// verify returns a fresh Principal; peer is the TLS client certificate
// thumbprint for R13 (nil without TLS client authentication).
func (v *Verifier) verify(ctx context.Context, token string, peer []string) (*Principal, *Error) {
	t := v.cache.get(token)
	if t == nil {
		var e *Error
		if t, e = v.verifyCold(ctx, token); e != nil {
			return nil, e
		}
		v.cache.put(token, t, v.cfg.Clock.Now())
	}
	office, e := v.authorize(t, peer)
	if e != nil {
		return nil, e
	}
	return &Principal{ClientID: t.clientID, OfficeCode: office, Scopes: t.scopes, TokenID: t.jti, ExpiresAt: t.exp}, nil
}

// authorize runs the checks that can change between two uses of a token,
// and returns the office the token's client is whitelisted for.
func (v *Verifier) authorize(t *verified, peer []string) (string, *Error) {
	now := v.cfg.Clock.Now()
	// RFC 7519 §4.1.4/§4.1.5.
	if !now.Before(t.exp.Add(v.cfg.Skew)) {
		return "", invalidToken("R6", "token expired at %s, clock is %s", stamp(t.exp), stamp(now))
	}
	if !t.nbf.IsZero() && t.nbf.After(now.Add(v.cfg.Skew)) {
		return "", invalidToken("R6", "token not valid before %s, clock is %s", stamp(t.nbf), stamp(now))
	}
	if t.cnfX5t != "" && !contains(peer, t.cnfX5t) {
		return "", invalidToken("R13", "token is bound to the client certificate with x5t#S256 %s, but the request presented %s (RFC 8705 section 3)", t.cnfX5t, certList(peer))
	}
	v.mu.RLock()
	revoked := v.revoked[t.jti]
	office, listed := v.whitelist[t.clientID]
	v.mu.RUnlock()
	if revoked {
		return "", invalidToken("R12", "token %s has been revoked", t.jti)
	}
	if !listed {
		// The refusal names the caller only: which other clients (and
		// offices) are whitelisted is none of its business.
		return "", fail(http.StatusForbidden, "insufficient_scope", "R11", protocol.DetailNotAuthorizedClient,
			"client '%s' (token sub) is not whitelisted for this API: ask the API's operator to whitelist it for its office", t.clientID)
	}
	if len(v.cfg.Scopes) > 0 && !anyOf(t.scopes, v.cfg.Scopes) {
		e := fail(http.StatusForbidden, "insufficient_scope", "R10", DetailInsufficientScope,
			"token scope [%s] lacks %s (RFC 6750 section 3.1)", strings.Join(t.scopes, " "), strings.Join(v.cfg.Scopes, " or "))
		e.Scope = strings.Join(v.cfg.Scopes, " ")
		return "", e
	}
	return office, nil
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func anyOf(have, want []string) bool {
	for _, w := range want {
		if contains(have, w) {
			return true
		}
	}
	return false
}

func certList(peer []string) string {
	if len(peer) == 0 {
		return "no client certificate"
	}
	return "x5t#S256 " + strings.Join(peer, ", ")
}

// Whitelisted returns the office clientID is whitelisted for.
func (v *Verifier) Whitelisted(clientID string) (office string, ok bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	office, ok = v.whitelist[clientID]
	return office, ok
}
