package main

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/reports"
	"github.com/wipo-das/dasim/scenarios"
	"github.com/wipo-das/dasim/simulators/clock"
)

// remoteDASFilter is what a DAS under test is certified on: every spec of
// the DAS role. The harness runs the offices (both sides) and PCT DAS the
// DAS calls back (harness.StartSites); where a spec must wait for a timing
// of the DAS (its retention, its deadline for an OFF) it waits real time up
// to --max-wait and skips beyond it, saying so.
const remoteDASFilter = "role:das"

// runCertifyDAS is WIPO's regression run: the DAS scenarios against a DAS and
// authorization server given by URL. The harness first starts its offices and
// PCT DAS where the DAS can reach them and writes what the DAS must be
// configured with (das-config.json, and world.yaml for a dasim serve under
// test); it then waits for the DAS to answer and runs every DAS scenario.
func runCertifyDAS(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("certify --role das", stderr)
	target := fs.String("target", "", "the DAS API root under test, base path included (required)")
	issuer := fs.String("issuer", "", "issuer of the authorization server the DAS trusts (required)")
	caFile := fs.String("ca", "", "PEM bundle to trust for the DAS and authorization server TLS certificates (default: the system's roots)")
	var offices officeFlags
	fs.Var(&offices, "office", "CC:CLIENT_ID=KEY_PEM: an identity provisioned at the DAS under test for the harness's office CC (EE, FI, JP, US, LV); offices without one use a key of the state dir, whose certificate das-config.json names")
	sitesAddr := fs.String("sites-addr", "127.0.0.1:0", "listen address of the harness's first office (EE); FI, JP, US, LV and PCT DAS take the next ports; port 0: free ports, new at every run")
	sitesHost := fs.String("sites-host", "", "the host name the DAS reaches the harness's offices at (their certificates name it); default: the host of --sites-addr")
	stateDir := fs.String("state-dir", "dasim-das-state", "keeps the offices' CA and keys from run to run, so a DAS configured once stays configured")
	configDir := fs.String("config-dir", "dasim-das-config", "where das-config.json and world.yaml (what the DAS must be configured with) are written")
	dasCert := fs.String("das-cert", "", "PEM certificate of the DAS's private_key_jwt key, registered at the setup-B offices' own authorization servers; default: the harness makes the DAS a key (das_key_file of das-config.json)")
	dasClientID := fs.String("das-client-id", harness.DASClientID, "the DAS's client id at its authorization server, which the offices whitelist")
	retention := fs.Duration("retention", 7*24*time.Hour, "the DAS's transit retention, as its operator declares it")
	offDeadline := fs.Duration("off-deadline", 7*24*time.Hour, "how long the DAS waits for an OFF's notification, as declared")
	callTimeout := fs.Duration("call-timeout", 30*time.Second, "the DAS's timeout for one call to an office, as declared")
	tokenLifetime := fs.Duration("token-lifetime", 0, "the lifetime of the access tokens of the DAS's authorization server, written into world.yaml (0: its default)")
	maxWait := fs.Duration("max-wait", 2*time.Minute, "the longest a scenario waits in real time for a timing of the DAS; a scenario that needs longer is skipped with the reason")
	patience := fs.Duration("patience", 20*time.Second, "how long a scenario waits for an asynchronous step of the DAS (a notification)")
	wait := fs.Duration("wait", 2*time.Minute, "how long to wait, after writing the configuration, for the DAS to answer")
	reportDir := fs.String("report-dir", "dasim-report", "directory for junit.xml, report.json, report.html")
	signKey := fs.String("sign-key", "", "PEM private key that signs the report bundle")
	signCert := fs.String("sign-cert", "", "PEM certificate of that key")
	verbose := fs.Bool("v", false, "print each scenario and its steps as it runs")
	only := fs.String("label-filter", "", "run only the DAS scenarios that also match this label filter, e.g. 'flow:c2 || flow:faults'")
	failFast := fs.Bool("fail-fast", false, "stop at the first failure")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := requireFlags(fs, stderr, "target", "issuer"); err != nil {
		return errUsage
	}
	remote, err := harness.NewRemoteDAS(*target, *issuer, *caFile, offices)
	if err != nil {
		return err
	}
	remote.DASClientID = *dasClientID
	remote.Declared = harness.DASTimings{Retention: *retention, OFFDeadline: *offDeadline, CallTimeout: *callTimeout, TokenLifetime: *tokenLifetime}
	if *dasCert != "" {
		if remote.DASCertPEM, err = os.ReadFile(*dasCert); err != nil {
			return err
		}
	}
	key, cert, err := readSigner(*signKey, *signCert)
	if err != nil {
		return err
	}
	sc := harness.SitesConfig{DAS: remote, Listen: *sitesAddr, PublicHost: *sitesHost, StateDir: *stateDir}
	w, err := harness.StartSites(ctx, sc)
	if err != nil {
		return err
	}
	defer w.Close()
	files, err := harness.WriteSitesFiles(*configDir, w, sc, remote.Declared)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "the harness's offices are ready; configure the DAS under test from %s (a dasim serve: --world %s)\n",
		files.Config, files.World)
	fmt.Fprintf(stdout, "waiting up to %v for the DAS at %s\n", *wait, *target)
	if err := waitForDAS(ctx, remote, *wait); err != nil {
		return err
	}
	err = runScenarios(scenarios.Options{ReportDir: *reportDir, Toolkit: Version, Target: "DAS at " + *target,
		SignKey: key, SignCert: cert, Roles: harness.Run{Bindings: harness.Bindings{DAS: remote}, World: w,
			Patience: *patience, MaxWait: *maxWait}},
		suiteSettings{labelFilter: narrowed(remoteDASFilter, *only), verbose: *verbose, failFast: *failFast}, stdout)
	printSummary(stdout, *reportDir)
	return err
}

