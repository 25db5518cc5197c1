package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRegressionRunAgainstAServedDAS is WIPO's regression run end to end,
// as the README's regression block runs it, unchanged: the harness's offices
// and PCT DAS in one process (dasim certify --role das), dasim serve as the
// DAS under test in another, configured from the world file the harness
// wrote, and every role:das scenario against it. It must end with 0 failed
// and at most one skipped.
func TestRegressionRunAgainstAServedDAS(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs two processes for about two minutes: skipped with -short")
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "<!-- regression:begin -->")
	block, _, ok2 := strings.Cut(rest, "<!-- regression:end -->")
	if !ok || !ok2 {
		t.Fatal("README has no regression block")
	}
	script := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(block), "```sh"), "```")
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "R="+dir)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	certifyLog, _ := os.ReadFile(filepath.Join(dir, "certify.log"))
	if err != nil {
		t.Fatalf("regression block failed: %v\n%s\ncertify.log:\n%s", err, out, certifyLog)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	last := lines[len(lines)-1]
	m := regexp.MustCompile(`^(\d+) passed, (\d+) failed, (\d+) skipped$`).FindStringSubmatch(last)
	if m == nil {
		t.Fatalf("the block does not end with certify's summary line; last line %q\n%s", last, out)
	}
	passed, _ := strconv.Atoi(m[1])
	failed, _ := strconv.Atoi(m[2])
	skipped, _ := strconv.Atoi(m[3])
	if failed != 0 || skipped > 1 || passed < 30 {
		t.Fatalf("regression run: %s; want 0 failed, at most 1 skipped, every role:das scenario run\ncertify.log:\n%s", last, certifyLog)
	}
	t.Logf("regression run against the served DAS: %s in %v", last, time.Since(start).Round(time.Second))
}
