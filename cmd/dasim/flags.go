package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("dasim "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args, flags before or after the positional arguments
// (dasim verify-report DIR --cert C, as people type it; "--" ends the
// flags), and maps a parse error to errUsage. fs.Args() is then the
// positional arguments in order.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return errUsage
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			positional = append(positional, rest...) // after "--", everything is an argument
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	// Leave the positional arguments where fs.Args reads them.
	_ = fs.Parse(append([]string{"--"}, positional...))
	return nil
}

// requireFlags names each required flag that was not given, one line each
// with what it is for, and returns errUsage if any is missing.
func requireFlags(fs *flag.FlagSet, stderr io.Writer, names ...string) error {
	missing := 0
	for _, name := range names {
		f := fs.Lookup(name)
		if f == nil {
			panic("requireFlags: no flag --" + name) // a typo in this file, not the user's
		}
		if f.Value.String() != "" {
			continue
		}
		missing++
		fmt.Fprintf(stderr, "%s: missing --%s: %s\n", fs.Name(), name, strings.TrimSuffix(strings.TrimSuffix(f.Usage, "; required"), " (required)"))
	}
	if missing > 0 {
		fmt.Fprintf(stderr, "(%s -h lists every flag)\n", fs.Name())
		return errUsage
	}
	return nil
}
