package scenarios

import (
	"fmt"
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
				// The retention runs from the document's availability, which
				// DAS states; a real clock needs a margin on either side.
				available := e.Clock().Now()
				if st.DocumentAvailabilityDate != nil {
					if t, err := time.Parse(time.RFC3339, *st.DocumentAvailabilityDate); err == nil {
						available = t
					}
				}
				margin := time.Second
				if e.Can(harness.AdvanceClock) != nil {
					margin = 2 * time.Second
				}
				retention := e.Declared().Retention
				expires := available.Add(retention)
				Expect(retention).To(BeNumerically(">", 2*margin), "the declared retention leaves room for the margins")

				by(e, fmt.Sprintf("letting the world's time pass to %v before the end of the retention (%v): still downloadable", margin, retention))
				need(struct{}{}, e.WaitFor(ctx, expires.Add(-margin).Sub(e.Clock().Now()), "the transit retention to pass"))
				got, r, err := osf.Download(ctx, ack)
				Expect(err).NotTo(HaveOccurred())
				expectAnswer("das", "getFileDownloadUrl", r, http.StatusOK, "")
				Expect(harness.SHA256(got)).To(Equal(harness.SHA256(doc.Content)))

				by(e, fmt.Sprintf("letting %v more pass beyond its end: status and download say the file expired", 2*margin))
				Expect(e.Pass(ctx, 2*margin)).To(Succeed())
				e.Settle()
				_, r, err = osf.Download(ctx, ack)
				Expect(err).NotTo(HaveOccurred())
				expectAnswer("das", "getFileDownloadUrl", r, http.StatusGone, "GONE", -40)
				Expect(detailText(r)).To(ContainSubstring("expired"))
				st, _, err = osf.Status(ctx, ack)
				Expect(err).NotTo(HaveOccurred())
				Expect(st.FileStatusCategory).To(Equal("EXPIRED"))

				if store, err := e.Storage(); err == nil {
					by(e, "the transit zone no longer holds the document")
					objs, err := store.List(ctx, store.Transit(), "")
					Expect(err).NotTo(HaveOccurred())
					for _, o := range objs {
						Expect(o.Size).NotTo(Equal(int64(len(doc.Content))), "an object of the document's size is left in transit: "+o.Key)
					}
				}
			})
		})
}
