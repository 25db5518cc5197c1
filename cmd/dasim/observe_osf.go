package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/scenarios"
	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/clock"
)

const certifyOSFHelp = `dasim certify --role osf: certify an office's OSF client (and its token client and notification
receiver) by observing it drive the simulated demo world.

Start it, wait for the endpoints file, then start the client under test with that file: it finds
issuer, token_endpoint, das_api, ca_file and the documents it must retrieve, download whole
(checking fileChecksum) and may delete. Each obligation is a check (T1-T2 token client, O1-O13
DAS API and downloads, P1-P11 forged notifications): a violation fails the run at once (unless
--keep-going); the run passes as soon as every listed document is done, and ends early when the
client has been idle for --idle.

Notifications (--notify ROOT): DAS POSTs ROOT/notifications with "Authorization: Bearer <token>",
an RS256 token of client id %s issued by the issuer of the endpoints file (verify it with that
issuer's JWKS, jwks_uri), scope %s. Before DAS's first notification the harness sends
forged ones (no token, a forged signature, another key, alg none, HS256, another issuer, expired,
not yet valid, wrong scope, another client): answer each 401 with WWW-Authenticate: Bearer, and act
on none. Answer DAS's notification, and its repeat, 204 with no body. An HTTPS receiver with a
certificate of its own CA: give that CA (or the certificate) with --notify-ca.

Pacing (das.yaml x-dasim-pacing): at most %d status requests per retrieval in any %v; after a 5xx or
429, wait Retry-After when given, else at least %v, backing off.

Flags:
`

// runCertifyOSF certifies an office-of-second-filing client by observing
// it: the system under test drives the simulated demo world through a DAS
// entrance of its own, and the checklist of harness.OSFChecklist judges each
// obligation per retrieval, including its reaction to the faults injected.
func runCertifyOSF(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("certify --role osf", stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, certifyOSFHelp, harness.DASClientID, authz.ScopeOfficeExchange, harness.PollMaxInWindow,
			harness.PollWindow, harness.RetryMinWait)
		fs.PrintDefaults()
	}
	office := fs.String("office", "", "ST.3 code the system acts for, not one of the demo world's offices (required)")
	clientID := fs.String("client-id", "", "its client id (required)")
	certFile := fs.String("cert", "", "its certificate PEM, the file an office sends WIPO (required)")
	notify := fs.String("notify", "", "its notifications API root (https://host/das/v1/requests), if DAS should notify it (see above)")
	notifyCA := fs.String("notify-ca", "", "PEM CA certificate(s), or the certificate itself, that --notify's TLS certificate chains to")
	osfFaults := osfFaultsFlag{f: allOSFFaults()}
	fs.Var(&osfFaults, "faults", "faults to inject: true/all, false/none, or a comma list of "+osfFaultNames())
	lifetime := fs.Duration("token-lifetime", 0, "lifetime of the access tokens issued (default 3600s, as WIPO's); when set, the client must be seen renewing (T2)")
	timeout := fs.Duration("timeout", 2*time.Minute, "how long to observe at most")
	idle := fs.Duration("idle", 15*time.Second, "end the run when the client has done nothing for this long (0: never)")
	keepGoing := fs.Bool("keep-going", false, "do not stop at the first violation: collect every one")
	endpoints := fs.String("endpoints-file", "", "where the client finds the world, written when ready (default: dasim-endpoints.json in the temp dir)")
	reportDir := fs.String("report-dir", "dasim-certify-report", "directory for junit.xml, report.json, report.html")
	signKey := fs.String("sign-key", "", "PEM private key that signs the report bundle")
	signCert := fs.String("sign-cert", "", "PEM certificate of that key")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := requireFlags(fs, stderr, "office", "client-id", "cert"); err != nil {
		return err
	}
	if *lifetime != 0 && *lifetime < 2*time.Second {
		fmt.Fprintf(stderr, "dasim certify --role osf: --token-lifetime %v: want at least 2s\n", *lifetime)
		return errUsage
	}
	if *notifyCA != "" && *notify == "" {
		fmt.Fprintln(stderr, "dasim certify --role osf: --notify-ca needs --notify")
		return errUsage
	}
	cert, err := os.ReadFile(*certFile)
	if err != nil {
		return err
	}
	key, signer, err := readSigner(*signKey, *signCert)
	if err != nil {
		return err
	}
	var roots []byte
	if *notifyCA != "" {
		if roots, err = os.ReadFile(*notifyCA); err != nil {
			return err
		}
	}
	if *endpoints == "" {
		*endpoints = filepath.Join(os.TempDir(), "dasim-endpoints.json")
	}
	wf := harness.DemoWorld()
	w, err := harness.StartWorld(ctx, wf, harness.Config{Clock: clock.NewOffset(0), AuthZTranscripts: true,
		TrustedRoots: roots, TokenLifetime: *lifetime})
	if err != nil {
		return err
	}
	defer w.Close()
	docs := listedDocuments(wf)
	o, err := w.Observe(ctx, harness.ObserveConfig{Office: *office, ClientID: *clientID, CertPEM: cert, NotifyURL: *notify,
		Documents: docs, Faults: osfFaults.f, RequireRenewal: *lifetime != 0})
	if err != nil {
		return err
	}
	if err := writeOSFEndpoints(w, o, docs, osfFaults.f, *endpoints); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "observing %s; endpoints in %s\n", o, *endpoints)
	started := clock.System().Now()
	obs := observeOSF(ctx, o, observeOptions{timeout: *timeout, idle: *idle, keepGoing: *keepGoing})
	run := checklistRun(o, obs, started)
	if err := scenarios.WriteReports(run, scenarios.Options{ReportDir: *reportDir, Toolkit: Version, Target: run.Target,
		SignKey: key, SignCert: signer}); err != nil {
		return err
	}
	printOSFRun(stdout, o, run, obs)
	if _, failed, _ := run.Counts(); failed > 0 {
		return fmt.Errorf("%d obligations not met (see %s/report.html)", failed, *reportDir)
	}
	if obs.interrupted {
		return errors.New("interrupted before every obligation was decided")
	}
	return nil
}

