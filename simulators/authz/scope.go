package authz

import (
	"strings"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// grantScopes checks the requested scope (RFC 6749 §3.3) against the scopes
// the server knows (N62), the scopes the client may have (N63) and the
// NQCHAR syntax (N64). No scope grants the client's default, the first of
// its allowed scopes (AM's "default scope").
func grantScopes(tr *tokenRequest, c *registered, known []string) ([]string, *protocol.OAuthError) {
	if !c.grants["client_credentials"] {
		return nil, reject(protocol.ErrUnauthorizedClient, "N6", "client '%s' is not allowed the client_credentials grant (registered grants: %s)", c.id, grantList(c))
	}
	if strings.TrimSpace(tr.scope) == "" {
		if len(c.scopes) == 0 {
			return nil, reject(protocol.ErrInvalidScope, "N63", "no scope requested and client '%s' has no default scope", c.id)
		}
		return c.scopes[:1], nil
	}
	// scope = scope-token *( SP scope-token ); scope-token = 1*NQCHAR
	toks := strings.Split(tr.scope, " ")
	var out []string
	for _, t := range toks {
		if !validScopeToken(t) {
			return nil, reject(protocol.ErrInvalidScope, "N64", "scope '%s' has an empty token or a character outside NQCHAR (RFC 6749 section 3.3: tokens separated by single spaces)", clip(tr.scope))
		}
	}
	for _, t := range toks {
		switch {
		case !contains(known, t):
			return nil, reject(protocol.ErrInvalidScope, "N62", "scope '%s' is unknown: this server knows %s", t, strings.Join(known, ", "))
		case !contains(c.scopes, t):
			return nil, reject(protocol.ErrInvalidScope, "N63", "scope '%s' is not allowed for client '%s': it may ask for %s", t, c.id, strings.Join(c.scopes, ", "))
		}
		out = appendUnique(out, t)
	}
	return out, nil
}

// validScopeToken: NQCHAR = %x21 / %x23-5B / %x5D-7E (RFC 6749 Appendix A).
func validScopeToken(t string) bool {
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c < 0x21 || c == 0x22 || c == 0x5C || c > 0x7E {
			return false
		}
	}
	return true
}

func grantList(c *registered) string {
	var gs []string
	for g := range c.grants {
		gs = append(gs, g)
	}
	if len(gs) == 0 {
		return "none"
	}
	return strings.Join(gs, ", ")
}
