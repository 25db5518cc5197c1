package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestREADMEWalkthrough runs the README's curl walkthrough as written: build,
// dasim serve, token, retrieval as the demo OSF, status, download, delete.
// Only D, the scratch directory, is chosen by the test.
func TestREADMEWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and serves a world: skipped with -short")
	}
	for _, tool := range []string{"bash", "jq", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the walkthrough needs %s (.ci/run installs it)", tool)
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "<!-- walkthrough:begin -->")
	block, _, ok2 := strings.Cut(rest, "<!-- walkthrough:end -->")
	if !ok || !ok2 {
		t.Fatal("README has no walkthrough block")
	}
	script := strings.TrimSpace(block)
	script = strings.TrimPrefix(script, "```sh")
	script = strings.TrimSuffix(script, "```")

	// Twice in the same directory (issue 13): the second run must not read
	// the first one's endpoints file or show its download.
	dir := t.TempDir()
	for run := 1; run <= 2; run++ {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script)
		cmd.Dir = "../.."
		cmd.Env = append(os.Environ(), "D="+dir)
		out, err := cmd.CombinedOutput()
		cancel()
		serveLog, _ := os.ReadFile(filepath.Join(dir, "serve.log"))
		if err != nil {
			t.Fatalf("walkthrough run %d failed: %v\n%s\nserve.log:\n%s", run, err, out, serveLog)
		}
		got := string(out)
		for _, want := range []string{"%PDF-", "204", `"code":"GONE"`, `"code":-41`} {
			if !strings.Contains(got, want) {
				t.Errorf("walkthrough run %d output lacks %q:\n%s", run, want, got)
			}
		}
		if b, err := os.ReadFile(filepath.Join(dir, "EE-P202300012.pdf")); err != nil || len(b) == 0 {
			t.Errorf("run %d: downloaded document missing: %v", run, err)
		}
		// serve -v: one line per call, no TLS handshake noise.
		for _, want := range []string{"→ das  requestRetrieval  201  ok", "→ das  deleteFile  204  ok"} {
			if !strings.Contains(string(serveLog), want) {
				t.Errorf("run %d: serve.log lacks %q:\n%s", run, want, serveLog)
			}
		}
		if strings.Contains(string(serveLog), "TLS handshake error") {
			t.Errorf("run %d: serve.log has TLS handshake noise:\n%s", run, serveLog)
		}
	}
}
