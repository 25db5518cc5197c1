package scenarios

import (
	"context"
	"errors"
	"fmt"
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

func (p pctOFF) Code() string                 { return "IB" }
func (p pctOFF) Party() string                { return "PCT DAS" }
func (p pctOFF) Setup() office.AuthSetup      { return office.SetupA }
func (p pctOFF) Document() office.Document    { return p.doc }
func (p pctOFF) Documents() []office.Document { return []office.Document{p.doc} }
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
				docs := e.PCTDocuments()
				Expect(docs).NotTo(BeEmpty())
				d := docs[0]
				Expect(d.Number).To(HavePrefix("PCT/IB"))
				osf := s.theOSF(ctx, e, "EE")
				ack := s.retrieveAndCheck(ctx, e, pctOFF{d}, osf, "(2a)")

				by(e, "a second retrieval of the document is fetched from PCT DAS again: DAS keeps no copy in its library")
				again := s.theOSF(ctx, e, "FI")
				ack2 := s.retrieveAndCheck(ctx, e, pctOFF{d}, again, "(2a)")
				Expect(servedBy(e.Exchanges(), "office IB", "requestRetrieval")).To(Equal(2),
					"PCT DAS served both retrievals: an RO/IB document is never taken from the library")
				if store, err := e.Storage(); err == nil {
					lib, err := store.List(ctx, store.Library(), "")
					Expect(err).NotTo(HaveOccurred())
					Expect(lib).To(BeEmpty(), "RO/IB documents are never stored in the library")
				}

				by(e, "(2e) the OSFs delete their files from the transit zone: the document is gone for them")
				for _, r := range []struct {
					osf harness.OSF
					ack string
				}{{osf, ack}, {again, ack2}} {
					Expect(r.osf.Delete(ctx, r.ack)).To(Succeed())
					_, err := r.osf.Download(ctx, r.ack)
					Expect(err).To(MatchError(ContainSubstring("-41")), "a download after the deletion is refused as deleted (-41)")
				}
				if store, err := e.Storage(); err == nil {
					transit, err := store.List(ctx, store.Transit(), "")
					Expect(err).NotTo(HaveOccurred())
					for _, o := range transit {
						Expect(o.Size).NotTo(Equal(int64(len(d.Content))), "the RO/IB document is left in transit: "+o.Key)
					}
				}
			})

			s.ConformanceIt("refuses to register an RO/IB document into the library", Rule{
				Rule:   "PCT priority documents originated from RO/IB: DAS Digital Library FORBIDDEN",
				Source: "WIPO DAS storage page, priority document storage table",
			}, func(ctx SpecContext) {
				e := s.env(ctx)
				by(e, "an office registers an RO/IB document with a file: DAS refuses to put it in its library")
				c := need(e.OfficeClient(0, "IB", "ib-office"))
				d := harness.Document{Number: "PCT/IB2023/050123", Date: "2023-01-09", AccessCode: "C0DE",
					Content: harness.PDF("PCT/IB2023/050123", 8*1024)}
				r, err := c.Deposit(ctx, d)
				Expect(err).NotTo(HaveOccurred())
				expectAnswer("das", "registerDocument", r, http.StatusForbidden, "FORBIDDEN", -21)
				Expect(strings.ToLower(detailText(r))).To(ContainSubstring("library"))
				if store, err := e.Storage(); err == nil {
					lib, err := store.List(ctx, store.Library(), "")
					Expect(err).NotTo(HaveOccurred())
					Expect(lib).To(BeEmpty())
				}
			})
		})

	Describe("PCT RO/IB priority documents: removed after the transit retention",
		s.Flow("pct"), s.Role("das", "pctdas"), func() {
			s.ConformanceIt("removes an RO/IB document the OSF never deletes after the retention period", Rule{
				Rule:   "PCT RO/IB documents are stored temporarily in S3 until offices fetch them; if OSF does not delete the downloaded file, WIPO DAS deletes it after a pre-defined period",
				Source: "WIPO DAS storage page; exchange flows note (e.g. 1 week)",
			}, func(ctx SpecContext) {
				e := s.env(ctx)
				d := e.PCTDocuments()[1]
				osf := s.theOSF(ctx, e, "EE")
				ack := s.retrieveAndCheck(ctx, e, pctOFF{d}, osf, "(2a)")
				retention := e.Declared().Retention
				by(e, fmt.Sprintf("letting the retention (%v) and 2 seconds more pass without deleting", retention))
				need(struct{}{}, e.WaitFor(ctx, retention+2*time.Second, "the transit retention to pass"))
				e.Settle()
				_, err := osf.Download(ctx, ack)
				Expect(err).To(MatchError(ContainSubstring("expired")))
				if store, err := e.Storage(); err == nil {
					transit, err := store.List(ctx, store.Transit(), "")
					Expect(err).NotTo(HaveOccurred())
					for _, o := range transit {
						Expect(o.Size).NotTo(Equal(int64(len(d.Content))), "the RO/IB document is left in transit: "+o.Key)
					}
				}
			})
		})
}
