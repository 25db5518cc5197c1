package main

import (
	"context"
	"fmt"
	"github.com/wipo-das/dasim/harness"
	"io"
	"os"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
	"github.com/wipo-das/dasim/reports"
	"github.com/wipo-das/dasim/scenarios"
)

// runRun runs every scenario against the in-process simulated world: the
// README's main command. Exit 0 only if all pass.
func runRun(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("run", stderr)
	labelFilter := fs.String("label-filter", "", "run only the scenarios whose labels match, e.g. 'flow:c2 || Conformance' (Ginkgo label filter syntax)")
	reportDir := fs.String("report-dir", "dasim-report", "directory for junit.xml, report.json, report.html (emptied of earlier reports)")
	focus := fs.String("focus", "", "run only the scenarios whose text matches this regular expression")
	verbose := fs.Bool("v", false, "print each scenario and its steps as it runs")
	signKey := fs.String("sign-key", "", "PEM private key that signs the report bundle (e.g. es256_private.pem)")
	signCert := fs.String("sign-cert", "", "PEM certificate of that key (e.g. es256_cert.pem)")
	dataDir := fs.String("data-dir", "", "persist each scenario's world under DIR (SQLite and objects on disk) instead of in memory")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	key, cert, err := readSigner(*signKey, *signCert)
	if err != nil {
		return err
	}
	return runScenarios(scenarios.Options{ReportDir: *reportDir, Toolkit: Version, SignKey: key, SignCert: cert,
		Roles: harness.Run{DataDir: *dataDir}},
		suiteSettings{labelFilter: *labelFilter, focus: *focus, verbose: *verbose}, stdout)
}

type suiteSettings struct {
	labelFilter, focus string
	verbose            bool
}

// failRecorder satisfies ginkgo.GinkgoTestingT outside `go test`.
type failRecorder struct{ failed bool }

func (f *failRecorder) Fail() { f.failed = true }

func runScenarios(o scenarios.Options, s suiteSettings, stdout io.Writer) error {
	if _, err := scenarios.Build(o); err != nil {
		return err
	}
	suiteConfig, reporterConfig := ginkgo.GinkgoConfiguration()
	suiteConfig.LabelFilter = s.labelFilter
	if s.focus != "" {
		suiteConfig.FocusStrings = []string{s.focus}
	}
	reporterConfig.Verbose = s.verbose
	reporterConfig.NoColor = !isTerminal(stdout)
	gomega.RegisterFailHandler(ginkgo.Fail)
	t := &failRecorder{}
	ok := ginkgo.RunSpecs(t, "dasim scenarios", suiteConfig, reporterConfig)
	if o.ReportDir != "" {
		fmt.Fprintf(stdout, "reports: %s/{junit.xml,report.json,report.html}", o.ReportDir)
		if o.SignKey != nil {
			fmt.Fprintf(stdout, " and %s (signed)", reports.BundleFile)
		}
		fmt.Fprintln(stdout)
	}
	if !ok || t.failed {
		return fmt.Errorf("scenarios failed (see %s/report.html)", o.ReportDir)
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
