package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// keygen writes the seeds' files; assertion signs with them and the server's
// checks accept it (aud = token endpoint) or explain the refusal (aud = issuer, N45).
func TestKeygenThenAssertion(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if err := runKeygen(context.Background(), []string{"--dir", dir}, &out, &errb); err != nil {
		t.Fatalf("%v %s", err, errb.String())
	}
	key, _ := os.ReadFile(filepath.Join(dir, "es256_private.pem"))
	if !bytes.HasPrefix(key, []byte("-----BEGIN EC PRIVATE KEY-----")) {
		t.Fatalf("private key is not SEC1: %.40s", key)
	}
	cert, _ := os.ReadFile(filepath.Join(dir, "es256_cert.pem"))
	if !bytes.Contains(cert, []byte("BEGIN CERTIFICATE")) {
		t.Fatal("no certificate")
	}
	if err := runKeygen(context.Background(), []string{"--dir", dir}, &out, &errb); err == nil {
		t.Error("keygen overwrote existing files without --force")
	}
	args := []string{"--client-id", "das-api-auth", "--key", filepath.Join(dir, "es256_private.pem")}
	out.Reset()
	if err := runAssertion(context.Background(), append(args, "--aud", "https://127.0.0.1:8443/am/oauth2/access_token"), &out, &errb); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "would accept this assertion") {
		t.Errorf("output:\n%s", out.String())
	}
	out.Reset()
	err := runAssertion(context.Background(), append(args, "--aud", "https://127.0.0.1:8443/am/oauth2"), &out, &errb)
	if err == nil || !strings.Contains(out.String(), "N45 claim aud is the issuer") {
		t.Errorf("err %v, output:\n%s", err, out.String())
	}
}
