package scenarios

import (
	"context"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
)

func (s *Suite) wipoErrors() {
	Describe("Retrieval lookup errors answered with WIPO's codes (CURL examples a.3.1.3)",
		s.Flow("wipo-errors"), s.Role("das", "osf"), func() {
			var (
				e        *harness.Env
				off, osf *harness.Client
				doc      harness.Document
			)
			BeforeEach(func(ctx SpecContext) {
				e = s.env(ctx)
				off, osf = officePair(e)
				doc = e.Document(off, eeDocument())
				by(e, "OFF registers the document the OSF will ask for")
				r, err := off.Deposit(ctx, doc)
				Expect(err).NotTo(HaveOccurred())
				expectAnswer("das", "registerDocument", r, http.StatusCreated, "")
			})

			retrieveWith := func(ctx context.Context, change func(*harness.Document)) *harness.Response {
				d := doc
				change(&d)
				_, r, err := osf.Retrieve(ctx, d)
				Expect(err).NotTo(HaveOccurred())
				return r
			}

			s.ConformanceIt("answers -7 for a number that is not registered", Rule{
				Rule:   "INVALID_INPUT_DATA with detail -7 'The requested document is not registered in the system'",
				Source: "WIPO DAS CURL examples a.3.1.3; das-domain.md section 2",
			}, func(ctx SpecContext) {
				r := retrieveWith(ctx, func(d *harness.Document) { d.Number += "9" })
				expectAnswer("das", "requestRetrieval", r, http.StatusBadRequest, "INVALID_INPUT_DATA", -7)
				Expect(detailText(r)).To(ContainSubstring("not registered"))
			})

			s.ConformanceIt("answers -7 for the right number under another kind of right", Rule{
				Rule:   "A wrong number or a wrong kind is 'not registered' (-7)",
				Source: "WIPO DAS CURL examples a.3.1.3; das-domain.md section 2",
			}, func(ctx SpecContext) {
				r := retrieveWith(ctx, func(d *harness.Document) { d.Kind = "design" })
				expectAnswer("das", "requestRetrieval", r, http.StatusBadRequest, "INVALID_INPUT_DATA", -7)
			})

			s.ConformanceIt("answers -12 for a mismatched priority filing date", Rule{
				Rule:   "detail -12 'Mismatched priority filing date: documentDate'",
				Source: "WIPO DAS CURL examples a.3.1.3",
			}, func(ctx SpecContext) {
				r := retrieveWith(ctx, func(d *harness.Document) { d.Date = "2023-03-15" })
				expectAnswer("das", "requestRetrieval", r, http.StatusBadRequest, "INVALID_INPUT_DATA", -12)
				Expect(detailText(r)).To(ContainSubstring("documentDate"))
			})

			s.ConformanceIt("answers -14 for a mismatched access code without disclosing the registered one", Rule{
				Rule:   "detail -14 'Mismatched access code: dasAccessCode'; the access code is the document's secret",
				Source: "WIPO DAS CURL examples a.3.1.3; DAS User Guide (access code)",
			}, func(ctx SpecContext) {
				r := retrieveWith(ctx, func(d *harness.Document) { d.AccessCode = "AB22" })
				expectAnswer("das", "requestRetrieval", r, http.StatusBadRequest, "INVALID_INPUT_DATA", -14)
				Expect(strings.ToUpper(string(r.Body))).NotTo(ContainSubstring("AB21"), "the registered access code never leaves DAS")
			})

			s.ConformanceIt("answers -12 and -14 together when both are wrong", Rule{
				Rule:   "both wrong: both details in one response",
				Source: "WIPO DAS CURL examples a.3.1.3",
			}, func(ctx SpecContext) {
				r := retrieveWith(ctx, func(d *harness.Document) { d.Date = "2023-03-15"; d.AccessCode = "AB22" })
				expectAnswer("das", "requestRetrieval", r, http.StatusBadRequest, "INVALID_INPUT_DATA", -12, -14)
			})

			s.ConformanceIt("names the field and the rule of a request that breaks the contract", Rule{
				Rule:   "Bad input gets INVALID_INPUT_DATA naming the field (JSON pointer) and the rule broken",
				Source: "das.yaml ErrorDetail -1; dasim brief (bad input)",
			}, func(ctx SpecContext) {
				r := retrieveWith(deliberately(ctx), func(d *harness.Document) { d.AccessCode = "AB2" })
				expectAnswer("das", "requestRetrieval", r, http.StatusBadRequest, "INVALID_INPUT_DATA", -1)
				Expect(detailText(r)).To(And(ContainSubstring("/dasAccessCode"), ContainSubstring("pattern")))
				Expect(detailText(r)).NotTo(ContainSubstring("AB2\""), "the access code sent is not echoed")
			})
		})
}
