package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/clientauth"
)

// One test runs the suite: Ginkgo allows one RunSpecs per process.
func TestRunWritesSignedReportsThatVerifyAndDetectTampering(t *testing.T) {
	dir := t.TempDir()
	files, err := clientauth.GenerateKeyFiles(rand.Reader, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	keyFile, certFile := filepath.Join(dir, "es256_private.pem"), filepath.Join(dir, "es256_cert.pem")
	_ = os.WriteFile(keyFile, files.PrivatePEM, 0o600)
	_ = os.WriteFile(certFile, files.CertPEM, 0o644)
	reportDir := filepath.Join(dir, "report")
	var out, errOut bytes.Buffer
	code := dispatch(context.Background(), []string{"run", "--report-dir", reportDir,
		"--sign-key", keyFile, "--sign-cert", certFile}, &out, &errOut)
	if code != 0 {
		t.Fatalf("dasim run exited %d\n%s\n%s", code, out.String(), errOut.String())
	}
	junit, err := os.ReadFile(filepath.Join(reportDir, "junit.xml"))
	if err != nil || !strings.Contains(string(junit), "<testcase") {
		t.Fatalf("junit: %v %s", err, junit)
	}
	out.Reset()
	if code := dispatch(context.Background(), []string{"verify-report", "--cert", certFile, reportDir}, &out, &errOut); code != 0 {
		t.Fatalf("verify-report of an untouched bundle exited %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "bundle OK: 3 files") {
		t.Fatalf("verify-report said %q", out.String())
	}
	// Flags after the directory work too, as people type them.
	out.Reset()
	if code := dispatch(context.Background(), []string{"verify-report", reportDir, "--cert", certFile}, &out, &errOut); code != 0 ||
		!strings.Contains(out.String(), "bundle OK: 3 files") || strings.Contains(out.String(), "warning: no --cert") {
		t.Fatalf("verify-report DIR --cert C exited %d: %s%s", code, out.String(), errOut.String())
	}
	report := filepath.Join(reportDir, "report.json")
	b, _ := os.ReadFile(report)
	_ = os.WriteFile(report, append(b, ' '), 0o644)
	errOut.Reset()
	if code := dispatch(context.Background(), []string{"verify-report", "--cert", certFile, reportDir}, &out, &errOut); code != 1 {
		t.Fatalf("tampered bundle: exit %d, want 1", code)
	}
	if !strings.Contains(errOut.String(), "report.json was changed") {
		t.Fatalf("tampering not named: %s", errOut.String())
	}
}
