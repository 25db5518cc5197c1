package scenarios

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/reports"
	"github.com/wipo-das/dasim/simulators/office"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// The steps of the specs that certify an office of first filing: they drive
// the spec's OFF (simulated, or the office under test) through WIPO DAS and
// directly as DAS would, and lay every miss at the OFF's door.

// homeOFF is the spec's OFF holding a document in its own digital library
// (flow c.2), and a simulated OSF.
func (s *Suite) homeOFF(ctx SpecContext, e *harness.Env) (harness.OFF, harness.OSF) {
	GinkgoHelper()
	return s.offAndOSF(ctx, e, "JP", document("JP 2023-045678", "2023-04-02", "3F9A", office.Home, 32*1024), "EE")
}

// offAndOSF is the spec's OFF (code, holding d: the office under test
// brings its own document of d's hosting) and a simulated OSF.
func (s *Suite) offAndOSF(ctx SpecContext, e *harness.Env, code string, d office.Document, osf string) (harness.OFF, harness.OSF) {
	GinkgoHelper()
	off := s.theOFF(ctx, e, harness.OFFWanted{Config: office.Config{Code: code}, Document: d})
	return off, s.theOSF(ctx, e, osf)
}

// offDownloadURL is the OFF's answer to DAS's GET files/url-downloads for
// its ack id offAck, which must be 200.
func offDownloadURL(ctx SpecContext, off harness.OFF, offAck string) protocol.URLDownloadResponse {
	GinkgoHelper()
	r, err := off.CallAsDAS(ctx, http.MethodGet, "/files/url-downloads", url.Values{"requestAckId": {offAck}}, nil)
	Expect(err).NotTo(HaveOccurred())
	expectAnswer(off.Party(), "getFileDownloadUrl", r, http.StatusOK, "")
	var dl protocol.URLDownloadResponse
	Expect(r.Decode(&dl)).To(Succeed())
	return dl
}

// forwardedRetrieval has the OSF retrieve off's document through DAS (DAS
// forwards it, the OFF notifies, DAS fetches, the OSF downloads) and
// returns the OSF's ack id and the OFF's own.
func (s *Suite) forwardedRetrieval(ctx SpecContext, e *harness.Env, off harness.OFF, osf harness.OSF) (osfAck, offAck string) {
	GinkgoHelper()
	osfAck = s.retrieveAndCheck(ctx, e, off, osf, "(1)")
	acks := forwardedAcks(e.Exchanges(), off.Code())
	if len(acks) == 0 {
		failWith(reports.Failure{Party: off.Party(), Operation: "requestRetrieval", Step: offCallStep("requestRetrieval"),
			Rule:     "WIPO DAS forwards the retrieval request to the OFF and receives a request acknowledgement id issued by OFF",
			Expected: "a 201 answer with requestAckId to DAS's forwarded POST retrievals", Actual: "none recorded"})
	}
	return osfAck, acks[len(acks)-1]
}

// knownOFFAck is an ack id off gave a retrieval DAS forwarded it in e's
// world: in a world shared by the run, the one an earlier spec got (links
// can be fetched again while the retrieval lives); otherwise a fresh one.
func (s *Suite) knownOFFAck(ctx SpecContext, e *harness.Env, off harness.OFF, osf harness.OSF) string {
	GinkgoHelper()
	s.mu.Lock()
	ack, ok := s.offAcks[e.World()]
	s.mu.Unlock()
	if ok {
		return ack
	}
	_, ack = s.forwardedRetrieval(ctx, e, off, osf)
	if e.Can(harness.AdvanceClock) != nil { // a shared world: it outlives the spec
		s.mu.Lock()
		s.offAcks[e.World()] = ack
		s.mu.Unlock()
	}
	return ack
}

// offOperation is one operation an office serves to DAS.
type offOperation struct {
	op, method, path string
	query            url.Values
	body             any
	optional         bool // served by some offices only: probed where the genuine call succeeds
}

func (o offOperation) String() string {
	s := o.method + " " + o.path
	if len(o.query) > 0 {
		s += "?" + o.query.Encode()
	}
	return s
}

