package harness

import (
	"context"
	"fmt"
	"sync"

	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/wipo-das/dasim/simulators/bearer"
	"github.com/wipo-das/dasim/simulators/clock"
)

// laterKeys is the key set of the DAS under test's authorization server,
// fetched at the first token the sites verify rather than when they start:
// the sites start first, write the files the DAS is configured from, and the
// DAS (and its authorization server) come up after. The JWKS URI is taken
// from the issuer's discovery document then, unless RemoteDAS.JWKSURI names it.
type laterKeys struct {
	w  *World
	r  *RemoteDAS
	mu sync.Mutex
	// remote is the fetched set, refreshed by bearer's cache; nil until the first Key.
	remote *bearer.Remote
}

var _ bearer.KeySource = (*laterKeys)(nil)

func (k *laterKeys) Key(ctx context.Context, kid string) (jwk.Key, error) {
	src, err := k.source(ctx)
	if err != nil {
		return nil, err
	}
	return src.Key(ctx, kid)
}

func (k *laterKeys) source(ctx context.Context) (*bearer.Remote, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.remote != nil {
		return k.remote, nil
	}
	uri := k.r.JWKSURI
	if uri == "" {
		var err error
		if uri, err = discoverJWKS(ctx, k.r); err != nil {
			return nil, err
		}
	}
	remote, err := bearer.RemoteKeys(k.w.ctx, uri, k.r.HTTP, clock.System())
	if err != nil {
		return nil, fmt.Errorf("the JWKS of the DAS under test's authorization server: %w", err)
	}
	k.remote = remote
	k.w.onClose(remote.Close)
	return remote, nil
}
