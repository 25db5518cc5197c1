package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
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

// TestMain removes the shared binary once every test has run.
func TestMain(m *testing.M) {
	code := m.Run()
	if builtBinary != "" {
		os.RemoveAll(filepath.Dir(builtBinary))
	}
	os.Exit(code)
}
