package scenarios

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/reports"
)

// Options configure a run of the scenarios.
type Options struct {
	// ReportDir receives junit.xml, report.json and report.html (and
	// bundle.jws when signing); empty writes no files.
	ReportDir string
	// Target describes what is under test, for the reports.
	Target string
	// Toolkit is the dasim version written into reports.
	Toolkit string
	// SignKey and SignCert sign the report bundle (the certifying party's
	// key and the certificate it registered with WIPO); nil: no bundle.
	SignKey  crypto.Signer
	SignCert *x509.Certificate
	// Roles bind roles to systems under test and make each spec's
	// environment; the zero value runs every spec in a simulated world of
	// its own.
	Roles harness.Run
	// OnReport, when set, receives the run's report once the specs ran.
	OnReport func(*reports.Run)
}

func (o Options) withDefaults() Options {
	if o.Target == "" {
		o.Target = "simulated world"
	}
	if o.Toolkit == "" {
		o.Toolkit = "dev"
	}
	return o
}

// Suite is one run's tree of specs: Build declares them, with the run's
// options in hand, before RunSpecs runs them. Everything a spec needs of the
// run reaches it through the Suite value, none through package state.
type Suite struct {
	opts Options
	reg  *registry

	mu      sync.Mutex
	offAcks map[*harness.World]string // knownOFFAck, per shared world
}

// Build declares every scenario for a run with o, and the suite's checks
// and report writer; call it once per process, before RunSpecs (Ginkgo
// builds the spec tree from what is declared before it runs).
func Build(o Options) (*Suite, error) {
	s := &Suite{opts: o.withDefaults(), reg: newRegistry(), offAcks: map[*harness.World]string{}}
	if s.opts.Roles.SigningKey == nil {
		// The worlds of a run share one signing key: generating one per
		// spec would dominate the run.
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, fmt.Errorf("the run's token signing key: %w", err)
		}
		s.opts.Roles.SigningKey = k
	}
	for _, declare := range []func(){
		s.c1Notification, s.c1Polling, s.c2, s.c3, s.corrections, s.contentReplacement,
		s.pct, s.expiry, s.wipoErrors, s.tokenEndpoint, s.resourceToken, s.isolation,
		s.faultsAtOffices, s.faultsOfNotifications, s.faultsTowardOSF,
		s.offAuthenticatesDAS, s.offLookups, s.offIntegrity, s.offInitiated, s.offAuthorizationServer,
	} {
		declare()
	}
	BeforeSuite(s.reg.check)
	BeforeEach(s.oneFlowLabel)
	ReportAfterSuite("dasim reports", func(r Report) {
		run := Convert(r, s.opts, s.reg.rules)
		if s.opts.OnReport != nil {
			s.opts.OnReport(run)
		}
		if err := WriteReports(run, s.opts); err != nil {
			Fail("writing reports: " + err.Error())
		}
	})
	return s, nil
}

// oneFlowLabel fails a spec without exactly one flow label: reports group by it.
func (s *Suite) oneFlowLabel() {
	var flows []string
	for _, l := range CurrentSpecReport().Labels() {
		if strings.HasPrefix(l, "flow:") {
			flows = append(flows, l)
		}
	}
	if len(flows) != 1 {
		Fail("scenario registry: a spec needs exactly one flow:… label, this one has " + strings.Join(flows, ", "))
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// env builds the running spec's environment and ends it with the spec.
func (s *Suite) env(ctx SpecContext) *harness.Env {
	GinkgoHelper()
	return s.envWith(ctx, harness.Config{})
}

// envWith is env with cfg for a world of the spec's own (a world shared by
// the run, under certification, was made for the run and ignores it).
func (s *Suite) envWith(ctx SpecContext, cfg harness.Config) *harness.Env {
	GinkgoHelper()
	e, err := s.opts.Roles.NewEnv(ctx, CurrentSpecReport().FullText(), cfg)
	Expect(err).NotTo(HaveOccurred(), "starting the world")
	DeferCleanup(func(ctx SpecContext) { s.endSpec(ctx, e) })
	return e
}

// endSpec lets the world finish, attaches the spec's transcript and checks
// what must hold after every spec: the world's invariants, and that every
// exchange kept the contract (the party that broke it is named).
func (s *Suite) endSpec(ctx SpecContext, e *harness.Env) {
	GinkgoHelper()
	breaches := e.Close(ctx)
	ex := e.Exchanges()
	noteExchanges(ex)
	Expect(breaches).To(BeEmpty(), "world invariants after the scenario")
	if CurrentSpecReport().Failed() {
		return
	}
	if f := contractFault(ex, s.underTest()); f != nil {
		failWith(*f)
	}
}

// underTest names the parties of the run that are systems under test, as
// the recorder labels them.
func (s *Suite) underTest() []string {
	var out []string
	if b := s.opts.Roles.Bindings.OFF; b != nil {
		out = append(out, "office "+b.Office)
	}
	return out
}

// by runs a step of the spec: Ginkgo's By, and the step marker that stamps
// the step on every exchange recorded until the next one.
func by(e *harness.Env, text string) {
	By(text)
	e.Step(text)
}

// need returns v, skipping the spec with the reason when err is a missing
// capability or role of the environment, failing it on any other error.
func need[T any](v T, err error) T {
	GinkgoHelper()
	var m *harness.Missing
	if errors.As(err, &m) {
		if m.Inapplicable {
			AddReportEntry(entryInapplicable, m.Reason, ReportEntryVisibilityNever)
			Skip("not an obligation of this office: " + err.Error())
		}
		Skip(err.Error())
	}
	Expect(err).NotTo(HaveOccurred())
	return v
}

// require skips the spec, with the reason, when e lacks capability c.
func require(e *harness.Env, c harness.Capability) {
	GinkgoHelper()
	if err := e.Can(c); err != nil {
		Skip(err.Error())
	}
}
