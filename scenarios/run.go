package scenarios

import (
	"crypto"
	"crypto/x509"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/simulators/office"
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
	// Bindings bind roles to systems under test; empty runs the simulated world.
	Bindings harness.Bindings
	// World is the running world every spec shares when a role is bound
	// (dasim certify started it and wired the system under test into it);
	// nil: each spec starts a simulated world of its own.
	World *harness.World
	// OFFDocuments are the documents the bound OFF holds and registers
	// (dasim certify --documents); the flows take theirs from here.
	OFFDocuments []office.Document
	// OFFSetup is how the bound OFF authenticates DAS: A (default) or B.
	OFFSetup office.AuthSetup
	// Patience is how long, in real time, a spec waits for an asynchronous
	// step of a bound system (a notification, say); default 20s.
	Patience time.Duration
}

var (
	optionsMu sync.Mutex
	options   = Options{Target: "simulated world", Toolkit: "dev"}
)

// Configure sets the options of the next run. Call it before RunSpecs.
func Configure(o Options) {
	optionsMu.Lock()
	defer optionsMu.Unlock()
	if o.Target == "" {
		o.Target = "simulated world"
	}
	if o.Toolkit == "" {
		o.Toolkit = "dev"
	}
	if o.Patience == 0 {
		o.Patience = 20 * time.Second
	}
	options = o
}

func currentOptions() Options {
	optionsMu.Lock()
	defer optionsMu.Unlock()
	return options
}

// Every spec carries exactly one flow label: reports group by it.
var _ = BeforeEach(func() {
	var flows []string
	for _, l := range CurrentSpecReport().Labels() {
		if strings.HasPrefix(l, "flow:") {
			flows = append(flows, l)
		}
	}
	if len(flows) != 1 {
		Fail("scenario registry: a spec needs exactly one flow:… label, this one has " + strings.Join(flows, ", "))
	}
})
