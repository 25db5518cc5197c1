package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRegressionRunAgainstAServedDAS is WIPO's regression run end to end:
// `dasim serve` plays the DAS under test in its own process, and `dasim
// certify --role das` certifies it over HTTPS as the identities serve wrote.
func TestRegressionRunAgainstAServedDAS(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs two processes: skipped with -short")
	}
	dir := t.TempDir()
	bin := dasimBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	endpoints := filepath.Join(dir, "endpoints.json")
	serve := exec.CommandContext(ctx, bin, "serve", "--endpoints-file", endpoints)
	serveLog := logFile(t, dir, "serve.log")
	serve.Stdout, serve.Stderr = serveLog, serveLog
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = serve.Process.Kill(); _ = serve.Wait() }()
	var ep endpointsFile
	waitForJSON(ctx, t, endpoints, &ep)
	args := []string{"certify", "--role", "das", "--target", ep.DASAPI, "--issuer", ep.Issuer, "--ca", ep.CAFile,
		"--report-dir", filepath.Join(dir, "report")}
	for _, cc := range []string{"EE", "JP", "US"} {
		id := ep.Identities[cc]
		args = append(args, "--office", cc+":"+id.ClientID+"="+id.Key)
	}
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("certify --role das: %v\n%s", err, out)
	}
	run, err := readRun(filepath.Join(dir, "report"))
	if err != nil {
		t.Fatal(err)
	}
	passed, failed, _ := run.Counts()
	if passed < 10 || failed != 0 || !strings.HasPrefix(run.Target, "DAS at https://127.0.0.1:") {
		t.Fatalf("regression run: %d passed, %d failed, target %q\n%s", passed, failed, run.Target, out)
	}
	t.Logf("regression run against the served DAS: %d passed, %d failed", passed, failed)
}
