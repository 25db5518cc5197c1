package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wipo-das/dasim/reports"
)

// osfCertification is one certify --role osf run with a client under test
// in another process.
type osfCertification struct {
	exit   int
	run    *reports.Run
	log    string
	wall   time.Duration
	stdout string
}

// certifyOSF runs certify --role osf in its own process with args, starts
// the command line client(endpoints file) once that file is written, and
// reads the report.
func certifyOSF(t *testing.T, bin, dir, name string, args []string, client func(endpoints string) []string) osfCertification {
	t.Helper()
	c, err := certifyOSFCase(bin, dir, name, args, client)
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, c.log)
	}
	return c
}

// certifyOSFCase is certifyOSF for any goroutine: it reports instead of failing.
func certifyOSFCase(bin, dir, name string, args []string, client func(endpoints string) []string) (osfCertification, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	own := filepath.Join(dir, name) // the world's CA file is written beside the endpoints file
	if err := os.MkdirAll(own, 0o755); err != nil {
		return osfCertification{}, err
	}
	ep := filepath.Join(own, "endpoints.json")
	rep := filepath.Join(own, "report")
	all := append([]string{"certify", "--role", "osf", "--office", "SE", "--client-id", "se-osf",
		"--cert", filepath.Join(dir, "es256_cert.pem"), "--endpoints-file", ep, "--report-dir", rep}, args...)
	cmd := exec.CommandContext(ctx, bin, all...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return osfCertification{}, err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	for { // certify writes the endpoints file once its world is up
		if b, err := os.ReadFile(ep); err == nil && json.Valid(b) {
			break
		}
		select {
		case <-exited:
			return osfCertification{log: out.String()}, fmt.Errorf("certify ended without writing %s", ep)
		case <-ctx.Done():
			<-exited
			return osfCertification{log: out.String()}, fmt.Errorf("no endpoints file: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	argv := client(ep)
	sut := exec.CommandContext(ctx, argv[0], argv[1:]...)
	sut.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"))
	sut.Dir = own
	var sutOut strings.Builder
	sut.Stdout, sut.Stderr = &sutOut, &sutOut
	if err := sut.Start(); err != nil {
		return osfCertification{}, err
	}
	<-exited
	wall := time.Since(start)
	_ = sut.Process.Kill() // a client still running when certify has decided
	_ = sut.Wait()
	c := osfCertification{exit: cmd.ProcessState.ExitCode(), wall: wall, stdout: out.String(),
		log: out.String() + "\nclient:\n" + sutOut.String()}
	run, err := readRun(rep)
	if err != nil {
		return c, fmt.Errorf("no report: %w", err)
	}
	c.run = run
	return c, nil
}

// shellClient runs a testdata client script with the key and client id.
func shellClient(dir, script string) func(string) []string {
	path, _ := filepath.Abs(filepath.Join("testdata", script))
	return func(ep string) []string {
		return []string{"bash", path, ep, filepath.Join(dir, "es256_private.pem"), "se-osf"}
	}
}

// TestCertifyOSFObservesAClientInAnotherProcess certifies curl clients
// (testdata/): the minimal one (no retry, no checksum check) passes without
// faults and fails with them, naming the party, step, operation and rule; a
// careful one passes with every fault on.
func TestCertifyOSFObservesAClientInAnotherProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs processes: skipped with -short")
	}
	for _, tool := range []string{"bash", "jq", "curl", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s", tool)
		}
	}
	dir := t.TempDir()
	bin := dasimBinary(t)
	if out, err := exec.Command(bin, "keygen", "--dir", dir).CombinedOutput(); err != nil {
		t.Fatalf("keygen: %v\n%s", err, out)
	}
	t.Run("minimal client without faults passes", func(t *testing.T) {
		t.Parallel()
		key, cert := filepath.Join(dir, "es256_private.pem"), filepath.Join(dir, "es256_cert.pem")
		c := certifyOSF(t, bin, dir, "clean", []string{"--faults=false", "--sign-key", key, "--sign-cert", cert},
			shellClient(dir, "osf_client.sh"))
		if passed, failed, _ := c.run.Counts(); c.exit != 0 || failed != 0 || passed < 8 {
			t.Fatalf("exit %d, %d passed, %d failed\n%s", c.exit, passed, failed, c.log)
		}
		expectCheck(t, c.run, "O9 ", "passed", c.log)
		// The OSF role signs its bundle as the other roles do.
		if out, err := exec.Command(bin, "verify-report", "--cert", cert, filepath.Join(dir, "clean", "report")).CombinedOutput(); err != nil {
			t.Fatalf("verify-report: %v\n%s", err, out)
		}
		t.Logf("passing run without faults: %v", c.wall.Round(100*time.Millisecond))
	})
	t.Run("careful client with faults passes", func(t *testing.T) {
		t.Parallel()
		c := certifyOSF(t, bin, dir, "careful", nil, shellClient(dir, "osf_client_careful.sh"))
		if passed, failed, _ := c.run.Counts(); c.exit != 0 || failed != 0 || passed < 12 {
			t.Fatalf("exit %d, %d passed, %d failed\n%s", c.exit, passed, failed, c.log)
		}
		for _, id := range []string{"O7 ", "O10 ", "O11 ", "O13 "} {
			expectCheck(t, c.run, id, "passed", c.log)
		}
		t.Logf("passing run with faults: %v", c.wall.Round(100*time.Millisecond))
	})
	t.Run("minimal client with faults fails", func(t *testing.T) {
		t.Parallel()
		c := certifyOSF(t, bin, dir, "faults", []string{"--idle", "3s"}, shellClient(dir, "osf_client.sh"))
		if c.exit != 1 {
			t.Fatalf("a client that does not retry a 503 passed (exit %d)\n%s", c.exit, c.log)
		}
		f := expectCheck(t, c.run, "O7 ", "failed", c.log)
		if f.Party != "office SE (system under test)" || f.Step != "(2a)" || f.Operation != "requestRetrieval" || !strings.Contains(f.Rule, "503") {
			t.Fatalf("O7 should name the party, step, operation and rule: %+v", f)
		}
		f = expectCheck(t, c.run, "O10 ", "failed", c.log)
		if f.Operation != "getFileDownloadUrl" || f.Pointer != "/fileDownloadUrlExpiryDate" {
			t.Fatalf("O10 should name the operation and field: %+v", f)
		}
		t.Logf("failing run (client gone after the 503, run ends idle): %v", c.wall.Round(100*time.Millisecond))
	})
}

// expectCheck finds the check with prefix in run, wants it in state, and
// returns its failure (empty when it passed).
func expectCheck(t *testing.T, run *reports.Run, prefix, state, log string) reports.Failure {
	t.Helper()
	for _, s := range run.Scenarios {
		if !strings.HasPrefix(s.Name, prefix) {
			continue
		}
		if s.State != state {
			t.Fatalf("%s: %s, want %s (%+v)\n%s", s.Name, s.State, state, s.Failure, log)
		}
		if s.Failure != nil {
			return *s.Failure
		}
		return reports.Failure{}
	}
	t.Fatalf("no check %q in the report\n%s", prefix, log)
	return reports.Failure{}
}
