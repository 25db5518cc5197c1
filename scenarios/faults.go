package scenarios

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/reports"
	"github.com/wipo-das/dasim/simulators/das"
	"github.com/wipo-das/dasim/simulators/faults"
	"github.com/wipo-das/dasim/simulators/office"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// faultyRetrieval starts an OFF (EE) holding d at home or via transit and an
// OSF (JP), switches rule on (its party "office EE" or "office JP" naming
// those), and has the OSF retrieve d. The spec then lets the world run.
func (s *Suite) faultyRetrieval(ctx SpecContext, hosting office.Hosting, rule faults.Rule) (*harness.Env, harness.OSF, string, office.Document) {
	GinkgoHelper()
	return s.faultyRetrievalIn(ctx, harness.Config{}, hosting, rule)
}

// faultyRetrievalIn is faultyRetrieval in a world made with cfg.
func (s *Suite) faultyRetrievalIn(ctx SpecContext, cfg harness.Config, hosting office.Hosting, rule faults.Rule) (*harness.Env, harness.OSF, string, office.Document) {
	GinkgoHelper()
	e := s.envWith(ctx, cfg)
	osf, ack, d := s.faultyRetrievalAt(ctx, e, hosting, rule)
	return e, osf, ack, d
}

// faultyRetrievalAt is faultyRetrieval in the spec's environment e.
func (s *Suite) faultyRetrievalAt(ctx SpecContext, e *harness.Env, hosting office.Hosting, rule faults.Rule) (harness.OSF, string, office.Document) {
	GinkgoHelper()
	off := s.theOFF(ctx, e, harness.OFFWanted{Config: office.Config{Code: "EE"},
		Document: document("EE P202300012", "2023-03-14", "AB21", hosting, 24*1024)})
	d := off.Document()
	osf := s.theOSF(ctx, e, "JP")
	rule.Party = strings.NewReplacer("office EE", "office "+off.Code(), "office JP", "office "+osf.Code()).Replace(rule.Party)
	by(e, "switching on the fault: "+string(rule.Kind)+" at "+rule.Party+" "+rule.Operation)
	need(e.AddFault(rule))
	by(e, "the OSF requests the document")
	ack, err := osf.RequestRetrieval(ctx, d.Key()) // the key carries the sha256 the OSF expects
	Expect(err).NotTo(HaveOccurred())
	return osf, ack, d
}

// untilDone lets the world's time pass until DAS is done with the OSF's
// retrieval ack — its status left pending, and it notified the OSF — for at
// most the Env's retry window; it returns the last status. An OSF that takes
// no notification (one fault makes it refuse them) is waited for a little
// after the status settled, no more.
func untilDone(ctx SpecContext, e *harness.Env, osf harness.OSF, ack string) harness.RetrievalStatus {
	GinkgoHelper()
	window := e.RetryWindow()
	step := e.PollEvery()
	if e.Can(harness.AdvanceClock) == nil {
		step = window / 40 // a virtual clock: the retries fall due in 40 steps
	}
	by(e, fmt.Sprintf("the world runs until DAS is done with the retrieval (at most %v)", window))
	var settled time.Duration = -1
	for waited := time.Duration(0); ; waited += step {
		st, err := osf.Status(ctx, ack)
		Expect(err).NotTo(HaveOccurred())
		r, _ := osf.Received(ack)
		switch {
		case st.RequestStatusCategory != "pending" && r.Status != "pending":
			return st
		case st.RequestStatusCategory != "pending" && settled < 0:
			settled = waited
		case settled >= 0 && waited-settled >= e.Patience()/4:
			return st
		}
		if waited >= window {
			failWith(reports.Failure{Party: "das", Operation: "getRetrievalStatuses", Step: "WIPO DAS ends a retrieval whose office misbehaves",
				Rule:     "a retrieval is never left pending without end: DAS retries, then reports a clear error status",
				Expected: fmt.Sprintf("the retrieval settled within %v", window),
				Actual:   fmt.Sprintf("still pending: %s", derefString(st.StatusMessage))})
		}
		Expect(e.Pass(ctx, step)).To(Succeed())
	}
}

