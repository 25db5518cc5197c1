package scenarios

import (
	"crypto"
	"crypto/x509"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	"github.com/wipo-das/dasim/harness"
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
