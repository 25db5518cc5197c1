package authz

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/clientauth"
)

// A cached token is handed out until a minute before it expires (an hour's
// token), then renewed; the world's clock decides.
func TestTokenCacheRenewsAMinuteEarly(t *testing.T) {
	w := newWorld(t, ProfileWIPO)
	c := &clientauth.TokenCache{Scope: ScopeOfficeExchange, Client: &clientauth.TokenClient{HTTP: w.client, Issuer: w.srv.Issuer(),
		ClientID: clientA, Key: w.keyA, Now: w.clock.Now, Rand: rand.Reader}}
	ctx := context.Background()
	first, err := c.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(58 * time.Minute)
	if again, err := c.Token(ctx); err != nil || again != first {
		t.Fatalf("renewed more than a minute before expiry (%v)", err)
	}
	w.clock.Advance(time.Minute) // expires_in is 3599 here: due at 58:59
	renewed, err := c.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if renewed == first {
		t.Fatal("not renewed a minute before expiry")
	}
}
