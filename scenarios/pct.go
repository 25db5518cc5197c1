package scenarios

import (
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/simulators/office"
)

var _ = Describe("PCT RO/IB priority documents: transit only",
	Flow("pct"), Role("das", "pctdas", "osf"), func() {
		ConformanceIt("fetches an RO/IB document from PCT DAS into transit, never into the library, and removes it on deletion", Rule{
			Rule:   "PCT RO/IB documents: DAS Digital Library FORBIDDEN; upon OSF requests retrieved from PCT DAS API and stored temporarily in S3 until offices fetch them, then permanently deleted from the transit area",
			Source: "WIPO DAS storage page, priority document storage table",
		}, func(ctx SpecContext) {
			w := startWorld(ctx)
			docs := w.PCT.Documents()
			Expect(docs).NotTo(BeEmpty())
			d := docs[0]
			Expect(d.Number).To(HavePrefix("PCT/IB"))
			osf := startOffice(ctx, w, office.Config{Code: "EE"})
			ack := retrieveAndCheck(ctx, w, osf, d, "(2a)")

			By("the library bucket holds nothing of the document; the transit zone holds it")
			lib, err := w.Storage.List(ctx, w.Storage.Library(), "")
			Expect(err).NotTo(HaveOccurred())
			Expect(lib).To(BeEmpty(), "RO/IB documents are never stored in the library")
			transit, err := w.Storage.List(ctx, w.Storage.Transit(), "")
			Expect(err).NotTo(HaveOccurred())
			Expect(transit).NotTo(BeEmpty())

			By("(2e) the OSF deletes the file: the transit zone no longer holds it")
			Expect(osf.Delete(ctx, ack)).To(Succeed())
			transit, err = w.Storage.List(ctx, w.Storage.Transit(), "")
			Expect(err).NotTo(HaveOccurred())
			for _, o := range transit {
				Expect(o.Size).NotTo(Equal(int64(len(d.Content))), "the RO/IB document is left in transit: "+o.Key)
			}
		})

		ConformanceIt("refuses to register an RO/IB document into the library", Rule{
			Rule:   "PCT priority documents originated from RO/IB: DAS Digital Library FORBIDDEN",
			Source: "WIPO DAS storage page, priority document storage table",
		}, func(ctx SpecContext) {
			w := startWorld(ctx)
			ib, err := w.EnrollOffice("IB", "ib-office")
			Expect(err).NotTo(HaveOccurred())
			c := w.Client(ib)
			d := harness.Document{Number: "PCT/IB2023/050123", Date: "2023-01-09", AccessCode: "C0DE",
				Content: harness.PDF("PCT/IB2023/050123", 8*1024)}
			r, err := c.Deposit(ctx, d)
			Expect(err).NotTo(HaveOccurred())
			expectAnswer("das", "registerDocument", r, http.StatusForbidden, "FORBIDDEN", -21)
			Expect(strings.ToLower(detailText(r))).To(ContainSubstring("library"))
			lib, err := w.Storage.List(ctx, w.Storage.Library(), "")
			Expect(err).NotTo(HaveOccurred())
			Expect(lib).To(BeEmpty())
		})
	})

var _ = Describe("PCT RO/IB priority documents: removed after the transit retention",
	Flow("pct"), Role("das", "pctdas"), func() {
		ConformanceIt("removes an RO/IB document the OSF never deletes after the retention period", Rule{
			Rule:   "PCT RO/IB documents are stored temporarily in S3 until offices fetch them; if OSF does not delete the downloaded file, WIPO DAS deletes it after a pre-defined period",
			Source: "WIPO DAS storage page; exchange flows note (e.g. 1 week)",
		}, func(ctx SpecContext) {
			w := startWorld(ctx)
			d := w.PCT.Documents()[1]
			osf := startOffice(ctx, w, office.Config{Code: "EE"})
			ack := retrieveAndCheck(ctx, w, osf, d, "(2a)")
			By("advancing the world clock 7 days and 1 second without deleting")
			run(w, 7*24*time.Hour+time.Second)
			transit, err := w.Storage.List(ctx, w.Storage.Transit(), "")
			Expect(err).NotTo(HaveOccurred())
			for _, o := range transit {
				Expect(o.Size).NotTo(Equal(int64(len(d.Content))), "the RO/IB document is left in transit: "+o.Key)
			}
			_, err = osf.Download(ctx, ack)
			Expect(err).To(MatchError(ContainSubstring("expired")))
		})
	})
