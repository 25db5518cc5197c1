package tlsca

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestIssuedLeafServesHTTPSTrustedByClient(t *testing.T) {
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	ca, err := New(rand.Reader, now, "dasim test CA")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ca.ServerConfig()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "ok")
	}))
	srv.TLS = cfg
	srv.StartTLS()
	defer srv.Close()

	res, err := ca.Client().Get(srv.URL)
	if err != nil {
		t.Fatalf("client trusting the CA failed: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}

	// A client that does not trust the root must fail the handshake.
	if _, err := http.Get(srv.URL); err == nil {
		t.Fatal("system roots accepted the dasim CA")
	}
	if !ca.Cert.IsCA || ca.Cert.NotBefore.After(now) {
		t.Fatalf("root: IsCA=%v NotBefore=%v", ca.Cert.IsCA, ca.Cert.NotBefore)
	}
}
