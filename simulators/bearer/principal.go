package bearer

import (
	"context"
	"time"
)

// Principal is the authenticated caller of a request.
type Principal struct {
	ClientID   string // the token's sub, a whitelisted client id
	OfficeCode string // the client's ST.3 office code, e.g. EP, IB, WO
	Scopes     []string
	TokenID    string // the token's jti
	ExpiresAt  time.Time
}

type principalKey struct{}

// NewContext returns ctx carrying p (Middleware does this; tests of the
// APIs use it directly).
func NewContext(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal Middleware put into ctx.
func FromContext(ctx context.Context) (*Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(*Principal)
	return p, ok && p != nil
}

// HasScope reports whether the principal's token carries scope.
func (p *Principal) HasScope(scope string) bool {
	for _, s := range p.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}
