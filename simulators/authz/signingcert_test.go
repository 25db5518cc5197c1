package authz

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/clock"
)

// A server restarted with the key and certificate of the one before
// publishes the same kid, so tokens issued before the restart still verify;
// a certificate of another key is refused.
func TestSigningCertificateKeepsTheKid(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{BaseURL: "https://127.0.0.1:9443", Clock: clock.NewVirtual(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))}
	first, err := New(cfg, WithSigningKey(key))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Clock = clock.NewVirtual(time.Date(2026, 2, 5, 9, 0, 0, 0, time.UTC)) // a month later
	again, err := New(cfg, WithSigningKey(key), WithSigningCertificate(first.SigningCertificate()))
	if err != nil {
		t.Fatal(err)
	}
	if first.signing.kid != again.signing.kid || !bytes.Equal(first.signing.jwks, again.signing.jwks) {
		t.Fatalf("kid %s after the restart, want %s", again.signing.kid, first.signing.kid)
	}
	fresh, _ := New(cfg, WithSigningKey(key))
	if fresh.signing.kid == first.signing.kid {
		t.Fatal("a new certificate made a month later has the same kid: the test shows nothing")
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	if _, err := New(cfg, WithSigningKey(other), WithSigningCertificate(first.SigningCertificate())); err == nil {
		t.Fatal("a certificate of another key was accepted")
	}
}
