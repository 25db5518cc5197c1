package authz

import (
	"strings"
	"time"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// evaluation carries one assertion through the checks. Each check reads it
// and returns nil or the rejection; the token endpoint stops at the first,
// Inspect collects them all.
type evaluation struct {
	cfg    *Config
	jws    *parsedJWS
	client *registered
	key    *clientKey // chosen by selectKey
	now    time.Time
	others func() []*registered // other clients, for the N26 diagnosis
	// results of the claim checks
	jti string
	exp time.Time
}

type check func(*evaluation) *protocol.OAuthError

// headerChecks run in this order; selectKey comes last since N23 needs a key.
var headerChecks = []check{checkAlg, checkKeyHeaders, checkCrit, checkTyp, checkZip, selectKey}

// allowedAlgs is what FAPI 1.0 Advanced §8.6 allows for client
// authentication: "shall use PS256 or ES256".
var allowedAlgs = map[string]bool{"ES256": true, "PS256": true}

func checkAlg(e *evaluation) *protocol.OAuthError {
	alg := e.jws.alg
	switch {
	case strings.EqualFold(alg, "none"):
		// RFC 8725 §3.1: libraries "MUST enable the caller to specify a
		// supported set of algorithms"; none is never in it.
		return reject(protocol.ErrInvalidClient, "N18", "alg '%s': unsigned assertions are refused, sign with ES256 (RFC 8725 section 3.1)", alg)
	case strings.HasPrefix(strings.ToUpper(alg), "HS"):
		return reject(protocol.ErrInvalidClient, "N19", "alg '%s' is an HMAC: private_key_jwt needs an asymmetric signature, ES256 (RFC 7523 section 3; RFC 8725 section 3.1 algorithm confusion)", alg)
	case alg == "RS256" || alg == "RS384" || alg == "RS512":
		return reject(protocol.ErrInvalidClient, "N20", "alg '%s': FAPI allows only PS256 or ES256 for client authentication (FAPI 1.0 Advanced section 8.6)", alg)
	case !allowedAlgs[alg]:
		return reject(protocol.ErrInvalidClient, "N22", "alg '%s' is not allowed: want ES256 (or PS256) (FAPI 1.0 Advanced section 8.6)", alg)
	}
	if algs := e.client.algs(); !contains(algs, alg) {
		return reject(protocol.ErrInvalidClient, "N21", "alg '%s' differs from the client's registered signing alg %s (its registered key is %s)", alg, strings.Join(algs, "/"), keyKinds(e.client))
	}
	return nil
}

// checkKeyHeaders refuses keys carried by the assertion itself: "the key
// used ... MUST be the one registered" (RFC 8725 §3.10; CVE-2018-0114).
func checkKeyHeaders(e *evaluation) *protocol.OAuthError {
	for _, h := range []string{"jwk", "jku", "x5u", "x5c"} {
		if _, ok := e.jws.header[h]; ok {
			return reject(protocol.ErrInvalidClient, "N27", "header '%s' carries or points at a key: only the client's registered certificate is used, remove the header (RFC 8725 section 3.10)", h)
		}
	}
	return nil
}

// checkCrit: RFC 7515 §4.1.11 "If any of the listed extension Header
// Parameters are not understood and supported by the recipient, then the JWS
// is invalid." We support none.
func checkCrit(e *evaluation) *protocol.OAuthError {
	if raw, ok := e.jws.header["crit"]; ok {
		return reject(protocol.ErrInvalidClient, "N28", "header crit %s lists extensions this server does not understand (RFC 7515 section 4.1.11)", string(raw))
	}
	if _, ok := e.jws.header["b64"]; ok {
		return reject(protocol.ErrInvalidClient, "N28", "header b64 (unencoded payload, RFC 7797) is not supported for client assertions")
	}
	return nil
}

// checkTyp accepts an absent typ, JWT (what the seeds send) and RFC 10070's
// client-authentication+jwt; another JWT type replayed as an assertion is
// cross-JWT confusion (RFC 8725 §3.11).
func checkTyp(e *evaluation) *protocol.OAuthError {
	raw, ok := e.jws.header["typ"]
	if !ok {
		return nil
	}
	typ, isStr := stringMember(e.jws.header, "typ")
	if !isStr {
		return reject(protocol.ErrInvalidClient, "N29", "header typ is %s: want the string JWT", jsonType(raw))
	}
	// RFC 7515 §4.1.9: the "application/" prefix may be omitted, and media
	// types compare case-insensitively.
	t := strings.TrimPrefix(strings.ToLower(typ), "application/")
	if t == "jwt" || t == "client-authentication+jwt" {
		return nil
	}
	return reject(protocol.ErrInvalidClient, "N29", "header typ '%s' marks another kind of JWT: want JWT or client-authentication+jwt (RFC 8725 section 3.11)", typ)
}

func checkZip(e *evaluation) *protocol.OAuthError {
	if _, ok := e.jws.header["zip"]; ok {
		return reject(protocol.ErrInvalidClient, "N30", "header zip is a JWE parameter (RFC 7516 section 4.1.3): a JWS assertion must not be compressed")
	}
	return nil
}

// selectKey picks the registered key: by kid when present, else the only key
// (OIDC Core §10.1: kid "MUST" be used when there are multiple keys).
func selectKey(e *evaluation) *protocol.OAuthError {
	keys := e.client.keys
	kid, hasKid := stringMember(e.jws.header, "kid")
	if raw, ok := e.jws.header["kid"]; ok && !hasKid {
		return reject(protocol.ErrInvalidClient, "N25", "header kid is %s: want a string", jsonType(raw))
	}
	switch {
	case hasKid:
		for i := range keys {
			if keys[i].kid == kid {
				e.key = &keys[i]
				break
			}
		}
		if e.key == nil {
			return reject(protocol.ErrInvalidClient, "N25", "kid '%s' is not a key of client '%s': registered kids (RFC 7638 thumbprints) are %s", kid, e.client.id, strings.Join(e.client.kids(), ", "))
		}
	case len(keys) > 1:
		return reject(protocol.ErrInvalidClient, "N24", "no kid while client '%s' has %d registered keys: add kid, one of %s (OIDC Core section 10.1)", e.client.id, len(keys), strings.Join(e.client.kids(), ", "))
	case e.cfg.RequireKID:
		return reject(protocol.ErrInvalidClient, "N24", "no kid: this server requires one, '%s'", keys[0].kid)
	default:
		e.key = &keys[0]
	}
	if e.key.alg.String() != e.jws.alg {
		return reject(protocol.ErrInvalidClient, "N23", "alg '%s' does not fit the key kid '%s', which is %s and signs %s (RFC 8725 section 3.1)", e.jws.alg, e.key.kid, keyKind(e.key), e.key.alg)
	}
	return nil
}

func keyKind(k *clientKey) string {
	if k.alg.String() == "ES256" {
		return "EC P-256"
	}
	return "RSA"
}

func keyKinds(r *registered) string {
	var out []string
	for i := range r.keys {
		out = appendUnique(out, keyKind(&r.keys[i]))
	}
	return strings.Join(out, " and ")
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