// listedDocuments are the documents the client must retrieve: every
// document of the world, one per exchange flow at least (c.1, c.2, c.3, PCT).
func listedDocuments(wf *harness.WorldFile) []harness.DocumentFile {
	var docs []harness.DocumentFile
	for _, of := range wf.Offices {
		docs = append(docs, of.Documents...)
	}
	return append(docs, wf.PCT...)
}

func writeOSFEndpoints(w *harness.World, o *harness.Observed, docs []harness.DocumentFile, f harness.OSFFaults, path string) error {
	ca, err := filepath.Abs(filepath.Join(filepath.Dir(path), "dasim-ca.pem"))
	if err != nil {
		return err
	}
	if err := w.CA.WriteFile(ca); err != nil {
		return err
	}
	ep := map[string]any{"issuer": w.AuthZ.Issuer(), "token_endpoint": w.AuthZ.TokenEndpoint(),
		"jwks_uri": w.AuthZ.JWKSURI(), "das_api": o.API, "ca_file": ca, "documents": docs,
		"office": o.Office, "client_id": o.ClientID, "scope": authz.ScopeOfficeExchange,
		"token_lifetime_seconds": int(w.AuthZ.Config().TokenLifetime / time.Second), "faults": faultList(f),
		"pacing": map[string]string{
			"status_polling":  fmt.Sprintf("at most %d GET retrievals/statuses per retrieval in any %v", harness.PollMaxInWindow, harness.PollWindow),
			"retry_after_5xx": fmt.Sprintf("wait Retry-After when given, else at least %v; each further retry waits no less", harness.RetryMinWait)}}
	if n := o.NotifyURL(); n != "" {
		ep["notifications"] = map[string]any{"url": n, "das_client_id": harness.DASClientID, "issuer": w.AuthZ.Issuer(),
			"jwks_uri": w.AuthZ.JWKSURI(), "scope": authz.ScopeOfficeExchange,
			"forged": "forged notifications come first: refuse each with 401 and WWW-Authenticate: Bearer, act on none"}
	}
	return writeJSONFile(path, ep)
}
