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

// A system under test with a certificate from its own CA is trusted once
// that CA's root is added (dasim certify --target-ca), and not before.
func TestTrustAddsAnotherCAsRoot(t *testing.T) {
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	world, err := New(rand.Reader, now, "dasim world CA")
	if err != nil {
		t.Fatal(err)
	}
	office, err := New(rand.Reader, now, "an office's own CA")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := office.ServerConfig()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	srv.TLS = cfg
	srv.StartTLS()
	defer srv.Close()

	if _, err := world.Client().Get(srv.URL); err == nil {
		t.Fatal("the world trusted another CA's certificate before Trust")
	}
	if err := world.Trust([]byte("not a PEM")); err == nil {
		t.Fatal("Trust accepted a file without a certificate")
	}
	if err := world.Trust(office.CertPEM); err != nil {
		t.Fatal(err)
	}
	res, err := world.Client().Get(srv.URL)
	if err != nil {
		t.Fatalf("after Trust: %v", err)
	}
	res.Body.Close()
}
