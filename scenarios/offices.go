package scenarios

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/reports"
	"github.com/wipo-das/dasim/simulators/office"
)

// startOffice adds a simulated office to the world and registers its documents.
func startOffice(ctx SpecContext, w *harness.World, cfg office.Config, docs ...office.Document) *office.Office {
	GinkgoHelper()
	cfg.Documents = docs
	o, err := w.AddOffice(ctx, cfg)
	Expect(err).NotTo(HaveOccurred(), "starting office "+cfg.Code)
	Expect(o.RegisterAll(ctx)).To(Succeed(), "office "+cfg.Code+" registers its documents")
	return o
}

// document is a priority document of an office's library.
func document(number, date, code string, hosting office.Hosting, size int) office.Document {
	return office.Document{Kind: "patent", Number: number, FilingDate: date, AccessCode: code,
		Content: harness.PDF(number, size), Hosting: hosting}
}

// run advances the world's clock by d and lets DAS finish what fell due.
func run(w *harness.World, d time.Duration) {
	GinkgoHelper()
	w.Settle()
	Expect(w.Advance(d)).To(Succeed())
	w.Settle()
}

// retrieveAndCheck requests d as osf, lets the world run until it is
// available, downloads it and compares it byte for byte with the original.
// When the OFF is under test, every miss is laid at its door with the rule
// it broke (bind_diagnosis.go).
func retrieveAndCheck(ctx SpecContext, w *harness.World, osf *office.Office, d office.Document, step string) string {
	GinkgoHelper()
	By(step + " OSF requests the document from WIPO DAS and receives a request acknowledgement id")
	ack, err := osf.RequestRetrieval(ctx, d.Key()) // the key carries the sha256 the OSF expects
	expectRetrievalRequested(w, err)
	By("WIPO DAS notifies the OSF of the document availability")
	n := awaitNotification(w, osf, ack)
	Expect(n.Status).To(Equal("success"))
	By("the OSF gets the file location URL and downloads the document")
	got, err := osf.Download(ctx, ack)
	if err != nil && currentOptions().Bindings.OFF != nil {
		failOFF(reports.Failure{Operation: "getFileDownloadUrl", Pointer: "/fileChecksum",
			Rule:     "the OSF downloads the bytes the OFF declared (SHA-256 of its document)",
			Expected: harness.SHA256(d.Content), Actual: err.Error()})
	}
	Expect(err).NotTo(HaveOccurred())
	Expect(harness.SHA256(got)).To(Equal(harness.SHA256(d.Content)), "downloaded bytes equal the OFF's")
	return ack
}
