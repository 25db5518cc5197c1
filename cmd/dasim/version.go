package main

import (
	"context"
	"fmt"
	"io"

	"github.com/wipo-das/dasim/openapi"
)

// Version is the toolkit version; reports and signed bundles carry it.
const Version = "0.1.0-dev"

func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "dasim %s\ncontract das.yaml sha256 %s\n", Version, openapi.DASSpecSHA256())
	return nil
}
