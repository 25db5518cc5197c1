package scenarios

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
)

// retrieveBytes requests d as osf and downloads it once available.
func retrieveBytes(ctx SpecContext, w *harness.World, osf *harness.Client, d harness.Document) []byte {
	GinkgoHelper()
	ack, r, err := osf.Retrieve(ctx, d)
	Expect(err).NotTo(HaveOccurred())
	expectAnswer("das", "requestRetrieval", r, http.StatusCreated, "")
	_, err = w.Await(ctx, osf, ack)
	Expect(err).NotTo(HaveOccurred())
	got, r, err := osf.Download(ctx, ack)
	Expect(err).NotTo(HaveOccurred())
	expectAnswer("das", "getFileDownloadUrl", r, http.StatusOK, "")
	return got
}

var _ = Describe("c.1 corrections: filing date and parent application (PUT registrations)",
	Flow("corrections"), Role("das", "off"), func() {
		ConformanceIt("retrieves by the corrected filing date and refuses the old one with -12", Rule{
			Rule:   "Exchange flow to correct filing date or parent application details: (1c) OFF requests document registration specifying the new document attributes (PUT registrations)",
			Source: "WIPO DAS exchange flows c.1, correction",
		}, func(ctx SpecContext) {
			w := startWorld(ctx)
			off, osf := officePair(w)
			doc := depositable(w, off)
			By("(1a)(1b)(1c) OFF registers the document with a wrong filing date")
			wrong := doc
			wrong.Date = "2023-03-13"
			r, err := off.Deposit(ctx, wrong)
			Expect(err).NotTo(HaveOccurred())
			expectAnswer("das", "registerDocument", r, http.StatusCreated, "")

			By("(1c) OFF corrects the filing date and the parent application with PUT registrations")
			body := harness.RegistrationBody(doc, "")
			body["applicationNumber"] = "EE P202300099"
			r, err = off.Call(ctx, http.MethodPut, "/registrations", nil, body)
			Expect(err).NotTo(HaveOccurred())
			expectAnswer("das", "correctRegistration", r, http.StatusOK, "")

			By("an OSF asking with the old filing date gets -12")
			_, r, err = osf.Retrieve(ctx, wrong)
			Expect(err).NotTo(HaveOccurred())
			expectAnswer("das", "requestRetrieval", r, http.StatusBadRequest, "INVALID_INPUT_DATA", -12)

			By("an OSF asking with the corrected date gets the document, content unchanged")
			Expect(harness.SHA256(retrieveBytes(ctx, w, osf, doc))).To(Equal(harness.SHA256(doc.Content)))
		})
	})

var _ = Describe("c.1 content replacement (new upload, PUT registrations with the new file id)",
	Flow("content-replacement"), Role("das", "off"), func() {
		ConformanceIt("serves the replaced content to later retrievals", Rule{
			Rule:   "Exchange flow to replace document content for correction purpose: (1a) presigned URL, (1b) upload of the corrected content, (1c) PUT registrations referring to the new file id",
			Source: "WIPO DAS exchange flows c.1, content replacement",
		}, func(ctx SpecContext) {
			w := startWorld(ctx)
			off, osf := officePair(w)
			doc := depositable(w, off)
			r, err := off.Deposit(ctx, doc)
			Expect(err).NotTo(HaveOccurred())
			expectAnswer("das", "registerDocument", r, http.StatusCreated, "")

			By("(1a)(1b) OFF uploads the corrected content")
			corrected := harness.PDF("EE P202300012 corrected", 52*1024)
			fileID, st, err := off.UploadFile(ctx, corrected, "pdf")
			Expect(err).NotTo(HaveOccurred())
			Expect(st).To(Equal("ACCEPTED"))

			By("(1c) OFF refers to the new file id with PUT registrations")
			r, err = off.Call(ctx, http.MethodPut, "/registrations", nil, harness.RegistrationBody(doc, fileID))
			Expect(err).NotTo(HaveOccurred())
			expectAnswer("das", "correctRegistration", r, http.StatusOK, "")

			By("an OSF retrieving now receives the corrected bytes")
			Expect(harness.SHA256(retrieveBytes(ctx, w, osf, doc))).To(Equal(harness.SHA256(corrected)))

			if w.Remote() {
				return // the library of a DAS under test is not visible to the harness
			}
			By("the library keeps one copy of the document")
			objs, err := w.Storage.List(ctx, w.Storage.Library(), "")
			Expect(err).NotTo(HaveOccurred())
			Expect(objs).To(HaveLen(1))
		})
	})