// dasFacingOperations are the calls DAS makes to an OFF about d, the
// retrieval the OFF acknowledged with offAck: the forwarded retrieval, the
// download URL in both forms, and the notifications an office takes as OSF.
func dasFacingOperations(d office.Document, offAck string) []offOperation {
	k := harness.Document{Kind: d.Kind, Number: d.Number, Date: d.FilingDate, AccessCode: d.AccessCode}
	return []offOperation{
		{op: "requestRetrieval", method: http.MethodPost, path: "/retrievals", body: harness.RetrievalBody(k)},
		{op: "getFileDownloadUrl", method: http.MethodGet, path: "/files/url-downloads", query: url.Values{"requestAckId": {offAck}}},
		{op: "requestFileDownloadUrl", method: http.MethodPost, path: "/files/url-downloads", optional: true,
			body: map[string]any{"documentKindCategory": kindOf(d), "documentNumber": d.Number, "documentDate": d.FilingDate, "osfAckId": offAck}},
		{op: "notify", method: http.MethodPost, path: "/notifications", optional: true,
			body: map[string]any{"requestAckId": "dasim-probe-" + strings.ToLower(strings.ReplaceAll(d.Number, " ", "-")),
				"requestStatusCategory": "success", "documentAvailabilityDate": "2026-01-05T09:00:02Z",
				"documentKindCategory": kindOf(d), "documentNumber": d.Number, "documentDate": d.FilingDate}},
	}
}

func kindOf(d office.Document) string {
	if d.Kind == "" {
		return "patent"
	}
	return d.Kind
}

// servedOperations keeps the operations off serves: every required one,
// and an optional one when the genuine call (DAS's own token) succeeds —
// or, for notifications, answers WIPO's "unknown request" (-32).
func servedOperations(ctx SpecContext, off harness.OFF, ops []offOperation) []offOperation {
	GinkgoHelper()
	var out []offOperation
	for _, o := range ops {
		if !o.optional {
			out = append(out, o)
			continue
		}
		r, err := off.CallAsDAS(ctx, o.method, o.path, o.query, o.body)
		Expect(err).NotTo(HaveOccurred(), "calling the OFF's "+o.String())
		if r.Status/100 == 2 || (o.op == "notify" && r.Status == http.StatusNotFound && hasDetail(r, protocol.DetailUnknownRequest)) {
			out = append(out, o)
		}
	}
	return out
}

func hasDetail(r *harness.Response, code int) bool {
	if r == nil || r.Error == nil {
		return false
	}
	for _, d := range r.Error.Details {
		if d.Code == code {
			return true
		}
	}
	return false
}

// answerText is an office's answer for a failure's actual.
func answerText(r *harness.Response) string {
	if r == nil {
		return "no answer"
	}
	return fmt.Sprintf("HTTP %d %s", r.Status, clipText(strings.TrimSpace(string(r.Body))))
}

// officeStep is the step in which WIPO DAS calls the OFF's op.
func officeStep(o offOperation) string {
	if o.op == "notify" {
		return "WIPO DAS notifies the office (POST notifications at the office)"
	}
	return offCallStep(o.op)
}

// failAll fails the spec with the first of fs, listing the others in its message.
func failAll(fs []reports.Failure) {
	GinkgoHelper()
	if len(fs) == 0 {
		return
	}
	f := fs[0]
	if len(fs) > 1 {
		var more []string
		for _, g := range fs[1:] {
			more = append(more, g.Operation+": "+g.Actual)
		}
		f.Message = fmt.Sprintf("%d more: %s", len(fs)-1, strings.Join(more, " | "))
	}
	failWith(f)
}

// settleAfterProbes lets the world's time pass long enough for an office
// that acted on a refused call to show it (a notification, an upload).
func settleAfterProbes(ctx SpecContext, e *harness.Env) {
	GinkgoHelper()
	wait := min(e.Patience(), 10*e.PollEvery())
	Expect(e.Pass(ctx, wait)).To(Succeed())
}
