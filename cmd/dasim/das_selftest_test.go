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

	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/reports"
)

// TestRegressionRunCatchesEachDefectOfTheToolkitsOwnDAS is the self-test of
// WIPO's regression run (issue 12 point 5): dasim serve with one deliberate
// defect (harness.DASDefects) is the DAS under test of dasim certify --role
// das, both separate processes over loopback HTTPS; each run must exit 1
// and its first failure name the DAS, the step and the rule. A run covers
// the flow that catches the defect (its Caught label), so that the catalogue
// certifies in minutes; the full run against the correct DAS is
// TestRegressionRunAgainstAServedDAS.
func TestRegressionRunCatchesEachDefectOfTheToolkitsOwnDAS(t *testing.T) {
	if testing.Short() {
		t.Skip("builds dasim and runs two processes per defect: skipped with -short")
	}
	bin := dasimBinary(t)
	lanes := make(chan struct{}, 4) // two processes each, on a 2-core machine
	for _, d := range harness.DASDefects() {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			lanes <- struct{}{}
			defer func() { <-lanes }()
			run, code, logs := certifyServedDAS(t, bin, d.Name, d.Caught)
			if code != 1 {
				t.Fatalf("defect %s (%s): exit %d, want 1\n%s", d.Name, d.Summary, code, logs)
			}
			f := firstReportedFailure(run)
			if f == nil {
				t.Fatalf("defect %s: no failure in the report\n%s", d.Name, logs)
			}
			t.Logf("%s | %s | %s | %s | %s | expected %s | actual %s", d.Name, f.Party, f.Step, f.Operation, clipped(f.Rule), clipped(f.Expected), clipped(f.Actual))
			if !strings.HasPrefix(f.Party, "das") || f.Step == "" || f.Rule == "" {
				t.Fatalf("defect %s: the first failure does not name DAS, the step and the rule: %+v\n%s", d.Name, *f, logs)
			}
		})
	}
}

// certifyServedDAS runs dasim certify --role das (only the scenarios of
// filter) against dasim serve --defect defect, and returns certify's report,
// its exit code and both processes' logs.
func certifyServedDAS(t *testing.T, bin, defect, filter string) (*reports.Run, int, string) {
	t.Helper()
	dir := t.TempDir()
	das, authz := freePort(t), freePort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	certify := exec.CommandContext(ctx, bin, "certify", "--role", "das",
		"--target", "https://127.0.0.1:"+das+"/das/v1/requests", "--issuer", "https://127.0.0.1:"+authz+"/am/oauth2",
		"--sites-addr", "127.0.0.1:0", "--state-dir", filepath.Join(dir, "state"), "--config-dir", filepath.Join(dir, "config"),
		"--report-dir", filepath.Join(dir, "report"), "--retention", "8s", "--off-deadline", "5s", "--call-timeout", "1s",
		"--token-lifetime", "6s", "--max-wait", "30s", "--label-filter", filter, "--fail-fast")
	certifyLog := logFile(t, dir, "certify.log")
	certify.Stdout, certify.Stderr = certifyLog, certifyLog
	if err := certify.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- certify.Wait() }()
	world := filepath.Join(dir, "config", "world.yaml")
	for !fileExists(world) {
		select {
		case err := <-exited:
			t.Fatalf("certify ended (%v) before writing %s\n%s", err, world, readFiles(filepath.Join(dir, "certify.log")))
		case <-ctx.Done():
			t.Fatalf("certify wrote no %s", world)
		case <-time.After(50 * time.Millisecond): // waiting for another process
		}
	}
	serve := exec.CommandContext(ctx, bin, "serve", "--world", world, "--das-addr", "127.0.0.1:"+das,
		"--authz-addr", "127.0.0.1:"+authz, "--endpoints-file", filepath.Join(dir, "serve.json"), "--defect", defect)
	serveLog := logFile(t, dir, "serve.log")
	serve.Stdout, serve.Stderr = serveLog, serveLog
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	err := <-exited
	_ = serve.Process.Kill()
	_ = serve.Wait()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	logs := readFiles(filepath.Join(dir, "certify.log"), filepath.Join(dir, "serve.log"))
	run, err := readRun(filepath.Join(dir, "report"))
	if err != nil {
		t.Fatalf("certify exited %d without a report: %v\n%s", code, err, logs)
	}
	return run, code, logs
}

func firstReportedFailure(run *reports.Run) *reports.Failure {
	for _, s := range run.Scenarios {
		if s.Failure != nil {
			return s.Failure
		}
	}
	return nil
}

// freePort is a loopback port free a moment ago, for a process to take.
func freePort(t *testing.T) string {
	t.Helper()
	addr, err := reservedAddr()
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(addr)
	return port
}

func clipped(s string) string {
	if len(s) > 90 {
		return s[:90] + "..."
	}
	return s
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// readFiles joins files' contents under headers, for a failure's log.
func readFiles(paths ...string) string {
	var b strings.Builder
	for _, p := range paths {
		data, _ := os.ReadFile(p)
		b.WriteString("--- " + filepath.Base(p) + " ---\n")
		b.Write(data)
	}
	return b.String()
}
