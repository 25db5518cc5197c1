package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
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
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	key, cert, err := readSigner(*signKey, *signCert)
	if err != nil {
		return err
	}
	return runScenarios(scenarios.Options{ReportDir: *reportDir, Toolkit: Version, SignKey: key, SignCert: cert},
		suiteSettings{labelFilter: *labelFilter, focus: *focus, verbose: *verbose}, stdout)
}

type suiteSettings struct {
	labelFilter, focus string
	verbose            bool
	failFast           bool // stop at the first failure
}

// failRecorder satisfies ginkgo.GinkgoTestingT outside `go test`.
type failRecorder struct{ failed bool }

func (f *failRecorder) Fail() { f.failed = true }

func runScenarios(o scenarios.Options, s suiteSettings, stdout io.Writer) error {
	if _, err := types.ParseLabelFilter(s.labelFilter); err != nil {
		reason := err.Error()
		if ge, ok := err.(types.GinkgoError); ok { // its Message ends with the reason, after marked-up input
			reason = ge.Message[strings.LastIndexByte(ge.Message, '\n')+1:]
		}
		return fmt.Errorf("--label-filter %q: %s (Ginkgo label filter syntax, e.g. 'flow:c2 || role:off')\n%s",
			s.labelFilter, reason, registeredLabels())
	}
	if _, err := scenarios.Build(o); err != nil {
		return err
	}
	willRun := -1
	ginkgo.ReportBeforeSuite(func(r ginkgo.Report) { willRun = r.PreRunStats.SpecsThatWillRun })
	suiteConfig, reporterConfig := ginkgo.GinkgoConfiguration()
	suiteConfig.LabelFilter = s.labelFilter
	suiteConfig.FailFast = s.failFast
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
	if willRun == 0 {
		return fmt.Errorf("no scenario matches --label-filter %q --focus %q: a typo would otherwise pass\n%s",
			s.labelFilter, s.focus, registeredLabels())
	}
	if !ok || t.failed {
		return fmt.Errorf("scenarios failed (see %s/report.html)", o.ReportDir)
	}
	return nil
}

// registeredLabels lists the labels a filter may name (scenarios/labels.go).
func registeredLabels() string {
	flows := make([]string, len(scenarios.Flows))
	for i, f := range scenarios.Flows {
		flows[i] = "flow:" + f
	}
	roles := make([]string, len(scenarios.Roles))
	for i, r := range scenarios.Roles {
		roles[i] = "role:" + r
	}
	return "registered labels: " + strings.Join(flows, ", ") + "\n                   " + strings.Join(roles, ", ") +
		", " + scenarios.ConformanceLabel
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
