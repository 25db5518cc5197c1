package scenarios

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/simulators/office"
)

// pctOFF is PCT DAS in the role of the office a PCT RO/IB document comes from.
type pctOFF struct{ doc office.Document }

func (p pctOFF) Code() string              { return "IB" }
func (p pctOFF) Party() string             { return "PCT DAS" }
func (p pctOFF) Setup() office.AuthSetup   { return office.SetupA }
func (p pctOFF) Document() office.Document { return p.doc }
func (p pctOFF) CallAsDAS(ctx context.Context, method, path string, query url.Values, body any) (*harness.Response, error) {
	return nil, errors.New("PCT DAS is not driven directly by the scenarios")
}

func (s *Suite) pct() {
	Describe("PCT RO/IB priority documents: transit only",
		s.Flow("pct"), s.Role("das", "pctdas", "osf"), func() {
			s.ConformanceIt("fetches an RO/IB document from PCT DAS into transit, never into the library, and removes it on deletion", Rule{
				Rule:   "PCT RO/IB documents: DAS Digital Library FORBIDDEN; upon OSF requests retrieved from PCT DAS API and stored temporarily in S3 until offices fetch them, then permanently deleted from the transit area",
				Source: "WIPO DAS storage page, priority document storage table",
			}, func(ctx SpecContext) {
				e := s.env(ctx)
				store := need(e.Storage())
				docs := e.PCTDocuments()
				Expect(docs).NotTo(BeEmpty())
				d := docs[0]
				Expect(d.Number).To(HavePrefix("PCT/IB"))
				osf := s.theOSF(ctx, e, "EE")
				ack := s.retrieveAndCheck(ctx, e, pctOFF{d}, osf, "(2a)")

				by(e, "the library bucket holds nothing of the document; the transit zone holds it")
				lib, err := store.List(ctx, store.Library(), "")
				Expect(err).NotTo(HaveOccurred())
				Expect(lib).To(BeEmpty(), "RO/IB documents are never stored in the library")
				transit, err := store.List(ctx, store.Transit(), "")
				Expect(err).NotTo(HaveOccurred())
				Expect(transit).NotTo(BeEmpty())

				by(e, "(2e) the OSF deletes the file: the transit zone no longer holds it")
				Expect(osf.Delete(ctx, ack)).To(Succeed())
				transit, err = store.List(ctx, store.Transit(), "")
				Expect(err).NotTo(HaveOccurred())
				for _, o := range transit {
					Expect(o.Size).NotTo(Equal(int64(len(d.Content))), "the RO/IB document is left in transit: "+o.Key)
				}
			})

			s.ConformanceIt("refuses to register an RO/IB document into the library", Rule{
				Rule:   "PCT priority documents originated from RO/IB: DAS Digital Library FORBIDDEN",
				Source: "WIPO DAS storage page, priority document storage table",
			}, func(ctx SpecContext) {
				e := s.env(ctx)
				store := need(e.Storage())
				c := need(e.OfficeClient(0, "IB", "ib-office"))
				d := harness.Document{Number: "PCT/IB2023/050123", Date: "2023-01-09", AccessCode: "C0DE",
					Content: harness.PDF("PCT/IB2023/050123", 8*1024)}
				r, err := c.Deposit(ctx, d)
				Expect(err).NotTo(HaveOccurred())
				expectAnswer("das", "registerDocument", r, http.StatusForbidden, "FORBIDDEN", -21)
				Expect(strings.ToLower(detailText(r))).To(ContainSubstring("library"))
				lib, err := store.List(ctx, store.Library(), "")
				Expect(err).NotTo(HaveOccurred())
				Expect(lib).To(BeEmpty())
			})
		})

	Describe("PCT RO/IB priority documents: removed after the transit retention",
		s.Flow("pct"), s.Role("das", "pctdas"), func() {
			s.ConformanceIt("removes an RO/IB document the OSF never deletes after the retention period", Rule{
				Rule:   "PCT RO/IB documents are stored temporarily in S3 until offices fetch them; if OSF does not delete the downloaded file, WIPO DAS deletes it after a pre-defined period",
				Source: "WIPO DAS storage page; exchange flows note (e.g. 1 week)",
			}, func(ctx SpecContext) {
				e := s.env(ctx)
				require(e, harness.AdvanceClock)
				store := need(e.Storage())
				d := e.PCTDocuments()[1]
				osf := s.theOSF(ctx, e, "EE")
				ack := s.retrieveAndCheck(ctx, e, pctOFF{d}, osf, "(2a)")
				by(e, "advancing the world clock 7 days and 1 second without deleting")
				Expect(e.Advance(7*24*time.Hour + time.Second)).To(Succeed())
				transit, err := store.List(ctx, store.Transit(), "")
				Expect(err).NotTo(HaveOccurred())
				for _, o := range transit {
					Expect(o.Size).NotTo(Equal(int64(len(d.Content))), "the RO/IB document is left in transit: "+o.Key)
				}
				_, err = osf.Download(ctx, ack)
				Expect(err).To(MatchError(ContainSubstring("expired")))
			})
		})
}