// faultEvents are the events of kind that the spec's faults caused.
func faultEvents(e *harness.Env, kind faults.Kind) []faults.Event {
	return e.FaultEvents(kind)
}

// deliveries are DAS's calls to offices for ack, from the simulated DAS's
// own records; nil (and ok false) when DAS is a system under test.
func deliveries(e *harness.Env, ack string) ([]das.Attempt, bool) {
	a, err := e.Deliveries(ack)
	return a, err == nil
}

// servedBy counts the exchanges in which party answered operation with 2xx.
func servedBy(ex []openapi.Exchange, party, operation string) int {
	n := 0
	for _, x := range ex {
		if x.Operation == operation && x.Recorder == "server" && x.Labels.Party == party && x.Status < 300 {
			n++
		}
	}
	return n
}

// spacing are the gaps between consecutive events.
func spacing(events []faults.Event) []time.Duration {
	var out []time.Duration
	for i := 1; i < len(events); i++ {
		out = append(out, events[i].At.Sub(events[i-1].At))
	}
	return out
}

func derefString(p *string) string {
	if p == nil {
		return "no statusMessage"
	}
	return *p
}

// expectDelivered checks that the OSF was told of success and downloads
// exactly d's bytes.
func expectDelivered(ctx SpecContext, osf harness.OSF, ack string, d office.Document) {
	GinkgoHelper()
	r, _ := osf.Received(ack)
	Expect(r.Status).To(Equal("success"), "retrieval of "+d.Number)
	got, err := osf.Download(ctx, ack)
	Expect(err).NotTo(HaveOccurred())
	Expect(harness.SHA256(got)).To(Equal(harness.SHA256(d.Content)), "the OSF got "+d.Number)
}

// expectFailedWithReason checks that the OSF was told of the failure with
// code, and that the status says why: never pending without a reason.
func expectFailedWithReason(ctx SpecContext, osf harness.OSF, ack string, code int) {
	GinkgoHelper()
	r, _ := osf.Received(ack)
	Expect(r.Status).To(Equal("error"), "the OSF was notified of the failure")
	st, err := osf.Status(ctx, ack)
	Expect(err).NotTo(HaveOccurred())
	Expect(st.RequestStatusCategory).To(Equal("error"))
	Expect(st.ErrorCode).To(HaveValue(Equal(code)))
	Expect(st.StatusMessage).To(HaveValue(Not(BeEmpty())), "the status says why")
	GinkgoWriter.Printf("status of %s: error %d, %s\n", ack, *st.ErrorCode, *st.StatusMessage)
}

