package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/wipo-das/dasim/reports"
)

// The process-level tests (certify self-test, observed OSF, regression run)
// run dasim as the user would: a separate binary. It is built once per test
// binary and shared, so the tests do not pay for three builds.
var (
	buildOnce   sync.Once
	builtBinary string
	buildErr    error
	buildOutput []byte
)

// dasimBinary returns the path of a dasim binary built from this package.
func dasimBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "dasim-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBinary = filepath.Join(dir, "dasim")
		buildOutput, buildErr = exec.Command("go", "build", "-o", builtBinary, ".").CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build: %v\n%s", buildErr, buildOutput)
	}
	return builtBinary
}

// waitForJSON waits until another process has written path as a JSON
// document, and decodes it into v. The wait is real time (another process
// writes the file); the test fails when ctx ends first.
func waitForJSON(ctx context.Context, t *testing.T, path string, v any) {
	t.Helper()
	for {
		b, err := os.ReadFile(path)
		if err == nil && json.Unmarshal(b, v) == nil {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("%s was not written: %v", path, ctx.Err())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// startServe runs dasim serve in another process, its output in
// dir/serve.log, and waits for its endpoints file (dir/endpoints.json),
// decoded into ep. The process is killed when the test ends.
func startServe(ctx context.Context, t *testing.T, bin, dir string, ep any, args ...string) {
	t.Helper()
	endpoints := filepath.Join(dir, "endpoints.json")
	serve := exec.CommandContext(ctx, bin, append([]string{"serve", "--endpoints-file", endpoints}, args...)...)
	serveLog := logFile(t, dir, "serve.log")
	serve.Stdout, serve.Stderr = serveLog, serveLog
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = serve.Process.Kill(); _ = serve.Wait() })
	waitForJSON(ctx, t, endpoints, ep)
}

// readRun reads the report.json of a report directory.
func readRun(dir string) (*reports.Run, error) {
	b, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		return nil, err
	}
	var run reports.Run
	if err := json.Unmarshal(b, &run); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return &run, nil
}

// TestMain removes the shared binary once every test has run.
func TestMain(m *testing.M) {
	code := m.Run()
	if builtBinary != "" {
		os.RemoveAll(filepath.Dir(builtBinary))
	}
	os.Exit(code)
}
