package bearer

import (
	"sync"
	"time"
)

// verified is what a token proved once its signature, issuer, audience and
// type were checked; time, whitelist, scope and revocation are checked on
// every request.
type verified struct {
	clientID string
	scopes   []string
	jti      string
	exp, nbf time.Time
	cnfX5t   string // cnf.x5t#S256 (RFC 8705 §3.1), if any
}

// tokenCache maps token strings to what they proved. An entry is useless
// once the token has expired, so the cache sweeps expired entries when full,
// and drops arbitrary entries if that is not enough.
type tokenCache struct {
	mu  sync.RWMutex
	m   map[string]*verified
	max int
}

func (c *tokenCache) get(tok string) *verified {
	c.mu.RLock()
	v := c.m[tok]
	c.mu.RUnlock()
	return v
}

func (c *tokenCache) put(tok string, v *verified, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]*verified)
	}
	if len(c.m) >= c.max {
		for k, e := range c.m {
			if !now.Before(e.exp) {
				delete(c.m, k)
			}
		}
		for k := range c.m {
			if len(c.m) < c.max*3/4 {
				break
			}
			delete(c.m, k)
		}
	}
	c.m[tok] = v
}

func (c *tokenCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
