package authz

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// claimChecks follow RFC 7523 §3's numbered list, then the profile's rules.
var claimChecks = []check{checkIss, checkSub, checkAud, checkJTI, checkNbfIat, checkExp}

// checkIss: RFC 7523 §3 item 1, "For client authentication, this MUST be the
// client_id of the OAuth client."
func checkIss(e *evaluation) *protocol.OAuthError {
	return idClaim(e, "iss", "N37", "N38", "1")
}

// checkSub: RFC 7523 §3 item 2.B, "For client authentication, the subject
// MUST be the client_id of the OAuth client."
func checkSub(e *evaluation) *protocol.OAuthError {
	return idClaim(e, "sub", "N39", "N40", "2.B")
}

func idClaim(e *evaluation, name, missingID, wrongID, item string) *protocol.OAuthError {
	raw, ok := e.jws.claims[name]
	if !ok {
		return reject(protocol.ErrInvalidClient, missingID, "claim %s missing: want '%s', the client_id (RFC 7523 section 3 item %s)", name, e.client.id, item)
	}
	v, isStr := stringMember(e.jws.claims, name)
	if !isStr {
		return reject(protocol.ErrInvalidClient, wrongID, "claim %s is %s: want the string '%s'", name, jsonType(raw), e.client.id)
	}
	if v != e.client.id {
		return reject(protocol.ErrInvalidClient, wrongID, "claim %s is '%s': want '%s', the client_id (RFC 7523 section 3 item %s)", name, v, e.client.id, item)
	}
	return nil
}

func checkJTI(e *evaluation) *protocol.OAuthError {
	raw, ok := e.jws.claims["jti"]
	if !ok {
		if e.cfg.Profile == ProfileFAPI {
			// OpenID Connect Core §9: jti "REQUIRED ... The JWT MUST NOT be
			// reused"; the WIPO profile follows WIPO's script, which sends none.
			return reject(protocol.ErrInvalidClient, "N49", "claim jti missing: the fapi profile requires a unique jti (OIDC Core section 9)")
		}
		return nil
	}
	v, isStr := stringMember(e.jws.claims, "jti")
	if !isStr || v == "" {
		what := jsonType(raw)
		if isStr {
			what = "an empty string"
		}
		return reject(protocol.ErrInvalidClient, "N50", "claim jti is %s: want a non-empty unique string (RFC 7519 section 4.1.7)", what)
	}
	e.jti = v
	return nil
}

// numericDate reads a NumericDate (RFC 7519 §2: "A JSON numeric value
// representing the number of seconds from 1970-01-01T00:00:00Z UTC ...
// non-integer values can be represented").
func numericDate(e *evaluation, name, typeID string) (time.Time, bool, *protocol.OAuthError) {
	raw, ok := e.jws.claims[name]
	if !ok {
		return time.Time{}, false, nil
	}
	var f float64
	if jsonType(raw) != "a number" || json.Unmarshal(raw, &f) != nil || math.IsInf(f, 0) || math.Abs(f) > 1e11 {
		return time.Time{}, true, reject(protocol.ErrInvalidClient, typeID, "claim %s is %s (%s): want a NumericDate, seconds since the epoch as a JSON number (RFC 7519 section 2)", name, jsonType(raw), clip(string(raw)))
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true, nil
}

func checkExp(e *evaluation) *protocol.OAuthError {
	exp, ok, bad := numericDate(e, "exp", "N55")
	if bad != nil {
		return bad
	}
	if !ok {
		return reject(protocol.ErrInvalidClient, "N52", "claim exp missing: RFC 7523 section 3 item 4 requires it; WIPO's script sends now + 10 s")
	}
	now, skew := e.now, e.cfg.Skew
	// RFC 7519 §4.1.4: "the current date/time MUST be before the expiration
	// date/time ... Implementers MAY provide for some small leeway".
	if deadline := exp.Add(skew); !now.Before(deadline) {
		id := "N53"
		if now.Sub(deadline) < time.Second {
			id = "N54"
		}
		return reject(protocol.ErrInvalidClient, id, "assertion expired: exp %s, server clock %s, leeway %s (RFC 7519 section 4.1.4)", stamp(exp), stamp(now), skew)
	}
	from, fromName := now, "server clock"
	if iat, ok, _ := numericDate(e, "iat", "N59"); ok && !iat.IsZero() && iat.Before(now) {
		from, fromName = iat, "iat"
	}
	if life := exp.Sub(from); life > e.cfg.MaxAssertionLifetime+skew {
		return reject(protocol.ErrInvalidClient, "N56", "assertion lifetime too long: exp %s is %s after %s %s, at most %s allowed by the %s profile (RFC 7523 section 3 item 4)", stamp(exp), life.Round(time.Second), fromName, stamp(from), e.cfg.MaxAssertionLifetime, e.cfg.Profile)
	}
	e.exp = exp
	return nil
}

// checkNbfIat: RFC 7519 §4.1.5 nbf "MUST NOT be accepted for processing"
// before its time; FAPI 2.0 SP §5.3.2.1 wants iat/nbf up to 10 s ahead
// accepted and beyond 60 s refused (dasim refuses beyond Skew).
func checkNbfIat(e *evaluation) *protocol.OAuthError {
	now, skew := e.now, e.cfg.Skew
	nbf, ok, bad := numericDate(e, "nbf", "N59")
	if bad != nil {
		return bad
	}
	if ok && nbf.After(now.Add(skew)) {
		return reject(protocol.ErrInvalidClient, "N57", "assertion not valid yet: nbf %s is %s ahead of the server clock %s, leeway %s (RFC 7519 section 4.1.5)", stamp(nbf), nbf.Sub(now), stamp(now), skew)
	}
	iat, ok, bad := numericDate(e, "iat", "N59")
	if bad != nil || !ok {
		return bad
	}
	if iat.After(now.Add(skew)) {
		return reject(protocol.ErrInvalidClient, "N58", "iat %s is %s ahead of the server clock %s, leeway %s: check the client clock (FAPI 2.0 SP section 5.3.2.1)", stamp(iat), iat.Sub(now), stamp(now), skew)
	}
	if age := now.Sub(iat); age > e.cfg.MaxAssertionLifetime+skew {
		return reject(protocol.ErrInvalidClient, "N58", "iat %s is %s before the server clock %s: assertions older than %s are refused (RFC 7523 section 3 item 6)", stamp(iat), age.Round(time.Second), stamp(now), e.cfg.MaxAssertionLifetime)
	}
	return nil
}

func stamp(t time.Time) string {
	return fmt.Sprintf("%s (%d)", t.UTC().Format(time.RFC3339), t.Unix())
}

// clip shortens a value quoted in a description.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
