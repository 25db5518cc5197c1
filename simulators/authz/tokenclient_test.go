package authz

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wipo-das/dasim/simulators/clientauth"
)

// assertionTap keeps the client assertions a TokenClient sends.
type assertionTap struct {
	base http.RoundTripper
	sent []string
}

func (a *assertionTap) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost && r.Body != nil {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		if f, err := url.ParseQuery(string(b)); err == nil {
			a.sent = append(a.sent, f.Get("client_assertion"))
		}
	}
	return a.base.RoundTrip(r)
}

// Issue 15: DAS's own assertion carries jti and iat in every profile
// (RFC 7523 section 3 items 6 and 7 allow them); the seeds' client does not.
func TestIdentifiedTokenClientSendsJTIAndIATInEveryProfile(t *testing.T) {
	for _, p := range []Profile{ProfileWIPO, ProfileFAPI} {
		for _, identified := range []bool{false, true} {
			w := newWorld(t, p)
			tap := &assertionTap{base: w.client.Transport}
			c := &clientauth.TokenClient{HTTP: &http.Client{Transport: tap}, Issuer: w.srv.Issuer(), ClientID: clientA, Key: w.keyA,
				Profile: p, Identified: identified, Now: w.clock.Now, Rand: strings.NewReader(strings.Repeat("r", 64))}
			if _, err := c.Token(context.Background(), ScopeOfficeExchange); err != nil {
				t.Fatalf("%s identified=%v: %v", p, identified, err)
			}
			if len(tap.sent) != 1 {
				t.Fatalf("%d assertions sent", len(tap.sent))
			}
			payload, err := b64.DecodeString(strings.Split(tap.sent[0], ".")[1])
			if err != nil {
				t.Fatal(err)
			}
			var claims map[string]any
			if err := json.Unmarshal(payload, &claims); err != nil {
				t.Fatal(err)
			}
			_, hasJTI := claims["jti"]
			_, hasIAT := claims["iat"]
			want := identified || p == ProfileFAPI
			if hasJTI != want || hasIAT != want {
				t.Errorf("%s identified=%v: jti %v iat %v, want %v (%v)", p, identified, hasJTI, hasIAT, want, claims)
			}
		}
	}
}
