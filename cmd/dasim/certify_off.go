package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/url"
	"os"
	"time"

	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/reports"
	"github.com/wipo-das/dasim/scenarios"
)

// offTrigger is how certify asks the office under test to act on its own
// initiative: the --trigger command, the --trigger-url webhook, or, on a
// terminal, a prompt to the operator; nil when none (those flows are then
// skipped, and the certification is incomplete).
func offTrigger(command, webhook string, w *harness.World, stdin *os.File, stdout io.Writer) harness.Trigger {
	switch {
	case command != "":
		return harness.CommandTrigger{Command: command}
	case webhook != "":
		return harness.WebhookTrigger{URL: webhook, Client: w.HTTPClient()}
	case interactive(stdin):
		return harness.PromptTrigger{Out: stdout}
	}
	return nil
}

// interactive reports whether f is an operator's terminal: a character
// device, and not the null device a script or CI gives a process.
func interactive(f *os.File) bool {
	if !isTerminal(f) {
		return false
	}
	st, err := f.Stat()
	null, nerr := os.Stat(os.DevNull)
	return err == nil && (nerr != nil || !os.SameFile(st, null))
}

// tlsFailure explains an error of the first connection to the target when
// its certificate does not verify: the cause, and the flag that fixes it.
// Waiting longer cannot help, so certify stops at once.
func tlsFailure(err error, target string) (reports.Failure, bool) {
	fix := "serve target_tls_cert and target_tls_key from the endpoints file (a certificate of the world's CA for the target's host), or give the root of your certificate with --target-ca"
	var cause string
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	switch {
	case errors.As(err, &unknown):
		cause = "unknown authority: the certificate is not signed by the world's CA nor by a root of --target-ca"
	case errors.As(err, &host):
		cause = "name mismatch: " + host.Error()
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		cause = "expired or not yet valid: " + invalid.Error()
		fix = "serve a certificate valid now: target_tls_cert from the endpoints file, or a renewed certificate of your own with --target-ca"
	case errors.As(err, &invalid):
		cause = "invalid certificate: " + invalid.Error()
	case errors.As(err, &verify):
		cause = verify.Error()
	default:
		return reports.Failure{}, false
	}
	u, _ := url.Parse(target)
	host2 := target
	if u != nil {
		host2 = u.Host
	}
	return reports.Failure{Step: "WIPO DAS connects to the OFF over HTTPS",
		Operation: "TLS handshake with " + host2,
		Rule:      "the office's TLS certificate verifies for its host (RFC 9110 section 4.3.4; RFC 6125)",
		Expected:  "a certificate chain to a trusted root, naming " + host2 + ", valid now",
		Actual:    cause, Message: "fix: " + fix}, true
}

// writeFailedConnection writes the reports of a certification that could
// not start: one failed check, the connection to the target.
func writeFailedConnection(o scenarios.Options, f reports.Failure, started time.Time) error {
	run := &reports.Run{Toolkit: o.Toolkit, Target: o.Target, Started: started,
		Scenarios: []reports.Scenario{{Name: "WIPO DAS reaches the office under test over verified HTTPS", Flow: "c2",
			Roles: []string{"off"}, State: "failed", Failure: &f, Rule: f.Rule}}, Role: "off"}
	return scenarios.WriteReports(run, o)
}
