package authz

import (
	"sync"
	"time"
)

// replayCache remembers (iss, jti) pairs until their assertion expires
// (RFC 7523 §3 item 7: the server "MAY ensure that JWTs are not replayed by
// maintaining the set of used 'jti' values for the length of time for which
// the JWT would be considered valid"). It keys on the claims, never on the
// token string, which has several spellings (ECDSA (r, n-s)).
type replayCache struct {
	mu      sync.Mutex
	seen    map[replayKey]time.Time
	sweepAt int
}

type replayKey struct{ iss, jti string }

// use records the pair until until; it reports the earlier expiry and false
// when the pair is still remembered.
func (c *replayCache) use(iss, jti string, until, now time.Time) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = map[replayKey]time.Time{}
	}
	k := replayKey{iss, jti}
	if prev, ok := c.seen[k]; ok && now.Before(prev) {
		return prev, false
	}
	if len(c.seen) >= c.sweepAt {
		for k, t := range c.seen {
			if !now.Before(t) {
				delete(c.seen, k)
			}
		}
		c.sweepAt = 2*len(c.seen) + 1024
	}
	c.seen[k] = until
	return until, true
}
