// Command dasim is the single command line of the toolkit: it serves the
// simulated world, runs and certifies scenarios, and gives offices the key,
// assertion and token tools of WIPO's private_key_jwt authentication.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one subcommand. run returns errUsage for a bad invocation, so
// main can print the usage and exit 2.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var errUsage = errors.New("usage")

// commands lists every subcommand; each lives in its own file.
func commands() []command {
	return []command{
		{"version", "print the toolkit and contract versions", runVersion},
		{"run", "run every scenario against the simulated world; reports in --report-dir", runRun},
		{"bench", "measure GET retrievals/statuses on the simulated DAS (and on Prism with --prism)", runBench},
		{"verify-report", "check a signed report bundle (signature, signer, every file)", runVerifyReport},
		{"keygen", "write the ES256 key and certificate files of WIPO's keygen script", runKeygen},
		{"token", "get an access token the way WIPO's authentication script does", runToken},
		{"assertion", "build or decode a client assertion and explain what the server would refuse", runAssertion},
		{"serve", "serve the simulated world (authorization server, ...) on loopback HTTPS", runServe},
		{"certify", "certify a system under test: --role off (driven), osf (observed) or das (WIPO's regression run)", runCertify},
		{"office", "run one simulated office as its own process against a running world (optionally with --defect)", runOffice},
		{"completion", "print a shell completion script: dasim completion bash|zsh", runCompletion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		args = append([]string{"version"}, args[1:]...)
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		default:
			fmt.Fprintf(stderr, "dasim %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "dasim: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "dasim: contract tests and simulation of the WIPO DAS REST API")
	fmt.Fprintln(w, "\nUsage: dasim <command> [flags] [arguments]   (dasim <command> -h for its flags; dasim --version)")
	fmt.Fprintln(w, "\nCommands:")
	cs := commands()
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
	}
}