// narrowed is the role's label filter, and also extra when given.
func narrowed(role, extra string) string {
	if strings.TrimSpace(extra) == "" {
		return role
	}
	return role + " && (" + extra + ")"
}

// waitForDAS polls the DAS and its authorization server's discovery until
// both answer (any HTTP status) or wait passes; a certificate that does not
// verify fails at once, naming the flag that fixes it.
func waitForDAS(ctx context.Context, r *harness.RemoteDAS, wait time.Duration) error {
	real := clock.System()
	deadline := real.Now().Add(wait)
	hc := *r.HTTP
	hc.Timeout = 2 * time.Second
	for _, u := range []string{r.API, r.Issuer + "/.well-known/openid-configuration"} {
		for {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			if err != nil {
				return err
			}
			res, err := hc.Do(req)
			if err == nil {
				res.Body.Close()
				break
			}
			if hinted := withTLSHint(err, "give the CA that issued it with --ca (a PEM bundle)"); hinted != err {
				return hinted
			}
			if !real.Now().Before(deadline) {
				return fmt.Errorf("%s did not answer within %v (--wait): %w", u, wait, err)
			}
			if !sleep(ctx, 200*time.Millisecond) {
				return ctx.Err()
			}
		}
	}
	return nil
}

// printSummary prints the run's counts on a line of their own, from the
// report it wrote: "N passed, M failed, K skipped".
func printSummary(stdout io.Writer, reportDir string) {
	run, err := readRunFile(filepath.Join(reportDir, "report.json"))
	if err != nil {
		return
	}
	passed, failed, skipped := run.Counts()
	fmt.Fprintf(stdout, "%d passed, %d failed, %d skipped\n", passed, failed, skipped)
}

// officeFlags parses repeated --office CC:CLIENT_ID=KEY_PEM.
type officeFlags []*harness.RemoteIdentity

func (o *officeFlags) String() string { return fmt.Sprint(len(*o), " offices") }

func (o *officeFlags) Set(v string) error {
	left, path, ok := strings.Cut(v, "=")
	cc, id, ok2 := strings.Cut(left, ":")
	if !ok || !ok2 || len(cc) != 2 || id == "" || path == "" {
		return fmt.Errorf("want CC:CLIENT_ID=KEY_PEM, got %q", v)
	}
	k, err := readPrivateKey(path)
	if err != nil {
		return err
	}
	ec, isEC := k.(*ecdsa.PrivateKey)
	if !isEC {
		return errors.New(path + ": the office key must be the ES256 key of WIPO's keygen script")
	}
	*o = append(*o, &harness.RemoteIdentity{Office: cc, ClientID: id, Key: ec})
	return nil
}

// readRunFile reads a report.json.
func readRunFile(path string) (*reports.Run, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var run reports.Run
	if err := json.Unmarshal(b, &run); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &run, nil
}
