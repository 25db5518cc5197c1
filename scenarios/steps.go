package scenarios

import (
	"fmt"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/reports"
	"github.com/wipo-das/dasim/simulators/office"
)

// The steps the flows share. They read the same whether a role is simulated
// or a system under test: the Env gives the roles, and lets the world's time
// pass the way the world allows (advancing a virtual clock, or waiting real
// time for a system that keeps its own).

// document is a priority document of an office's library.
func document(number, date, code string, hosting office.Hosting, size int) office.Document {
	return office.Document{Kind: "patent", Number: number, FilingDate: date, AccessCode: code,
		Content: harness.PDF(number, size), Hosting: hosting}
}

// theOFF is the spec's office of first filing holding doc (a zero doc: the
// office only); the spec skips, with the reason, when the OFF under test
// cannot serve it.
func (s *Suite) theOFF(ctx SpecContext, e *harness.Env, want harness.OFFWanted) harness.OFF {
	GinkgoHelper()
	return need(e.OFF(ctx, want))
}

// theOSF is a simulated office of second filing.
func (s *Suite) theOSF(ctx SpecContext, e *harness.Env, code string) harness.OSF {
	GinkgoHelper()
	return need(e.OSF(ctx, code))
}

// retrieveAndCheck requests off's document as osf, waits until DAS notifies
// the OSF, downloads it and compares it byte for byte with the original.
// Every miss is laid at the OFF's door with the rule it broke (diagnosis.go).
func (s *Suite) retrieveAndCheck(ctx SpecContext, e *harness.Env, off harness.OFF, osf harness.OSF, step string) string {
	GinkgoHelper()
	d := off.Document()
	by(e, step+" OSF requests the document from WIPO DAS and receives a request acknowledgement id")
	ack, err := osf.RequestRetrieval(ctx, d.Key()) // the key carries the sha256 the OSF expects
	if err != nil {
		failWith(orFailure(diagnose(e, off, "", s.underTest()), reports.Failure{Party: s.suspect(off), Operation: "registerDocument",
			Rule:     "the OFF registers the documents it holds (POST registrations) before they are retrieved",
			Expected: "DAS accepts the retrieval of the OFF's document", Actual: err.Error()}))
	}
	by(e, "WIPO DAS notifies the OSF of the document availability")
	n := s.awaitNotification(ctx, e, off, osf, ack)
	Expect(n.Status).To(Equal("success"))
	by(e, "the OSF gets the file location URL and downloads the document")
	got, err := osf.Download(ctx, ack)
	if err != nil {
		failWith(reports.Failure{Party: s.suspect(off), Operation: "getFileDownloadUrl", Pointer: "/fileChecksum",
			Rule:     "the OSF downloads the bytes the OFF declared (SHA-256 of its document)",
			Expected: harness.SHA256(d.Content), Actual: err.Error()})
	}
	if harness.SHA256(got) != harness.SHA256(d.Content) {
		failWith(reports.Failure{Party: off.Party(), Operation: deliveringOperation(d.Hosting), Step: deliveringStep(d.Hosting),
			Rule:     "the document the OSF receives is the one the OFF declared: the OFF uploads, registers or serves exactly its bytes",
			Expected: fmt.Sprintf("SHA-256 %s (%d bytes)", harness.SHA256(d.Content), len(d.Content)),
			Actual:   fmt.Sprintf("SHA-256 %s (%d bytes)", harness.SHA256(got), len(got))})
	}
	return ack
}

// deliveringOperation is the OFF's operation that put d's bytes where DAS
// took them from.
func deliveringOperation(h office.Hosting) string {
	switch h {
	case office.Library:
		return "registerDocument"
	case office.Transit:
		return "setRetrievalFile"
	}
	return "getFileDownloadUrl"
}