func (s *Suite) faultsAtOffices() {
	Describe("Faults: the hub survives misbehaving offices and never loses or corrupts a document",
		s.Flow("faults"), s.Role("das"), func() {
			s.ConformanceIt("retries an unreachable OFF with backoff, then reports -101 to the OSF", Rule{
				Rule:   "DAS retries calls to an office that is down, and reports a clear error status with its reason instead of leaving the retrieval pending",
				Source: "dasim issue 5 point 3; WIPO DAS error handling (system error range)",
			}, func(ctx SpecContext) {
				e, osf, ack, _ := s.faultyRetrieval(ctx, office.Home,
					faults.Rule{Party: "office EE", Operation: "requestRetrieval", Kind: faults.Unreachable})
				untilDone(ctx, e, osf, ack)
				attempts := faultEvents(e, faults.Unreachable)
				Expect(len(attempts)).To(BeNumerically(">=", 2), "DAS tried the office more than once")
				gaps := spacing(attempts)
				Expect(gaps[len(gaps)-1]).To(BeNumerically(">", gaps[0]), "the attempts are spaced further and further apart (backoff): %v", gaps)
				expectFailedWithReason(ctx, osf, ack, protocol.DetailOFFUnreachable)
			})

			s.ConformanceIt("retries a 5xx answer and then succeeds", Rule{
				Rule:   "A 5xx from an office is retried; delivery is at least once",
				Source: "das.yaml notify (receivers must accept a repeat); RFC 9110 section 15.6",
			}, func(ctx SpecContext) {
				e, osf, ack, d := s.faultyRetrieval(ctx, office.Home,
					faults.Rule{Party: "office EE", Operation: "getFileDownloadUrl", Kind: faults.ServerError, Status: 503, Remaining: 2})
				untilDone(ctx, e, osf, ack)
				expectDelivered(ctx, osf, ack, d)
			})

			s.ConformanceIt("refuses bytes whose checksum is wrong and reports -104, never the corrupt document", Rule{
				Rule:   "Every downloaded byte equals what the OFF holds; a transfer that fails the sha256 check ends in a clear error",
				Source: "das.yaml fileChecksum (SHA-256); dasim issue 5 point 3",
			}, func(ctx SpecContext) {
				e, osf, ack, _ := s.faultyRetrieval(ctx, office.Home,
					faults.Rule{Party: "office EE", Operation: faults.OpDownloadFile, Kind: faults.WrongChecksum})
				untilDone(ctx, e, osf, ack)
				expectFailedWithReason(ctx, osf, ack, protocol.DetailTransferFailed)
				_, err := osf.Download(ctx, ack)
				Expect(err).To(HaveOccurred(), "no document to download")
			})

			s.ConformanceIt("reports an OFF download URL that is already expired", Rule{
				Rule:   "DAS downloads from the OFF's URL; an expired URL ends the retrieval with a reason, not a silent wait",
				Source: "WIPO DAS exchange flows c.2 step 5; dasim issue 5 point 3",
			}, func(ctx SpecContext) {
				e, osf, ack, _ := s.faultyRetrieval(ctx, office.Home,
					faults.Rule{Party: "office EE", Operation: "getFileDownloadUrl", Kind: faults.ExpiredDownloadURL})
				untilDone(ctx, e, osf, ack)
				expectFailedWithReason(ctx, osf, ack, protocol.DetailTransferFailed)
			})

			s.ConformanceIt("absorbs a duplicated OFF notification and notifies the OSF once", Rule{
				Rule:   "Notifications are delivered at least once: receivers must accept a repeat",
				Source: "das.yaml notify",
			}, func(ctx SpecContext) {
				e, osf, ack, _ := s.faultyRetrieval(ctx, office.Home,
					faults.Rule{Party: "office EE", Operation: "notify", Kind: faults.NotificationDuplicated, Remaining: 1})
				untilDone(ctx, e, osf, ack)
				Expect(e.Pass(ctx, e.Patience()/4)).To(Succeed(), "time for a second notification to the OSF, were DAS to send one")
				r, _ := osf.Received(ack)
				Expect(r.Status).To(Equal("success"))
				Expect(r.Notifications).To(HaveLen(1))
			})

			s.ConformanceIt("reports a truncated transit upload by the OFF as an error", Rule{
				Rule:   "A document the OFF could not upload into the transit zone is never delivered; the OSF is told why",
				Source: "WIPO DAS exchange flows c.3; dasim issue 5 point 3",
			}, func(ctx SpecContext) {
				e, osf, ack, _ := s.faultyRetrieval(ctx, office.Transit,
					faults.Rule{Party: "office EE", Operation: faults.OpUploadFile, Kind: faults.TruncatedUpload})
				untilDone(ctx, e, osf, ack)
				expectFailedWithReason(ctx, osf, ack, protocol.DetailOFFError)
			})

			s.ConformanceIt("abandons a call the OFF answers too slowly, retries it, and then succeeds", Rule{
				Rule:   "A call to an office that does not answer in time is abandoned and retried like a call to an unreachable office; the retrieval completes once the office answers",
				Source: "dasim issue 5 point 3 (slow party); das.yaml notify (delivery at least once)",
			}, func(ctx SpecContext) {
				// The office holds DAS's first forwarded retrieval longer than
				// DAS's call timeout (200 ms in a world of the spec's own, the
				// declared one of a DAS under test), in real time: DAS's call
				// timeout is a property of its HTTP client, not of the world.
				e := s.envWith(ctx, harness.Config{DASOutboundTimeout: 200 * time.Millisecond})
				hold := 2*e.Declared().CallTimeout + time.Second
				if hold > e.RetryWindow() {
					Skip(fmt.Sprintf("needs an office slower than DAS's call timeout (%v), which exceeds the run's longest wait (%v, --max-wait)",
						e.Declared().CallTimeout, e.RetryWindow()))
				}
				osf, ack, d := s.faultyRetrievalAt(ctx, e, office.Home,
					faults.Rule{Party: "office EE", Operation: "requestRetrieval", Kind: faults.Slow,
						Delay: faults.Duration(hold), RealTime: true, Remaining: 1})
				untilDone(ctx, e, osf, ack)
				Expect(faultEvents(e, faults.Slow)).To(HaveLen(1), "the office held one forwarded retrieval")
				Expect(servedBy(e.Exchanges(), "office EE", "requestRetrieval")).To(BeNumerically(">=", 1),
					"DAS forwarded the retrieval again after abandoning the slow call, and the office answered")
				if forwards, ok := deliveries(e, ack); ok {
					Expect(forwards[0].Error).NotTo(BeEmpty(), "the slow attempt is recorded as failed")
					Expect(forwards[0].Status).To(BeZero(), "no answer came back in time")
					GinkgoWriter.Printf("slow attempt: %s\n", forwards[0].Error)
				}
				expectDelivered(ctx, osf, ack, d)
			})

			s.ConformanceIt("lets an OSF that cannot take notifications find the document by polling", Rule{
				Rule:   "Alternatively, OSF may use the check status to download the document content when it is reported as available",
				Source: "WIPO DAS exchange flows c.1 note to step 2b, Figure B",
			}, func(ctx SpecContext) {
				e, osf, ack, d := s.faultyRetrieval(ctx, office.Library,
					faults.Rule{Party: "office JP", Operation: "notify", Kind: faults.ServerError, Status: 503})
				st := untilDone(ctx, e, osf, ack)
				Expect(st.RequestStatusCategory).To(Equal("success"))
				got, err := osf.Download(ctx, ack)
				Expect(err).NotTo(HaveOccurred())
				Expect(harness.SHA256(got)).To(Equal(harness.SHA256(d.Content)))
			})
		})

}

