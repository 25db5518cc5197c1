package scenarios

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
)

// officePair is an OFF (EE, non-IP5) and an OSF (FI): enrolled in the
// simulated world, or the first two identities at a DAS under test.
func officePair(w *harness.World) (off, osf *harness.Client) {
	GinkgoHelper()
	bindRemote(w)
	return officeClient(w, 0, "EE", "ee-office"), officeClient(w, 1, "FI", "fi-office")
}

var eeDocument = harness.Document{Kind: "patent", Number: "EE P202300012", Date: "2023-03-14",
	AccessCode: "AB21", Content: harness.PDF("EE P202300012", 48*1024)}

var _ = Describe("c.1 documents kept in WIPO DAS, OSF polling statuses (Figure B)",
	Flow("c1-polling"), Role("das", "off", "osf"), func() {
		var (
			w        *harness.World
			off, osf *harness.Client
			doc      harness.Document
		)
		BeforeEach(func(ctx SpecContext) {
			w = startWorld(ctx)
			off, osf = officePair(w)
			doc = depositable(w, off)
		})

		ConformanceIt("delivers the registered bytes to the OSF that polls, until it deletes them", Rule{
			Rule:   "OFF uploads and registers; OSF requests, checks status, gets the file location URL, downloads; downloads can be repeated while the document is not deleted",
			Source: "WIPO DAS exchange flows c.1, steps 1a-1c and 2a-2e, Figure B",
		}, func(ctx SpecContext) {
			By("(1a)(1b)(1c) OFF uploads the document through a presigned URL and registers it")
			r, err := off.Deposit(ctx, doc)
			Expect(err).NotTo(HaveOccurred())
			expectAnswer("das", "registerDocument", r, http.StatusCreated, "")

			By("(2a) OSF requests the document and receives a request acknowledgement id")
			ack, r, err := osf.Retrieve(ctx, doc)
			Expect(err).NotTo(HaveOccurred())
			expectAnswer("das", "requestRetrieval", r, http.StatusCreated, "")

			By("(2b) OSF checks the status until the document is available")
			st, err := w.Await(ctx, osf, ack)
			Expect(err).NotTo(HaveOccurred())
			Expect(st.RequestStatusCategory).To(Equal("success"))
			Expect(st.DocumentAvailabilityDate).NotTo(BeNil())

			By("(2c)(2d) OSF gets the file location URL and downloads, twice")
			for range 2 {
				got, r, err := osf.Download(ctx, ack)
				Expect(err).NotTo(HaveOccurred())
				expectAnswer("das", "getFileDownloadUrl", r, http.StatusOK, "")
				Expect(harness.SHA256(got)).To(Equal(harness.SHA256(doc.Content)), "downloaded bytes equal the uploaded ones")
			}

			By("(2e) OSF deletes the file from the transit zone; a later download is refused")
			r, err = osf.Call(ctx, http.MethodDelete, "/files", map[string][]string{"requestAckId": {ack}}, nil)
			Expect(err).NotTo(HaveOccurred())
			expectAnswer("das", "deleteFile", r, http.StatusNoContent, "")
			_, r, err = osf.Download(ctx, ack)
			Expect(err).NotTo(HaveOccurred())
			expectAnswer("das", "getFileDownloadUrl", r, http.StatusGone, "GONE", -41)
		})
	})
