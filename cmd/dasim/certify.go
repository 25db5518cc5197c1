package main

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/reports"
	"github.com/wipo-das/dasim/scenarios"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/office"
)

// runCertify runs the scenarios of one role with that role bound to an
// external system (issue 6 point 3): --role off here; osf and das in
// certify_roles.go.
//
// Choices, for the OFF:
//   - The world (authorization server, object store, DAS, PCT DAS, simulated
//     OSFs) runs on the real clock: the office under test keeps its own time
//     and cannot be advanced, so token lifetimes and presigned URLs must
//     agree with it. Specs wait for the office's asynchronous steps in real
//     time, bounded by --patience, and fail as soon as the world's records
//     show a broken rule (they do not sit out DAS's retry backoff: a 500 on
//     a forwarded retrieval fails at once, naming the office).
//   - One world is shared by every spec, because the office joins it once:
//     its certificate is registered at the authorization server, --client-id
//     whitelisted for --office at DAS, and --target (the office-side API root,
//     base path included) put in DAS's office directory, with tokens from
//     WIPO's server (setup A) or from --issuer, the office's own (setup B).
//   - The endpoints file tells the office where the world is (issuer, das_api,
//     ca_file, ...), das_cert_file (DAS's certificate, to register DAS in
//     setup B) and target_tls_cert/target_tls_key: a certificate for the
//     target's host from the world's CA, which the world's DAS trusts. A
//     target serving a certificate of its own CA is trusted with --target-ca.
//   - The office registers the documents it declares in --documents at the
//     world's DAS after the endpoints file appears; certify waits (--wait)
//     until the target answers at all, then until those registrations are in
//     (or were refused). Flows take their documents from that file, one per
//     hosting; a flow whose hosting is not declared is skipped, and so are
//     the flows that need the OFF to correct or withdraw on request.
//   - Failures name "office CC (system under test)", the step, the
//     operation and the rule, traced from the recorded exchanges (token
//     refusals with the check the assertion failed, das.yaml violations of
//     the office's answers, DAS's failed calls to it, a missing notification).
func runCertify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	// The client roles are observed, the DAS is certified by WIPO's
	// regression run: each has its own flags (certify_roles.go).
	switch role, rest := roleOf(args); role {
	case "osf":
		return runCertifyOSF(ctx, rest, stdout, stderr)
	case "das":
		return runCertifyDAS(ctx, rest, stdout, stderr)
	}
	fs := newFlagSet("certify", stderr)
	role := fs.String("role", "off", "role bound to the system under test: off, osf (observed, see certify --role osf -h) or das (WIPO's regression run, see certify --role das -h)")
	target := fs.String("target", "", "the office-side API root of the system under test, base path included (https://host:port/das/v1/requests); required")
	code := fs.String("office", "", "ST.3 code the system under test acts for; required")
	clientID := fs.String("client-id", "", "its client id at WIPO's authorization server; required")
	certFile := fs.String("cert", "", "its certificate PEM (es256_cert.pem), registered at the world's authorization server; required")
	documents := fs.String("documents", "", "YAML/JSON list of the test documents it holds and registers (number, kind, date, accessCode, hosting library|home|transit, size or file); required")
	setup := fs.String("setup", "A", "how it authenticates DAS: A (WIPO's tokens) or B (its own authorization server, --issuer)")
	issuer := fs.String("issuer", "", "setup B: the issuer of its own authorization server, where DAS is registered as "+harness.DASClientID)
	endpointsFile := fs.String("endpoints-file", "", "write the world's endpoints JSON here (default: dasim-endpoints.json in the temp dir)")
	reportDir := fs.String("report-dir", "dasim-certify-report", "directory for junit.xml, report.json, report.html")
	signKey := fs.String("sign-key", "", "PEM private key that signs the report bundle")
	signCert := fs.String("sign-cert", "", "PEM certificate of that key")
	wait := fs.Duration("wait", 60*time.Second, "how long to wait for the target to answer and to register its documents")
	patience := fs.Duration("patience", 20*time.Second, "how long a scenario waits for an asynchronous step of the target (a notification)")
	authzAddr := fs.String("authz-addr", "", "listen address of the authorization server (default a free loopback port)")
	dasAddr := fs.String("das-addr", "", "listen address of DAS (default a free loopback port)")
	targetCA := fs.String("target-ca", "", "PEM root certificate(s) the target's TLS certificate chains to, when it does not serve target_tls_cert from the endpoints file (and for --issuer in setup B)")
	verbose := fs.Bool("v", false, "print each scenario and its steps as it runs")
	trigger := fs.String("trigger", "", "command (sh -c) that asks the office to correct, replace or withdraw a registration; the action is in DASIM_* environment variables (docs/certify-off.md)")
	triggerURL := fs.String("trigger-url", "", "webhook that asks the office to act: certify POSTs the action as JSON (docs/certify-off.md)")
	triggerWait := fs.Duration("trigger-wait", 5*time.Minute, "how long to wait, after asking, for the office's call to DAS")
	dasTimeout := fs.Duration("das-timeout", 10*time.Second, "how long DAS waits for one answer of the office before it abandons the call")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *role != "off" {
		fmt.Fprintf(stderr, "dasim certify: --role %q: want off, osf or das\n", *role)
		return errUsage
	}
	if err := requireFlags(fs, stderr, "target", "office", "client-id", "cert", "documents"); err != nil {
		return err
	}
	docs, err := harness.ReadDocumentsFile(*documents)
	if err != nil {
		return err
	}
	certPEM, err := os.ReadFile(*certFile)
	if err != nil {
		return err
	}
	key, cert, err := readSigner(*signKey, *signCert)
	if err != nil {
		return err
	}
	var roots []byte
	if *targetCA != "" {
		if roots, err = os.ReadFile(*targetCA); err != nil {
			return err
		}
	}
	started := clock.System().Now()
	w, err := harness.Start(ctx, harness.Config{Clock: clock.System(), AuthZTranscripts: true, TrustedRoots: roots,
		DASOutboundTimeout: *dasTimeout, Addrs: map[string]string{"authz": *authzAddr, "das": *dasAddr}})
	if err != nil {
		return err
	}
	defer w.Close()
	ext := harness.External{URL: *target, Issuer: *issuer, ClientID: *clientID, CertPEM: certPEM, Office: *code}
	if err := w.AddExternalOffice(ext, office.AuthSetup(*setup)); err != nil {
		return err
	}
	if *endpointsFile == "" {
		*endpointsFile = filepath.Join(os.TempDir(), "dasim-endpoints.json")
	}
	ep, err := describeCertifyWorld(w, *endpointsFile, *target)
	if err != nil {
		return err
	}
	if err := writeJSONFile(*endpointsFile, ep); err != nil {
		return err
	}
	printEndpoints(stdout, ep)
	fmt.Fprintf(stdout, "endpoints file %s; waiting up to %v for %s\n", *endpointsFile, *wait, *target)
	bound := &harness.BoundOFF{External: ext, Setup: office.AuthSetup(*setup), Documents: docs,
		Trigger: offTrigger(*trigger, *triggerURL, w, os.Stdin, stdout), TriggerWait: *triggerWait}
	var run *reports.Run
	opts := scenarios.Options{ReportDir: *reportDir, Toolkit: Version, SignKey: key, SignCert: cert,
		Target:   fmt.Sprintf("office %s (role off) at %s", *code, *target),
		Roles:    harness.Run{Bindings: harness.Bindings{OFF: bound}, World: w, Patience: *patience},
		OnReport: func(r *reports.Run) { run = r }}
	if err := waitForTarget(ctx, w, *target, *wait); err != nil {
		if f, ok := tlsFailure(err, *target); ok {
			f.Party = "office " + *code + " (system under test)"
			if werr := writeFailedConnection(opts, f, started); werr != nil {
				return werr
			}
			return fmt.Errorf("%s: %s: %s (%s); reports in %s", f.Operation, f.Rule, f.Actual, f.Message, *reportDir)
		}
		return err
	}
	waitForRegistrations(ctx, w, len(docs), *wait)
	err = runScenarios(opts, suiteSettings{labelFilter: "role:off", verbose: *verbose}, stdout)
	if run == nil {
		return err
	}
	v := scenarios.Judge(run, "off")
	fmt.Fprintf(stdout, "%s (%.1f s)\n", v, clock.System().Since(started).Seconds())
	if err == nil && !v.OK() {
		err = fmt.Errorf("certification incomplete: %d required checks skipped (see %s/report.html)", len(v.Skipped), *reportDir)
	}
	return err
}

