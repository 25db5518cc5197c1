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
	errb.Reset()
	if err := runAssertion(context.Background(), append(args, "--aud", "https://127.0.0.1:8443/am/oauth2/access_token"), &out, &errb); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	// stdout is the JWT alone, so $(dasim assertion ...) can be sent as is.
	jwt := strings.TrimSuffix(out.String(), "\n")
	if strings.Count(jwt, ".") != 2 || strings.ContainsAny(jwt, " \n") {
		t.Errorf("stdout is not just the JWT:\n%s", out.String())
	}
	if !strings.Contains(errb.String(), "would accept this assertion") || !strings.Contains(errb.String(), "payload:") {
		t.Errorf("stderr lacks the decoded assertion and the verdict:\n%s", errb.String())
	}
	out.Reset()
	errb.Reset()
	err := runAssertion(context.Background(), append(args, "--aud", "https://127.0.0.1:8443/am/oauth2"), &out, &errb)
	if err == nil || !strings.Contains(errb.String(), "N45 claim aud is the issuer") {
		t.Errorf("err %v, stderr:\n%s", err, errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := dispatch(context.Background(), []string{"assertion", "--decode", "not.a.jwt"}, &out, &errb); code == 0 ||
		!strings.Contains(errb.String(), "not a JWT: the header (segment 1) is not base64url-encoded JSON") || out.Len() != 0 {
		t.Errorf("--decode not.a.jwt: exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
	errb.Reset()
	if code := dispatch(context.Background(), []string{"assertion", "--decode", "two.segments"}, &out, &errb); code == 0 ||
		!strings.Contains(errb.String(), "2 segment(s)") {
		t.Errorf("--decode two.segments: exit %d, stderr %q", code, errb.String())
	}
}
