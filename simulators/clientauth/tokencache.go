package clientauth

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// TokenCache hands out one access token of Scope from Client until shortly
// before it expires on Client.Now's clock (a minute early, or at half-life
// for tokens shorter than two minutes), as an office's token client would.
// Safe for concurrent use.
type TokenCache struct {
	Client *TokenClient
	Scope  string

	mu      sync.Mutex
	token   string
	renewAt time.Time
}

// Token returns the cached token, or a new one once it is due for renewal.
func (c *TokenCache) Token(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.Client.Now()
	if c.token != "" && now.Before(c.renewAt) {
		return c.token, nil
	}
	t, err := c.Client.Token(ctx, c.Scope)
	if err != nil {
		return "", fmt.Errorf("token for %s from %s: %w", c.Client.ClientID, c.Client.Issuer, err)
	}
	life := time.Duration(t.ExpiresIn) * time.Second
	c.token, c.renewAt = t.AccessToken, now.Add(life-min(time.Minute, life/2))
	return c.token, nil
}
