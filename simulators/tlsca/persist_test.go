package tlsca

import (
	"crypto/rand"
	"crypto/x509"
	"testing"
	"time"
)

// A leaf written and read back is the same certificate and key: a client
// that trusts the root from before a restart trusts what is served after it.
func TestMarshalParseLeafRoundTrip(t *testing.T) {
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	ca, err := New(rand.Reader, now, "dasim world CA")
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err := ca.KeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	again, err := Load(rand.Reader, now.Add(24*time.Hour), ca.CertPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := again.Issue("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	lb, err := MarshalLeaf(leaf)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseLeaf(lb)
	if err != nil {
		t.Fatal(err)
	}
	if back.PrivateKey == nil || len(back.Certificate) != 2 {
		t.Fatalf("leaf read back with %d certificates and key %T, want the chain of 2 and its key", len(back.Certificate), back.PrivateKey)
	}
	cert, _ := x509.ParseCertificate(back.Certificate[0])
	if _, err := cert.Verify(x509.VerifyOptions{Roots: ca.Pool(), CurrentTime: now.Add(24 * time.Hour)}); err != nil {
		t.Fatalf("a leaf of the reloaded CA does not verify against the original root: %v", err)
	}
	if _, err := ParseLeaf([]byte("not pem")); err == nil {
		t.Fatal("ParseLeaf accepted garbage")
	}
}