// describeCertifyWorld is serve's endpoints document plus what an office
// under test needs: DAS's certificate (setup B) and a TLS certificate for
// the target's host from the world's CA.
func describeCertifyWorld(w *harness.World, endpointsFile, target string) (map[string]any, error) {
	dir := filepath.Dir(endpointsFile)
	ep, err := describeWorld(w, dir, "", "")
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	tc, err := w.CA.Issue(u.Hostname(), "127.0.0.1", "localhost", "::1")
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(tc.PrivateKey)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{
		"das_cert_file":   w.DASCertificatePEM(),
		"target_tls_cert": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tc.Certificate[0]}),
		"target_tls_key":  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
	}
	for name, b := range files {
		path, _ := filepath.Abs(filepath.Join(dir, "dasim-"+name+".pem"))
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return nil, err
		}
		ep[name] = path
	}
	ep["target"] = target
	return ep, nil
}

// waitForTarget polls the target until it answers at all (any HTTP status).
func waitForTarget(ctx context.Context, w *harness.World, target string, wait time.Duration) error {
	deadline := w.Clock.Now().Add(wait)
	hc := w.HTTPClient()
	hc.Timeout = 2 * time.Second
	var lastErr error
	for w.Clock.Now().Before(deadline) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		if err != nil {
			return err
		}
		res, err := hc.Do(req)
		if err == nil {
			res.Body.Close()
			return nil
		}
		if _, tlsErr := tlsFailure(err, target); tlsErr {
			return err // a certificate that does not verify will not verify later
		}
		lastErr = err
		if !sleep(ctx, 100*time.Millisecond) {
			return ctx.Err()
		}
	}
	return fmt.Errorf("the target %s did not answer within %v: %w", target, wait,
		withTLSHint(lastErr, "serve target_tls_cert and target_tls_key from the endpoints file, or give the root of your own certificate with --target-ca"))
}

// waitForRegistrations waits until DAS accepted n registrations, or refused
// one, or the office's token request was refused, or wait passed: the
// scenarios then judge whatever is there.
func waitForRegistrations(ctx context.Context, w *harness.World, n int, wait time.Duration) {
	deadline := w.Clock.Now().Add(wait)
	for w.Clock.Now().Before(deadline) {
		accepted, refused := 0, false
		for _, e := range w.Log.Exchanges() {
			switch {
			case e.Labels.Party == "authz" && e.Recorder == "server" && e.Status >= 400:
				refused = true
			case e.Operation == "registerDocument" && e.Recorder == "server":
				if e.Status == http.StatusCreated {
					accepted++
				} else {
					refused = true
				}
			}
		}
		if accepted >= n || refused || !sleep(ctx, 100*time.Millisecond) {
			return
		}
	}
}

// sleep waits d in real time (polling an external system); false if ctx ended.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
