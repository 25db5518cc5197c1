package main

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wipo-das/dasim/reports"
)

// The acceptance self-test of certification (issue 6 point 3): the
// toolkit's own office, a separate process, certified as OFF by a separate
// dasim certify process over loopback HTTPS with real tokens — clean it
// passes; with each deliberate defect the run fails and the report names the
// office, the step and the defect's rule. Cases run in parallel.
func TestCertifyRoleOffCatchesEachDefectOfTheToolkitsOwnOffice(t *testing.T) {
	if testing.Short() {
		t.Skip("builds dasim and runs 18 processes (about 20 s)")
	}
	dir := t.TempDir()
	bin := dasimBinary(t)
	if out, err := exec.Command(bin, "keygen", "-dir", filepath.Join(dir, "id")).CombinedOutput(); err != nil {
		t.Fatalf("keygen: %v\n%s", err, out)
	}
	docs := filepath.Join(dir, "documents.yaml")
	if err := os.WriteFile(docs, []byte(`documents:
  - {number: "EE P202300012", date: "2023-03-14", accessCode: "AB21", hosting: library, size: 65536}
  - {number: "EE P202300013", date: "2023-04-02", accessCode: "3F9A", hosting: home, size: 32768}
  - {number: "EE P202300014", date: "2023-06-20", accessCode: "D00D", hosting: transit, size: 1048576}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	// want picks the failure field that must name the defect, and a fragment of it.
	cases := []struct {
		defect string
		field  func(reports.Failure) string
		want   string
	}{
		{"", nil, ""},
		{"der-assertion", func(f reports.Failure) string { return f.Rule }, "check N32"},
		{"wrong-aud", func(f reports.Failure) string { return f.Rule + ": " + f.Actual }, "check N45"},
		{"no-notification", func(f reports.Failure) string { return f.Operation + ": " + f.Rule }, "notify: the OFF notifies WIPO DAS"},
		{"wrong-checksum", func(f reports.Failure) string { return f.Rule }, "fileChecksum"},
		{"forward-500", func(f reports.Failure) string { return f.Operation + ": " + f.Actual }, "requestRetrieval: HTTP 500"},
		{"non-wipo-error", func(f reports.Failure) string { return f.Operation + ": " + f.Rule }, "requestRetrieval: WIPO error body"},
		{"missing-field", func(f reports.Failure) string { return f.Rule + " " + f.Pointer }, "required /requestAckId"},
		{"expired-download-url", func(f reports.Failure) string { return f.Rule }, "fileDownloadUrlExpiryDate"},
	}
	for _, c := range cases {
		name := c.defect
		if name == "" {
			name = "clean"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			run, code := certifyOwnOffice(t, bin, filepath.Join(dir, "id"), docs, c.defect)
			passed, failed, _ := run.Counts()
			if c.defect == "" {
				if code != 0 || failed != 0 || passed < 4 {
					t.Fatalf("clean office: exit %d, %d passed, %d failed; want exit 0, at least 4 passed", code, passed, failed)
				}
				return
			}
			if code != 1 || failed == 0 {
				t.Fatalf("defect %s: exit %d, %d failed; want exit 1 and failures", c.defect, code, failed)
			}
			for _, s := range run.Scenarios {
				if s.Failure == nil {
					continue
				}
				f := *s.Failure
				t.Logf("%s: party %q, step %q, operation %q, pointer %q, rule %q, actual %q", s.Name, f.Party, f.Step, f.Operation, f.Pointer, f.Rule, f.Actual)
				if f.Party == "office EE (system under test)" && f.Step != "" && strings.Contains(c.field(f), c.want) {
					return
				}
			}
			t.Fatalf("defect %s: no failure names office EE (system under test), a step and %q", c.defect, c.want)
		})
	}
}

// certifyOwnOffice runs dasim certify --role off and dasim office [--defect]
// against each other and returns certify's report and exit code.
func certifyOwnOffice(t *testing.T, bin, idDir, docs, defect string) (*reports.Run, int) {
	t.Helper()
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // the office process takes the port over
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	endpoints := filepath.Join(dir, "endpoints.json")
	certify := exec.CommandContext(ctx, bin, "certify", "--role", "off", "--target", "https://"+addr+"/das/v1/requests",
		"--office", "EE", "--client-id", "ee-sut", "--cert", filepath.Join(idDir, "es256_cert.pem"), "--documents", docs,
		"--endpoints-file", endpoints, "--report-dir", filepath.Join(dir, "report"), "--wait", "30s", "--patience", "8s",
		"--trigger-url", "https://"+addr+TriggerPath, "--trigger-wait", "10s", "--das-timeout", "3s")
	certifyLog := logFile(t, dir, "certify.log")
	certify.Stdout, certify.Stderr = certifyLog, certifyLog
	if err := certify.Start(); err != nil {
		t.Fatal(err)
	}
	var ep map[string]any
	waitForJSON(ctx, t, endpoints, &ep)
	args := []string{"office", "--endpoints-file", endpoints, "--code", "EE", "--listen", addr, "--client-id", "ee-sut",
		"--key", filepath.Join(idDir, "es256_private.pem"), "--cert", filepath.Join(idDir, "es256_cert.pem"), "--documents", docs}
	if defect != "" {
		args = append(args, "--defect", defect)
	}
	off := exec.CommandContext(ctx, bin, args...)
	officeLog := logFile(t, dir, "office.log")
	off.Stdout, off.Stderr = officeLog, officeLog
	if err := off.Start(); err != nil {
		t.Fatal(err)
	}
	err = certify.Wait()
	_ = off.Process.Kill()
	_ = off.Wait()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			for _, f := range []string{"certify.log", "office.log"} {
				b, _ := os.ReadFile(filepath.Join(dir, f))
				t.Logf("--- %s ---\n%s", f, b)
			}
		}
	})
	run, err := readRun(filepath.Join(dir, "report"))
	if err != nil {
		t.Fatalf("certify exited %d without a report: %v", code, err)
	}
	return run, code
}

func logFile(t *testing.T, dir, name string) *os.File {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
