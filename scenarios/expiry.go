package scenarios

import (
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
)

func (s *Suite) expiry() {
	Describe("Transit retention: DAS removes a file the OSF does not delete (flows c.1-c.3 notes)",
		s.Flow("expiry"), s.Role("das", "osf"), func() {
			s.ConformanceIt("keeps the file for 7 days and then says clearly that it expired", Rule{
				Rule:   "If OSF does not delete the downloaded file, WIPO DAS will delete it after a pre-defined period (e.g. 1 week)",
				Source: "WIPO DAS exchange flows, note to c.1, c.2 and c.3",
			}, func(ctx SpecContext) {
				e := s.env(ctx)
				require(e, harness.AdvanceClock)
				off, osf := officePair(e)
				doc := e.Document(off, eeDocument())
				by(e, "OFF deposits; OSF retrieves and the document becomes available")
				r, err := off.Deposit(ctx, doc)
				Expect(err).NotTo(HaveOccurred())
				expectAnswer("das", "registerDocument", r, http.StatusCreated, "")
				ack, _, err := osf.Retrieve(ctx, doc)
				Expect(err).NotTo(HaveOccurred())
				st, err := e.Await(ctx, osf, ack)
				Expect(err).NotTo(HaveOccurred())
				Expect(st.RequestStatusCategory).To(Equal("success"))
				available := e.Clock().Now()

				by(e, "advancing the world clock to one second before the end of retention: still downloadable")
				retention := 7 * 24 * time.Hour
				Expect(e.Advance(retention - time.Second - e.Clock().Since(available))).To(Succeed())
				got, r, err := osf.Download(ctx, ack)
				Expect(err).NotTo(HaveOccurred())
				expectAnswer("das", "getFileDownloadUrl", r, http.StatusOK, "")
				Expect(harness.SHA256(got)).To(Equal(harness.SHA256(doc.Content)))

				by(e, "advancing one more second: status and download say the file expired")
				Expect(e.Advance(time.Second)).To(Succeed())
				_, r, err = osf.Download(ctx, ack)
				Expect(err).NotTo(HaveOccurred())
				expectAnswer("das", "getFileDownloadUrl", r, http.StatusGone, "GONE", -40)
				Expect(detailText(r)).To(ContainSubstring("expired"))
				st, _, err = osf.Status(ctx, ack)
				Expect(err).NotTo(HaveOccurred())
				Expect(st.FileStatusCategory).To(Equal("EXPIRED"))

				store, err := e.Storage()
				Expect(err).NotTo(HaveOccurred())
				by(e, "the transit zone no longer holds the document")
				objs, err := store.List(ctx, store.Transit(), "")
				Expect(err).NotTo(HaveOccurred())
				for _, o := range objs {
					Expect(o.Size).NotTo(Equal(int64(len(doc.Content))), "an object of the document's size is left in transit: "+o.Key)
				}
			})
		})
}
