package bearer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/lestrrat-go/httprc/v3"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/wipo-das/dasim/simulators/clock"
)

// KeySource finds the issuer's public key for a kid.
type KeySource interface {
	Key(ctx context.Context, kid string) (jwk.Key, error)
}

// StaticKeys serves keys from a set held in memory (an in-process world
// hands over authz.Server.PublicKeys).
func StaticKeys(set jwk.Set) KeySource { return staticKeys{set} }

type staticKeys struct{ set jwk.Set }

func (s staticKeys) Key(_ context.Context, kid string) (jwk.Key, error) {
	if k, ok := s.set.LookupKeyID(kid); ok {
		return k, nil
	}
	return nil, fmt.Errorf("kid '%s' is not in the issuer's key set (%s)", kid, kidList(s.set))
}

// RemoteKeys fetches and caches the JWKS at jwksURL with jwx's jwk.Cache
// (background refresh). An unknown kid triggers one refetch, at most once a
// minute of clk, for a key rotated since the last fetch. The cache's
// goroutines run on ctx's values, not its cancellation, until Close.
func RemoteKeys(ctx context.Context, jwksURL string, hc *http.Client, clk clock.Clock) (*Remote, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	life, stop := context.WithCancel(context.WithoutCancel(ctx))
	c, err := jwk.NewCache(life, httprc.NewClient(httprc.WithHTTPClient(hc)))
	if err != nil {
		stop()
		return nil, fmt.Errorf("bearer: jwk cache: %w", err)
	}
	r := &Remote{cache: c, url: jwksURL, clock: clk, stop: stop}
	if err := c.Register(ctx, jwksURL, jwk.WithMinInterval(time.Minute), jwk.WithHTTPClient(hc)); err != nil {
		return nil, errors.Join(fmt.Errorf("bearer: register %s: %w", jwksURL, err), r.Close(ctx))
	}
	if _, err := c.Lookup(ctx, jwksURL); err != nil {
		return nil, errors.Join(fmt.Errorf("bearer: fetch %s: %w", jwksURL, err), r.Close(ctx))
	}
	return r, nil
}

// Remote is an issuer's key set fetched over HTTP and kept fresh.
type Remote struct {
	stop        context.CancelFunc
	cache       *jwk.Cache
	url         string
	clock       clock.Clock
	mu          sync.Mutex
	lastRefetch time.Time
}

// Close stops the cache's background refresh and waits for its goroutines,
// at most until ctx is done.
func (r *Remote) Close(ctx context.Context) error {
	r.stop()
	return r.cache.Shutdown(ctx)
}

// Key finds kid in the key set, refetching it once for a rotated key.
func (r *Remote) Key(ctx context.Context, kid string) (jwk.Key, error) {
	set, err := r.cache.Lookup(ctx, r.url)
	if err != nil {
		return nil, fmt.Errorf("issuer key set %s: %w", r.url, err)
	}
	if k, ok := set.LookupKeyID(kid); ok {
		return k, nil
	}
	r.mu.Lock()
	refetch := r.lastRefetch.IsZero() || r.clock.Since(r.lastRefetch) >= time.Minute
	if refetch {
		r.lastRefetch = r.clock.Now()
	}
	r.mu.Unlock()
	if refetch {
		if set, err = r.cache.Refresh(ctx, r.url); err == nil {
			if k, ok := set.LookupKeyID(kid); ok {
				return k, nil
			}
		}
	}
	return nil, fmt.Errorf("kid '%s' is not in the issuer's key set at %s (%s)", kid, r.url, kidList(set))
}

func kidList(set jwk.Set) string {
	out := "kids:"
	for i := 0; i < set.Len(); i++ {
		k, _ := set.Key(i)
		kid, _ := k.KeyID()
		out += " " + kid
	}
	return out
}
