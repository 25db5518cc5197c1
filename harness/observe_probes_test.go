package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/bearer"
)

// TestObservedNotificationReceiverIsProbed runs an HTTPS notification
// receiver with a certificate of its own CA (trusted as --notify-ca does),
// three ways: one that verifies DAS's tokens with WIPO's JWKS (every probe
// refused, DAS's notification and its repeat answered 204), one that
// accepts anything (every probe passes through: each P check violated), and
// one that refuses correctly but acts on what it refused (O4).
func TestObservedNotificationReceiverIsProbed(t *testing.T) {
	for _, tc := range []struct {
		name       string
		verify     bool
		act        bool
		violated   []string
		unviolated []string
	}{
		{name: "verifying receiver", verify: true, unviolated: []string{"P1", "P5", "P6", "P11", "O3", "O4"}},
		{name: "receiver that accepts anything", violated: []string{"P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P10", "P11"}},
		{name: "receiver that acts on a refused notification", verify: true, act: true, violated: []string{"O4"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var handler atomic.Pointer[http.Handler]
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				(*handler.Load()).ServeHTTP(w, r)
			}))
			srv.StartTLS()
			defer srv.Close()
			roots := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
			w, o, c := observedSE(t, Config{TrustedRoots: roots},
				ObserveConfig{NotifyURL: srv.URL + DASBasePath, Faults: OSFFaults{RepeatedNotification: true}})
			s := &osfSteps{t: t, w: w, c: c}
			var receiver http.Handler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
			if tc.verify {
				v, err := bearer.New(bearer.Config{Issuer: w.AuthZ.Issuer(), Keys: bearer.StaticKeys(w.AuthZ.PublicKeys()),
					Clock: w.Clock, Scopes: []string{authz.ScopeOfficeExchange}})
				if err != nil {
					t.Fatal(err)
				}
				if err := v.Allow(DASClientID, "WO"); err != nil {
					t.Fatal(err)
				}
				receiver = v.Middleware(receiver, nil)
			}
			if tc.act {
				receiver = actingOn(s, receiver)
			}
			handler.Store(&receiver)
			if st := s.retrieve(); st != http.StatusCreated {
				t.Fatalf("POST retrievals: %d", st)
			}
			checks := waitDecided(t, o, append(tc.violated, tc.unviolated...))
			for _, id := range tc.violated {
				if c := checkOf(t, checks, id); c.State != Violated {
					t.Errorf("%s %s: %s (%s), want violated", id, c.Title, c.State, c.Detail)
				}
			}
			for _, id := range tc.unviolated {
				if c := checkOf(t, checks, id); c.State != Met {
					t.Errorf("%s %s: %s (%s: %s), want met", id, c.Title, c.State, c.Actual, c.Detail)
				}
			}
			if first, ok := FirstFailure(checks); ok {
				t.Logf("first failure %s: expected %s; actual %s", first.ID, first.Expected, first.Actual)
			}
		})
	}
}

// actingOn calls files/url-downloads for the retrieval of every
// notification it is sent, before next decides whether to accept it.
func actingOn(s *osfSteps, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		var n struct {
			RequestAckID string `json:"requestAckId"`
		}
		if json.Unmarshal(body, &n) == nil && strings.HasPrefix(r.Header.Get("Authorization"), "Bearer") {
			go func() {
				_, _ = s.c.Call(context.WithoutCancel(r.Context()), http.MethodGet, "/files/url-downloads", url.Values{"requestAckId": {n.RequestAckID}}, nil)
			}()
		}
		next.ServeHTTP(w, r)
	})
}

// waitDecided evaluates the checklist until the checks ids are decided.
func waitDecided(t *testing.T, o *Observed, ids []string) []Check {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		checks := o.OSFChecklist(false)
		decided := true
		for _, id := range ids {
			c := checkOf(t, checks, id)
			decided = decided && (c.State == Met || c.State == Violated)
		}
		if decided || time.Now().After(deadline) {
			return checks
		}
		time.Sleep(50 * time.Millisecond)
	}
}
