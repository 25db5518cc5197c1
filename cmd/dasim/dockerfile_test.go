package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDockerfileBuildsAStaticBinary checks the Dockerfile where no Docker
// daemon runs: its stages, its final image's base, and that its build
// stage's go build command, run as written, makes a static binary that
// works on an empty image (no interpreter, no shared libraries).
func TestDockerfileBuildsAStaticBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary: skipped with -short")
	}
	b, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var froms []string
	var build string
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "FROM "):
			froms = append(froms, strings.TrimPrefix(line, "FROM "))
		case strings.HasPrefix(line, "RUN ") && strings.Contains(line, "go build"):
			build = strings.TrimPrefix(line, "RUN ")
		}
	}
	if len(froms) != 2 || !strings.HasSuffix(froms[0], " AS build") || froms[1] != "scratch" {
		t.Fatalf("want a build stage and a scratch image, got FROM %q", froms)
	}
	if !strings.Contains(build, "CGO_ENABLED=0") || !strings.Contains(build, "-o /out/dasim ./cmd/dasim") {
		t.Fatalf("build line %q", build)
	}
	out := filepath.Join(t.TempDir(), "dasim")
	cmd := exec.Command("sh", "-c", strings.Replace(build, "/out/dasim", out, 1))
	cmd.Dir = "../.."
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", build, err, b)
	}
	f, err := elf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Fatalf("the binary is dynamically linked (program header %v)", p.Type)
		}
	}
	if v, err := exec.Command(out, "--version").Output(); err != nil || !strings.HasPrefix(string(v), "dasim ") {
		t.Fatalf("the static binary does not run: %v %s", err, v)
	}
}
