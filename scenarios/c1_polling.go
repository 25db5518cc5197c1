package scenarios

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
)

func (s *Suite) c1Polling() {
	Describe("c.1 documents kept in WIPO DAS, OSF polling statuses (Figure B)",
		s.Flow("c1-polling"), s.Role("das", "osf"), func() {
			var (
				e        *harness.Env
				off, osf *harness.Client
				doc      harness.Document
			)
			BeforeEach(func(ctx SpecContext) {
				e = s.env(ctx)
				off, osf = officePair(e)
				doc = e.Document(off, eeDocument())
			})

			s.ConformanceIt("delivers the registered bytes to the OSF that polls, until it deletes them", Rule{
				Rule:   "OFF uploads and registers; OSF requests, checks status, gets the file location URL, downloads; downloads can be repeated while the document is not deleted",
				Source: "WIPO DAS exchange flows c.1, steps 1a-1c and 2a-2e, Figure B",
			}, func(ctx SpecContext) {
				by(e, "(1a)(1b)(1c) OFF uploads the document through a presigned URL and registers it")
				r, err := off.Deposit(ctx, doc)
				Expect(err).NotTo(HaveOccurred())
				expectAnswer("das", "registerDocument", r, http.StatusCreated, "")

				by(e, "(2a) OSF requests the document and receives a request acknowledgement id")
				ack, r, err := osf.Retrieve(ctx, doc)
				Expect(err).NotTo(HaveOccurred())
				expectAnswer("das", "requestRetrieval", r, http.StatusCreated, "")

				by(e, "(2b) OSF checks the status until the document is available")
				st, err := e.Await(ctx, osf, ack)
				Expect(err).NotTo(HaveOccurred())
				Expect(st.RequestStatusCategory).To(Equal("success"))
				Expect(st.DocumentAvailabilityDate).NotTo(BeNil())

				by(e, "(2c)(2d) OSF gets the file location URL and downloads, twice")
				for range 2 {
					got, r, err := osf.Download(ctx, ack)
					Expect(err).NotTo(HaveOccurred())
					expectAnswer("das", "getFileDownloadUrl", r, http.StatusOK, "")
					Expect(harness.SHA256(got)).To(Equal(harness.SHA256(doc.Content)), "downloaded bytes equal the uploaded ones")
				}

				by(e, "(2e) OSF deletes the file from the transit zone; a later download is refused")
				r, err = osf.Call(ctx, http.MethodDelete, "/files", map[string][]string{"requestAckId": {ack}}, nil)
				Expect(err).NotTo(HaveOccurred())
				expectAnswer("das", "deleteFile", r, http.StatusNoContent, "")
				_, r, err = osf.Download(ctx, ack)
				Expect(err).NotTo(HaveOccurred())
				expectAnswer("das", "getFileDownloadUrl", r, http.StatusGone, "GONE", -41)
			})
		})
}
