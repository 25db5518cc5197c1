package main

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/scenarios"
)

// remoteDASFlows is what a DAS under test is certified on: the role:das
// specs that need only office clients. The flows in which DAS calls offices
// back (c.1 with notification, c.2, c.3, PCT, faults) would need the DAS
// configured with the harness's office endpoints, and expiry needs the
// world's clock; those are not run against a DAS under test.
const remoteDASFilter = "role:das && !(flow:c1-notification || flow:c2 || flow:c3 || flow:pct || flow:faults)"

// runCertifyDAS is WIPO's regression run: the DAS scenarios against a DAS and
// authorization server given by URL, as the offices provisioned there.
func runCertifyDAS(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("certify --role das", stderr)
	target := fs.String("target", "", "the DAS API root under test, base path included (required)")
	issuer := fs.String("issuer", "", "issuer of the authorization server the DAS trusts (required)")
	caFile := fs.String("ca", "", "PEM bundle to trust for the DAS and authorization server TLS certificates")
	var offices officeFlags
	fs.Var(&offices, "office", "CC:CLIENT_ID=KEY_PEM: an office client registered and whitelisted at the DAS under test; repeat 2-3 times (OFF, OSF, a third office)")
	reportDir := fs.String("report-dir", "dasim-report", "directory for junit.xml, report.json, report.html")
	signKey := fs.String("sign-key", "", "PEM private key that signs the report bundle")
	signCert := fs.String("sign-cert", "", "PEM certificate of that key")
	verbose := fs.Bool("v", false, "print each scenario and its steps as it runs")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	missingOffices := len(offices) < 2
	if missingOffices {
		fmt.Fprintf(stderr, "%s: missing --office: at least two, the OFF and the OSF (%d given)\n", fs.Name(), len(offices))
	}
	if err := requireFlags(fs, stderr, "target", "issuer"); err != nil || missingOffices {
		return errUsage
	}
	remote, err := harness.NewRemoteDAS(*target, *issuer, *caFile, offices)
	if err != nil {
		return err
	}
	for _, u := range []string{*target, *issuer + "/.well-known/openid-configuration"} {
		if err := probeTLS(ctx, remote.HTTP, u, "give the CA that issued it with --ca (a PEM bundle)"); err != nil {
			return err
		}
	}
	key, cert, err := readSigner(*signKey, *signCert)
	if err != nil {
		return err
	}
	return runScenarios(scenarios.Options{ReportDir: *reportDir, Toolkit: Version, Target: "DAS at " + *target,
		SignKey: key, SignCert: cert, Roles: harness.Run{Bindings: harness.Bindings{DAS: remote}}},
		suiteSettings{labelFilter: remoteDASFilter, verbose: *verbose}, stdout)
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
