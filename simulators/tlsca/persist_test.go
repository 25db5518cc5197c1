package tlsca

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"testing"
	"time"
)

// A CA and a leaf written and read back are the same: a client that trusts
// the root from before the restart trusts what is served after it.
func TestMarshalParseRoundTrip(t *testing.T) {
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	ca, err := New(rand.Reader, now, "dasim world CA")
	if err != nil {
		t.Fatal(err)
	}
	b, err := ca.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse(b, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.CertPEM, ca.CertPEM) || !again.now.Equal(now) {
		t.Fatalf("parsed CA differs: now %v, want %v", again.now, now)
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
	cert, _ := x509.ParseCertificate(back.Certificate[0])
	if _, err := cert.Verify(x509.VerifyOptions{Roots: ca.Pool(), CurrentTime: now}); err != nil {
		t.Fatalf("a leaf of the parsed CA does not verify against the original root: %v", err)
	}
	if back.PrivateKey == nil || len(back.Certificate) != 2 {
		t.Fatalf("leaf read back with %d certificates and key %T, want the chain of 2 and its key", len(back.Certificate), back.PrivateKey)
	}
	if _, err := Parse([]byte("not pem"), rand.Reader); err == nil {
		t.Fatal("Parse accepted garbage")
	}
}