func (s *Suite) faultsOfNotifications() {
	Describe("Faults: late, lost and reordered notifications from the OFF",
		s.Flow("faults"), s.Role("das"), func() {
			s.ConformanceIt("says whom it waits for while the OFF's notification is missing, and ends the retrieval at its deadline", Rule{
				Rule:   "A retrieval is never left pending without saying what it waits for, nor pending forever",
				Source: "dasim issue 5 point 3 (never wedge a retrieval in pending without saying why)",
			}, func(ctx SpecContext) {
				e, osf, ack, _ := s.faultyRetrieval(ctx, office.Home,
					faults.Rule{Party: "office EE", Operation: "notify", Kind: faults.NotificationDropped, Remaining: 1})
				by(e, "the OFF prepares the document and its notification is lost")
				for waited := time.Duration(0); len(faultEvents(e, faults.NotificationDropped)) == 0; waited += e.PollEvery() {
					Expect(waited).To(BeNumerically("<", e.Patience()), "the OFF tried to notify DAS within %v", e.Patience())
					Expect(e.Pass(ctx, e.PollEvery())).To(Succeed())
				}
				st, err := osf.Status(ctx, ack)
				Expect(err).NotTo(HaveOccurred())
				Expect(st.RequestStatusCategory).To(Equal("pending"))
				Expect(st.StatusMessage).To(HaveValue(ContainSubstring("office EE")), "the status names whom DAS waits for")
				GinkgoWriter.Println("pending status:", *st.StatusMessage)
				deadline := e.Declared().OFFDeadline
				by(e, fmt.Sprintf("letting the world's time pass beyond DAS's deadline for the OFF (%v)", deadline))
				need(struct{}{}, e.WaitFor(ctx, deadline, "DAS's deadline for an OFF's notification"))
				untilDone(ctx, e, osf, ack)
				expectFailedWithReason(ctx, osf, ack, protocol.DetailOFFDeadline)
			})

			s.ConformanceIt("pairs reordered OFF notifications with their retrievals by the OFF's ack id", Rule{
				Rule:   "The OFF notifies by its own requestAckId; DAS pairs each notification with its retrieval in whatever order they arrive",
				Source: "WIPO DAS exchange flows, documents kept in the OFF digital library, steps 2-3; das.yaml notify",
			}, func(ctx SpecContext) {
				e := s.env(ctx)
				off := need(e.OFFHolding(ctx, office.Config{Code: "EE"},
					document("EE P202300012", "2023-03-14", "AB21", office.Home, 24*1024),
					document("EE P202300013", "2023-04-02", "3F9A", office.Home, 32*1024)))
				first, second := off.Documents()[0], off.Documents()[1]
				osf := s.theOSF(ctx, e, "JP")
				// Held long enough for the second notification to overtake it:
				// an hour of a virtual clock; on the real clock, longer than
				// the OFF takes to prepare the second document.
				hold := time.Hour
				if e.Can(harness.AdvanceClock) != nil {
					hold = 3 * office.DefaultPrepareDelay
				}
				need(e.AddFault(faults.Rule{Party: "office " + off.Code(), Operation: "notify", Kind: faults.NotificationOutOfOrder,
					Delay: faults.Duration(hold), Remaining: 1}))
				request := func(d office.Document) string {
					ack, err := osf.RequestRetrieval(ctx, d.Key())
					Expect(err).NotTo(HaveOccurred())
					return ack
				}
				by(e, "the OSF requests the first document; the OFF holds its notification back")
				ack1 := request(first)
				for waited := time.Duration(0); len(faultEvents(e, faults.NotificationOutOfOrder)) == 0; waited += e.PollEvery() {
					Expect(waited).To(BeNumerically("<", e.Patience()), "the OFF tried to notify DAS within %v", e.Patience())
					Expect(e.Pass(ctx, e.PollEvery())).To(Succeed())
				}
				st, err := osf.Status(ctx, ack1)
				Expect(err).NotTo(HaveOccurred())
				Expect(st.RequestStatusCategory).To(Equal("pending"))
				by(e, "the OSF requests the second document; its notification overtakes the first")
				ack2 := request(second)
				untilDone(ctx, e, osf, ack2)
				untilDone(ctx, e, osf, ack1)
				for ack, d := range map[string]office.Document{ack1: first, ack2: second} {
					expectDelivered(ctx, osf, ack, d)
					r, _ := osf.Received(ack)
					Expect(r.Notifications).To(HaveLen(1))
				}
				by(e, "the OFF's notifications reached DAS in the reverse order of the retrievals DAS forwarded")
				forwarded := forwardedAcks(e.Exchanges(), off.Code())
				notified := notifiedAcks(e.Exchanges(), off.Code())
				Expect(forwarded).To(HaveLen(2))
				Expect(notified).To(Equal([]string{forwarded[1], forwarded[0]}), "the second notification overtook the first")
			})

			s.ConformanceIt("delivers after a delayed OFF notification", Rule{
				Rule:   "OFF notifies WIPO DAS of the document availability; DAS then fetches it and notifies the OSF, whenever the notification comes",
				Source: "WIPO DAS exchange flows, documents kept in the OFF digital library, step 3",
			}, func(ctx SpecContext) {
				e := s.env(ctx)
				delay := 10 * time.Minute // of a virtual clock; a few seconds of real time
				if e.Can(harness.AdvanceClock) != nil {
					delay = 10 * e.PollEvery()
				}
				osf, ack, d := s.faultyRetrievalAt(ctx, e, office.Home,
					faults.Rule{Party: "office EE", Operation: "notify", Kind: faults.NotificationDelayed, Delay: faults.Duration(delay)})
				untilDone(ctx, e, osf, ack)
				expectDelivered(ctx, osf, ack, d)
			})
		})
}

