package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/wipo-das/dasim/openapi"
)

// Version is the toolkit version; reports and signed bundles carry it.
const Version = "0.1.0-dev"

// buildInfo is what the Go toolchain recorded in the binary: the module
// version (a tag with go install …@v1.2.3, "(devel)" from a checkout) and
// the VCS revision it was built from.
type buildInfo struct {
	Module, ModuleVersion, Go string
	Revision, Time            string
	Modified                  bool
}

func readBuildInfo() buildInfo {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return buildInfo{Module: "github.com/wipo-das/dasim", ModuleVersion: "unknown (no build information)"}
	}
	out := buildInfo{Module: bi.Main.Path, ModuleVersion: bi.Main.Version, Go: bi.GoVersion}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			out.Revision = s.Value
		case "vcs.time":
			out.Time = s.Value
		case "vcs.modified":
			out.Modified = s.Value == "true"
		}
	}
	return out
}

// runVersion prints the toolkit version, the module version and VCS
// revision of the binary, and the contract it judges by (dasim version,
// dasim --version).
func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	b := readBuildInfo()
	fmt.Fprintf(stdout, "dasim %s\n", Version)
	fmt.Fprintf(stdout, "module   %s %s\n", b.Module, b.ModuleVersion)
	revision := b.Revision
	switch {
	case revision == "":
		revision = "unknown (built without VCS information: go run, -buildvcs=false, or a git worktree, which the go command does not read)"
	case b.Modified:
		revision += " (" + b.Time + ", with uncommitted changes)"
	default:
		revision += " (" + b.Time + ")"
	}
	fmt.Fprintf(stdout, "revision %s\n", revision)
	if b.Go != "" {
		fmt.Fprintf(stdout, "go       %s\n", b.Go)
	}
	fmt.Fprintf(stdout, "contract das.yaml sha256 %s\n", openapi.DASSpecSHA256())
	return nil
}