func deliveringStep(h office.Hosting) string {
	switch h {
	case office.Library:
		return "(1a)(1b)(1c) the OFF uploads its document into the DAS library and registers it"
	case office.Transit:
		return "(c.3 steps 3-5) the OFF uploads the document into the transit zone and sets the file of the retrieval"
	}
	return offCallStep("getFileDownloadUrl")
}

// awaitNotification lets the world's time pass until DAS notified osf about
// ack, and returns the last notification. It fails as soon as the records
// show the OFF broke a rule, and after the Env's patience.
func (s *Suite) awaitNotification(ctx SpecContext, e *harness.Env, off harness.OFF, osf harness.OSF, ack string) office.Notification {
	GinkgoHelper()
	step := e.PollEvery()
	for waited := time.Duration(0); ; waited += step {
		if rec, _ := osf.Received(ack); len(rec.Notifications) > 0 {
			n := rec.Notifications[len(rec.Notifications)-1]
			if n.Status != "success" {
				failWith(orFailure(diagnose(e, off, ack, s.underTest()), reports.Failure{Party: s.suspect(off), Operation: "requestRetrieval",
					Rule: "the retrieval of a document the OFF registered ends in success", Expected: "success",
					Actual: fmt.Sprintf("error %v: %s", derefInt(n.ErrorCode), n.StatusMessage)}))
			}
			return n
		}
		if f := diagnose(e, off, ack, s.underTest()); f != nil {
			failWith(*f)
		}
		if waited >= e.Patience() {
			f := silentOFF(ctx, off, osf, ack, e.Patience())
			f.Party = s.suspect(off)
			failWith(f)
		}
		Expect(e.Pass(ctx, step)).To(Succeed())
	}
}

// retrieveBytes requests d as osf and downloads it once available.
func retrieveBytes(ctx SpecContext, e *harness.Env, osf *harness.Client, d harness.Document) []byte {
	GinkgoHelper()
	ack, r, err := osf.Retrieve(ctx, d)
	Expect(err).NotTo(HaveOccurred())
	expectAnswer("das", "requestRetrieval", r, http.StatusCreated, "")
	_, err = e.Await(ctx, osf, ack)
	Expect(err).NotTo(HaveOccurred())
	got, r, err := osf.Download(ctx, ack)
	Expect(err).NotTo(HaveOccurred())
	expectAnswer("das", "getFileDownloadUrl", r, http.StatusOK, "")
	return got
}

// officePair is an OFF (EE, non-IP5) and an OSF (FI) calling DAS directly:
// enrolled in the simulated world, or the first two identities at a DAS
// under test.
func officePair(e *harness.Env) (off, osf *harness.Client) {
	GinkgoHelper()
	return need(e.OfficeClient(0, "EE", "ee-office")), need(e.OfficeClient(1, "FI", "fi-office"))
}

// eeDocument is the OFF's test document of the flows that call DAS directly.
func eeDocument() harness.Document {
	return harness.Document{Kind: "patent", Number: "EE P202300012", Date: "2023-03-14",
		AccessCode: "AB21", Content: harness.PDF("EE P202300012", 48*1024)}
}

// suspect is the party a miss in a flow through off is laid at: the DAS
// under test, when the run certifies a DAS (the offices are the harness's
// own), else the OFF.
func (s *Suite) suspect(off harness.OFF) string {
	if s.opts.Roles.Bindings.DAS != nil {
		return "das (system under test)"
	}
	return off.Party()
}

// failWith fails the spec with a structured failure: party, step,
// operation, pointer, rule, expected and actual.
func failWith(f reports.Failure) {
	GinkgoHelper()
	noteFailure(f)
	Fail(fmt.Sprintf("%s: %s %s: %s: expected %s, got %s", f.Party, f.Operation, f.Pointer, f.Rule, f.Expected, f.Actual))
}

func orFailure(f *reports.Failure, def reports.Failure) reports.Failure {
	if f != nil {
		return *f
	}
	return def
}

func derefInt(p *int) any {
	if p == nil {
		return "none"
	}
	return *p
}
