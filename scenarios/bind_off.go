package scenarios

import (
	"fmt"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/reports"
	"github.com/wipo-das/dasim/simulators/office"
)

// This file binds the OFF of the role:off families to a system under test
// (dasim certify --role off). The world is then one shared world on the real
// clock: the OFF under test lives outside it and cannot be advanced, so a
// spec waits for the OFF's asynchronous steps in real time (Options.Patience)
// instead of advancing a virtual clock.

// boundFlows are the flows that drive an external OFF. The others need an
// OFF that acts on request (corrections, withdrawals) and are skipped.
var boundFlows = map[string]bool{"c1-notification": true, "c2": true, "c3": true}

var _ = BeforeEach(func() {
	if currentOptions().Bindings.OFF == nil {
		return
	}
	for _, l := range CurrentSpecReport().Labels() {
		if flow, ok := strings.CutPrefix(l, "flow:"); ok && !boundFlows[flow] {
			Skip("flow " + flow + " does not drive an OFF under test yet: it needs the OFF to correct or withdraw on request")
		}
	}
})

// bound is where the running spec's exchanges start in the shared log of a
// bound world (specs run one after another under dasim certify).
var bound struct {
	mu    sync.Mutex
	since int
}

// joinBoundWorld hands a spec the shared world of a certification run, and
// attaches the spec's part of the transcript when it ends.
func joinBoundWorld(o Options) *harness.World {
	w := o.World
	since := len(w.Log.Exchanges())
	bound.mu.Lock()
	bound.since = since
	bound.mu.Unlock()
	DeferCleanup(func() {
		w.Settle()
		ex := w.Log.Exchanges()[since:]
		noteExchanges(ex)
		if CurrentSpecReport().Failed() {
			return
		}
		if f := contractFault(ex, o.Bindings.OFF.Office); f != nil {
			failOFF(*f)
		}
	})
	return w
}

func boundSince() int {
	bound.mu.Lock()
	defer bound.mu.Unlock()
	return bound.since
}

// offUnderTest is the office of first filing of a spec.
type offUnderTest struct {
	Code string
	Doc  office.Document
	Sim  *office.Office // nil when the OFF is the system under test
}

// theOFF starts a simulated OFF holding doc, or, under certification,
// returns the office under test with the document it declared for doc's
// hosting (skipping the spec when it declared none). A doc without a number
// asks for the office only.
func theOFF(ctx SpecContext, w *harness.World, cfg office.Config, doc office.Document) offUnderTest {
	GinkgoHelper()
	o := currentOptions()
	if o.Bindings.OFF == nil {
		var docs []office.Document
		if doc.Number != "" {
			docs = append(docs, doc)
		}
		return offUnderTest{Code: cfg.Code, Doc: doc, Sim: startOffice(ctx, w, cfg, docs...)}
	}
	code := o.Bindings.OFF.Office
	if doc.Number == "" {
		return offUnderTest{Code: code}
	}
	for _, d := range o.OFFDocuments {
		if d.Hosting == doc.Hosting {
			return offUnderTest{Code: code, Doc: d}
		}
	}
	Skip(fmt.Sprintf("the OFF under test declares no document with hosting %q (dasim certify --documents), which this flow needs", doc.Hosting))
	return offUnderTest{}
}

// requireOFFSetup skips a spec about setup s when the OFF under test runs the other one.
func requireOFFSetup(s office.AuthSetup) {
	o := currentOptions()
	if o.Bindings.OFF == nil {
		return
	}
	if got := orSetup(o.OFFSetup); got != s {
		Skip(fmt.Sprintf("the OFF under test authenticates DAS in setup %s; this spec checks setup %s", got, s))
	}
}

func orSetup(s office.AuthSetup) office.AuthSetup {
	if s == "" {
		return office.SetupA
	}
	return s
}

// theOSF starts a simulated office of second filing; a bound world keeps
// one per code across specs, never with the code of the office under test.
func theOSF(ctx SpecContext, w *harness.World, code string) *office.Office {
	GinkgoHelper()
	o := currentOptions()
	if o.Bindings.OFF == nil {
		return startOffice(ctx, w, office.Config{Code: code})
	}
	if code == o.Bindings.OFF.Office {
		code = map[bool]string{true: "SE", false: "FI"}[code == "FI"]
	}
	if osf := w.Office(code); osf != nil {
		return osf
	}
	return startOffice(ctx, w, office.Config{Code: code})
}

// sutParty names the office under test in failures.
func sutParty() string {
	return "office " + currentOptions().Bindings.OFF.Office + " (system under test)"
}

// failOFF fails the spec with a failure of the office under test.
func failOFF(f reports.Failure) {
	GinkgoHelper()
	if f.Party == "" {
		f.Party = sutParty()
	}
	noteFailure(f)
	Fail(fmt.Sprintf("%s: %s %s: %s: expected %s, got %s", f.Party, f.Operation, f.Pointer, f.Rule, f.Expected, f.Actual))
}

// awaitNotification lets the world run until DAS notified osf about ack and
// returns the last notification. Simulated: the virtual clock advances past
// the OFF's preparation. Bound: it polls in real time, failing as soon as
// the exchanges show the OFF under test broke a rule, or after Patience.
func awaitNotification(w *harness.World, osf *office.Office, ack string) office.Notification {
	GinkgoHelper()
	o := currentOptions()
	if o.Bindings.OFF == nil {
		run(w, office.DefaultPrepareDelay)
		rec, ok := osf.Received(ack)
		Expect(ok).To(BeTrue(), "the OSF received a notification for "+ack)
		Expect(rec.Notifications).NotTo(BeEmpty())
		return rec.Notifications[len(rec.Notifications)-1]
	}
	deadline := w.Clock.Now().Add(o.Patience)
	for {
		if rec, _ := osf.Received(ack); len(rec.Notifications) > 0 {
			n := rec.Notifications[len(rec.Notifications)-1]
			if n.Status != "success" {
				failOFF(orFailure(offFault(w, ack), reports.Failure{Operation: "requestRetrieval",
					Rule: "the retrieval of a document the OFF registered ends in success", Expected: "success",
					Actual: fmt.Sprintf("error %v: %s", deref(n.ErrorCode), n.StatusMessage)}))
			}
			return n
		}
		if f := offFault(w, ack); f != nil {
			failOFF(*f)
		}
		if !w.Clock.Now().Before(deadline) {
			failOFF(silentOFF(w, osf, ack, o.Patience))
		}
		time.Sleep(50 * time.Millisecond) // polling an external system in real time
	}
}

// expectRetrievalRequested fails a refused retrieval request; bound, the
// refusal is traced back to what the office under test did (or did not).
func expectRetrievalRequested(w *harness.World, err error) {
	GinkgoHelper()
	if err == nil {
		return
	}
	if currentOptions().Bindings.OFF != nil {
		failOFF(orFailure(offFault(w, ""), reports.Failure{Operation: "registerDocument",
			Rule:     "the OFF registers the documents it declares (POST registrations) before certification runs",
			Expected: "DAS accepts the retrieval of a declared document", Actual: err.Error()}))
	}
	Expect(err).NotTo(HaveOccurred())
}

func orFailure(f *reports.Failure, def reports.Failure) reports.Failure {
	if f != nil {
		return *f
	}
	return def
}

func deref(p *int) any {
	if p == nil {
		return "none"
	}
	return *p
}

// specExchanges are the exchanges of the running spec (a simulated world
// holds nothing else).
func specExchanges(w *harness.World) []openapi.Exchange {
	ex := w.Log.Exchanges()
	if currentOptions().World != nil {
		ex = ex[boundSince():]
	}
	return ex
}