// libraryDocumentAndOSF starts a world where office EE keeps one document in
// the DAS library and office JP is the OSF.
func (s *Suite) libraryDocumentAndOSF(ctx SpecContext) (*harness.Env, harness.OFF, harness.OSF) {
	GinkgoHelper()
	e := s.env(ctx)
	off := s.theOFF(ctx, e, harness.OFFWanted{Config: office.Config{Code: "EE"},
		Document: document("EE P202300012", "2023-03-14", "AB21", office.Library, 16*1024)})
	return e, off, s.theOSF(ctx, e, "JP")
}

func (s *Suite) faultsTowardOSF() {
	Describe("Faults DAS commits toward an OSF",
		s.Flow("faults"), s.Role("osf"), func() {
			s.ConformanceIt("the OSF asks again for a file location URL DAS handed out already expired", Rule{
				Rule:   "Downloads can be repeated while the requested document is not deleted from WIPO DAS: an expired fileDownloadUrl is replaced by asking files/url-downloads again",
				Source: "WIPO DAS exchange flows c.1 steps 2c-2d; das.yaml getFileDownloadUrl (fileDownloadUrlExpiryDate)",
			}, func(ctx SpecContext) {
				e, off, osf := s.libraryDocumentAndOSF(ctx)
				need(e.AddFault(faults.Rule{Party: "das", Operation: "getFileDownloadUrl", Kind: faults.ExpiredDownloadURL, Remaining: 1}))
				s.retrieveAndCheck(ctx, e, off, osf, "(2a)")
				Expect(faultEvents(e, faults.ExpiredDownloadURL)).To(HaveLen(1), "DAS handed out one expired URL")
				Expect(served(e.Exchanges(), "getFileDownloadUrl")).To(Equal(2), "the OSF asked for a second URL")
			})

			s.ConformanceIt("the OSF accepts a notification DAS delivers twice", Rule{
				Rule:   "Delivery is at least once: receivers must accept a repeat (answer 204 again)",
				Source: "das.yaml notify",
			}, func(ctx SpecContext) {
				e, off, osf := s.libraryDocumentAndOSF(ctx)
				need(e.AddFault(faults.Rule{Party: "das", Operation: "notify", Kind: faults.NotificationDuplicated, Remaining: 1}))
				ack := s.retrieveAndCheck(ctx, e, off, osf, "(2a)")
				r, _ := osf.Received(ack)
				Expect(r.Notifications).To(HaveLen(2), "both copies reached the OSF")
				Expect(r.Notifications[1].Repeat).To(BeTrue(), "the OSF knows the second for a repeat")
				attempts, _ := deliveries(e, ack)
				for _, a := range attempts {
					if a.Call == "notify" {
						Expect(a.Status).To(Or(Equal(0), Equal(204)), "the OSF answered the repeat 204")
						Expect(a.Error).To(BeEmpty())
					}
				}
			})
		})
}

// notifiedAcks are the OFF's own ack ids its successful notifications to DAS
// named, in the order the office sent them (its client-side records).
func notifiedAcks(ex []openapi.Exchange, code string) []string {
	var acks []string
	for _, x := range ex {
		if x.Operation != "notify" || x.Recorder != "client" || x.Labels.Party != "office "+code || x.Status >= 300 {
			continue
		}
		var n struct {
			RequestAckID string `json:"requestAckId"`
		}
		_ = json.Unmarshal([]byte(x.RequestBody), &n)
		acks = append(acks, n.RequestAckID)
	}
	return acks
}
