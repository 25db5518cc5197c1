package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wipo-das/dasim/reports"
)

// TestCertifyOSFObservesAClientInAnotherProcess certifies a minimal OSF
// client (testdata/osf_client.sh: curl, no retry, no notification endpoint)
// twice: without faults it meets every required behaviour; with the harness's
// 503 on its first retrieval it fails, and the report names the party, step,
// operation and rule.
func TestCertifyOSFObservesAClientInAnotherProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs processes: skipped with -short")
	}
	for _, tool := range []string{"bash", "jq", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s", tool)
		}
	}
	dir := t.TempDir()
	bin := dasimBinary(t)
	if out, err := exec.Command(bin, "keygen", "--dir", dir).CombinedOutput(); err != nil {
		t.Fatalf("keygen: %v\n%s", err, out)
	}
	minimal, _ := filepath.Abs("testdata/osf_client.sh")
	careful, _ := filepath.Abs("testdata/osf_client_careful.sh")

	certify := func(name, client string, faults bool) (int, *reports.Run, string) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		ep := filepath.Join(dir, name+"-endpoints.json")
		rep := filepath.Join(dir, name+"-report")
		cmd := exec.CommandContext(ctx, bin, "certify", "--role", "osf", "--office", "SE", "--client-id", "se-osf",
			"--cert", filepath.Join(dir, "es256_cert.pem"), "--faults="+map[bool]string{true: "true", false: "false"}[faults],
			"--timeout", "5s", "--endpoints-file", ep, "--report-dir", rep)
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var endpoints map[string]any
		waitForJSON(ctx, t, ep, &endpoints)
		sut := exec.CommandContext(ctx, "timeout", "4", "bash", client, ep, filepath.Join(dir, "es256_private.pem"), "se-osf")
		sut.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"))
		sutOut, _ := sut.CombinedOutput()
		_ = cmd.Wait()
		run, err := readRun(rep)
		if err != nil {
			t.Fatalf("%s: no report: %v\n%s\nclient:\n%s", name, err, out.String(), sutOut)
		}
		return cmd.ProcessState.ExitCode(), run, out.String() + "\nclient:\n" + string(sutOut)
	}

	code, run, log := certify("clean", minimal, false)
	if passed, failed, _ := run.Counts(); code != 0 || failed != 0 || passed < 5 {
		t.Fatalf("clean client: exit %d, %d passed, %d failed\n%s", code, passed, failed, log)
	}
	expectCheck(t, run, "O9 ", "passed", log)

	code, run, log = certify("careful", careful, true)
	if passed, failed, _ := run.Counts(); code != 0 || failed != 0 || passed < 7 {
		t.Fatalf("a client that retries the 503 and renews the expired URL: exit %d, %d passed, %d failed\n%s", code, passed, failed, log)
	}
	expectCheck(t, run, "O7 ", "passed", log)
	expectCheck(t, run, "O10 ", "passed", log)

	code, run, log = certify("faults", minimal, true)
	if code != 1 {
		t.Fatalf("a client that does not retry a 503 passed (exit %d)\n%s", code, log)
	}
	f := expectCheck(t, run, "O7 ", "failed", log)
	if f.Party != "office SE (system under test)" || f.Step != "(2a)" || f.Operation != "requestRetrieval" || !strings.Contains(f.Rule, "503") {
		t.Fatalf("O7 should name the party, step, operation and rule: %+v", f)
	}
	f = expectCheck(t, run, "O10 ", "failed", log)
	if f.Party != "office SE (system under test)" || f.Operation != "getFileDownloadUrl" || f.Pointer != "/fileDownloadUrlExpiryDate" {
		t.Fatalf("O10 should name the party, operation and field: %+v", f)
	}
	t.Logf("minimal client under faults: O10 %s: %s", f.Actual, f.Message)
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
