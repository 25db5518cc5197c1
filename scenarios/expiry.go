package scenarios

import (
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
)

var _ = Describe("Transit retention: DAS removes a file the OSF does not delete (flows c.1-c.3 notes)",
	Flow("expiry"), Role("das", "osf"), func() {
		ConformanceIt("keeps the file for 7 days and then says clearly that it expired", Rule{
			Rule:   "If OSF does not delete the downloaded file, WIPO DAS will delete it after a pre-defined period (e.g. 1 week)",
			Source: "WIPO DAS exchange flows, note to c.1, c.2 and c.3",
		}, func(ctx SpecContext) {
			w := startWorld(ctx)
			off, osf := officePair(w)
			skipIfRemote(w, "the world's clock, to pass seven days")
			By("OFF deposits; OSF retrieves and the document becomes available")
			r, err := off.Deposit(ctx, eeDocument)
			Expect(err).NotTo(HaveOccurred())
			expectAnswer("das", "registerDocument", r, http.StatusCreated, "")
			ack, _, err := osf.Retrieve(ctx, eeDocument)
			Expect(err).NotTo(HaveOccurred())
			w.Settle()
			st, _, err := osf.Status(ctx, ack)
			Expect(err).NotTo(HaveOccurred())
			Expect(st.RequestStatusCategory).To(Equal("success"))

			By("advancing the world clock to one second before the end of retention: still downloadable")
			Expect(w.Advance(7*24*time.Hour - time.Second)).To(Succeed())
			got, r, err := osf.Download(ctx, ack)
			Expect(err).NotTo(HaveOccurred())
			expectAnswer("das", "getFileDownloadUrl", r, http.StatusOK, "")
			Expect(harness.SHA256(got)).To(Equal(harness.SHA256(eeDocument.Content)))

			By("advancing one more second: status and download say the file expired")
			Expect(w.Advance(time.Second)).To(Succeed())
			_, r, err = osf.Download(ctx, ack)
			Expect(err).NotTo(HaveOccurred())
			expectAnswer("das", "getFileDownloadUrl", r, http.StatusGone, "GONE", -40)
			Expect(detailText(r)).To(ContainSubstring("expired"))
			st, _, err = osf.Status(ctx, ack)
			Expect(err).NotTo(HaveOccurred())
			Expect(st.FileStatusCategory).To(Equal("EXPIRED"))

			By("the transit zone no longer holds the document")
			objs, err := w.Storage.List(ctx, w.Storage.Transit(), "")
			Expect(err).NotTo(HaveOccurred())
			for _, o := range objs {
				Expect(o.Size).NotTo(Equal(int64(len(eeDocument.Content))), "an object of the document's size is left in transit: "+o.Key)
			}
		})
	})
