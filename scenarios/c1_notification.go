package scenarios

import (
	"encoding/json"
	"net/http"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/reports"
	"github.com/wipo-das/dasim/simulators/office"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// The flows of this file run with whichever OFF the run binds: a simulated
// office, or the office under test (dasim certify --role off).

func (s *Suite) c1Notification() {
	Describe("c.1 documents kept in WIPO DAS, OSF notified (Figure A)",
		s.Flow("c1-notification"), s.Role("das", "off", "osf"), func() {
			s.ConformanceIt("notifies the OSF and delivers the bytes the OFF uploaded", Rule{
				Rule:   "(2b) WIPO DAS prepares the requested document for download and notifies the OSF of the document availability by referring to the request acknowledgement id (POST notifications)",
				Source: "WIPO DAS exchange flows c.1, Figure A",
			}, func(ctx SpecContext) {
				e := s.env(ctx)
				by(e, "(1a)(1b)(1c) the OFF uploads its document into the DAS library and registers it")
				off := s.theOFF(ctx, e, harness.OFFWanted{Config: office.Config{Code: "EE"},
					Document: document("EE P202300012", "2023-03-14", "AB21", office.Library, 64*1024)})
				osf := s.theOSF(ctx, e, "FI")
				ack := s.retrieveAndCheck(ctx, e, off, osf, "(2a)")
				by(e, "(2e) the OSF deletes the download file from the transit zone")
				Expect(osf.Delete(ctx, ack)).To(Succeed())
			})
		})
}

func (s *Suite) c2() {
	Describe("c.2 documents kept in the OFF digital library",
		s.Flow("c2"), s.Role("das", "off", "osf"), func() {
			for _, setup := range []office.AuthSetup{office.SetupA, office.SetupB} {
				s.ConformanceIt("forwards the retrieval to the OFF, fetches its document and notifies the OSF (setup "+string(setup)+")", Rule{
					Rule:   "WIPO DAS forwards the retrieval request to the OFF; OFF notifies WIPO DAS; WIPO DAS retrieves the file location URL (files/url-downloads), downloads the file, then notifies the OSF; DAS authenticates to the office in setup " + string(setup),
					Source: "WIPO DAS exchange flows, documents kept in the OFF digital library; authentication setups A and B",
				}, func(ctx SpecContext) {
					e := s.env(ctx)
					by(e, "the OFF registers its document without uploading it (steps 1a and 1b are not required)")
					off := s.theOFF(ctx, e, harness.OFFWanted{Config: office.Config{Code: "JP"}, Setup: setup,
						Document: document("JP 2023-045678", "2023-04-02", "3F9A", office.Home, 32*1024)})
					osf := s.theOSF(ctx, e, "EE")
					ack := s.retrieveAndCheck(ctx, e, off, osf, "(1)")
					expectNotifiedOnce(osf, ack)
					by(e, "DAS forwarded the retrieval with its own ack id, distinct from the OSF's")
					offAcks := forwardedAcks(e.Exchanges(), off.Code())
					Expect(offAcks).To(HaveLen(1))
					Expect(offAcks[0]).NotTo(Equal(ack), "two ack ids per retrieval")
				})
			}
		})

	Describe("c.2 the OFF answers the retrievals DAS forwards",
		s.Flow("c2"), s.Role("off"), func() {
			s.ConformanceIt("the OFF refuses a forwarded retrieval of a document it does not hold with the WIPO error body", Rule{
				Rule:   "An OFF answers a retrieval DAS forwards with WIPO's error body {code, message, details[]}: a document it does not hold is INVALID_INPUT_DATA with detail -7 (not registered)",
				Source: "WIPO DAS exchange flows c.2; das.yaml requestRetrieval responses; WIPO DAS error codes",
			}, func(ctx SpecContext) {
				e := s.env(ctx)
				off := s.theOFF(ctx, e, harness.OFFWanted{Config: office.Config{Code: "JP"}})
				by(e, "WIPO DAS forwards a retrieval of a document number the OFF never registered")
				unknown := harness.Document{Number: off.Code() + " 0000-NOT-HELD", Date: "2023-01-02", AccessCode: "0F0F"}
				r, err := off.CallAsDAS(ctx, http.MethodPost, "/retrievals", nil, harness.RetrievalBody(unknown))
				Expect(err).NotTo(HaveOccurred())
				expectLookupRefusal(off, r, "a document the OFF does not hold is refused with WIPO's error body, INVALID_INPUT_DATA and detail -7 (not registered)", protocol.DetailNotRegistered)
			})
		})
}

func (s *Suite) c3() {
	Describe("c.3 big documents sent by the OFF through the DAS transit zone",
		s.Flow("c3"), s.Role("das", "off", "osf"), func() {
			s.ConformanceIt("lets the OFF upload into transit, set the file id and notify, then serves the OSF", Rule{
				Rule:   "OFF requests a presigned url, uploads into the DAS transit zone, updates the retrieval file id referring to its own ack id (PUT retrievals), notifies WIPO DAS; DAS notifies the OSF",
				Source: "WIPO DAS exchange flows, big-sized documents through the DAS transit zone",
			}, func(ctx SpecContext) {
				e := s.env(ctx)
				off := s.theOFF(ctx, e, harness.OFFWanted{
					Config:   office.Config{Code: "US", Setup: office.SetupB, TransitThreshold: 1 << 20},
					Document: document("US 18/123,456", "2023-06-20", "D00D", office.Transit, 2<<20)})
				osf := s.theOSF(ctx, e, "EE")
				ack := s.retrieveAndCheck(ctx, e, off, osf, "(1)")
				expectNotifiedOnce(osf, ack)
				by(e, "the OFF set the file of the retrieval it was forwarded (PUT retrievals)")
				if f := diagnose(e, off, "", s.underTest()); f != nil {
					failWith(*f)
				}
				if served(e.Exchanges(), "setRetrievalFile")+calledOK(e.Exchanges(), "office "+off.Code(), "setRetrievalFile") == 0 {
					failWith(reports.Failure{Party: off.Party(), Operation: "setRetrievalFile", Step: officeCallStep("setRetrievalFile"),
						Rule:     "c.3: the OFF sets the file of the forwarded retrieval (PUT retrievals) before it notifies",
						Expected: "a PUT retrievals at WIPO DAS referring to the OFF's ack id", Actual: "no PUT retrievals reached DAS"})
				}
			})
		})
}

// forwardedAcks are the ack ids the OFF code answered DAS's forwarded
// retrievals with, as the office's side recorded them in ex (a simulated
// OFF's records; for an OFF under test, DAS's side of the call).
func forwardedAcks(ex []openapi.Exchange, code string) []string {
	var acks []string
	for _, e := range ex {
		ownSide := e.Recorder == "server" && e.Labels.Party == "office "+code
		dasSide := e.Recorder == "client" && e.Labels.Peer == "office "+code
		if e.Operation != "requestRetrieval" || e.Status != http.StatusCreated || !(ownSide || dasSide) {
			continue
		}
		var ack struct{ RequestAckID string }
		_ = json.Unmarshal([]byte(e.ResponseBody), &ack)
		if !slices.Contains(acks, ack.RequestAckID) { // both sides record a simulated OFF's answer
			acks = append(acks, ack.RequestAckID)
		}
	}
	return acks
}

// served counts the times DAS served operation successfully in ex.
func served(ex []openapi.Exchange, operation string) int {
	n := 0
	for _, e := range ex {
		if e.Operation == operation && e.Recorder == "server" && e.Labels.Party == "das" && e.Status < 300 {
			n++
		}
	}
	return n
}

// calledOK counts the calls of operation that party made and DAS answered
// with 2xx, from party's own records (a simulated office's).
func calledOK(ex []openapi.Exchange, party, operation string) int {
	n := 0
	for _, e := range ex {
		if e.Operation == operation && e.Recorder == "client" && e.Labels.Party == party && e.Status < 300 && e.Status > 0 {
			n++
		}
	}
	return n
}

// expectNotifiedOnce checks that DAS told the OSF once that the document of
// ack is available: when it is, not before (step 7 of the flows through the
// OFF: "WIPO DAS prepares the requested document for download by OSF and
// notifies the OSF").
func expectNotifiedOnce(osf harness.OSF, ack string) {
	GinkgoHelper()
	r, _ := osf.Received(ack)
	Expect(r.Notifications).To(HaveLen(1), "DAS notifies the OSF once, when it has prepared the document")
}
