package scenarios

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/simulators/das"
	"github.com/wipo-das/dasim/simulators/faults"
	"github.com/wipo-das/dasim/simulators/office"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// faultyRetrieval starts an OFF (EE) holding d at home or via transit and an
// OSF (JP), switches rule on, has the OSF retrieve d and lets the world run
// 40 minutes of its clock: long enough for DAS's six attempts with backoff.
func (s *Suite) faultyRetrieval(ctx SpecContext, hosting office.Hosting, rule faults.Rule) (*harness.Env, harness.OSF, string, office.Document) {
	GinkgoHelper()
	return s.faultyRetrievalIn(ctx, harness.Config{}, hosting, rule)
}

// faultyRetrievalIn is faultyRetrieval in a world made with cfg.
func (s *Suite) faultyRetrievalIn(ctx SpecContext, cfg harness.Config, hosting office.Hosting, rule faults.Rule) (*harness.Env, harness.OSF, string, office.Document) {
	GinkgoHelper()
	e := s.envWith(ctx, cfg)
	require(e, harness.AdvanceClock)
	set := need(e.Faults())
	off := s.theOFF(ctx, e, harness.OFFWanted{Config: office.Config{Code: "EE"},
		Document: document("EE P202300012", "2023-03-14", "AB21", hosting, 24*1024)})
	d := off.Document()
	osf := s.theOSF(ctx, e, "JP")
	by(e, "switching on the fault: "+string(rule.Kind)+" at "+rule.Party+" "+rule.Operation)
	_, err := set.Add(rule)
	Expect(err).NotTo(HaveOccurred())
	by(e, "the OSF requests the document")
	ack, err := osf.RequestRetrieval(ctx, d.Key()) // the key carries the sha256 the OSF expects
	Expect(err).NotTo(HaveOccurred())
	by(e, "the world runs 40 minutes")
	for range 40 {
		Expect(e.Advance(time.Minute)).To(Succeed())
	}
	Expect(set.EventsOf(rule.Kind)).NotTo(BeEmpty(), "the fault fired")
	return e, osf, ack, d
}

// faultEvents are the events of kind that fired in e.
func faultEvents(e *harness.Env, kind faults.Kind) []faults.Event {
	GinkgoHelper()
	return need(e.Faults()).EventsOf(kind)
}

// deliveries are DAS's calls to offices for ack.
func deliveries(e *harness.Env, ack string) []das.Attempt {
	GinkgoHelper()
	return need(e.Deliveries(ack))
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
				Expect(faultEvents(e, faults.Unreachable)).To(HaveLen(6), "one event per DAS attempt")
				expectFailedWithReason(ctx, osf, ack, protocol.DetailOFFUnreachable)
			})

			s.ConformanceIt("retries a 5xx answer and then succeeds", Rule{
				Rule:   "A 5xx from an office is retried; delivery is at least once",
				Source: "das.yaml notify (receivers must accept a repeat); RFC 9110 section 15.6",
			}, func(ctx SpecContext) {
				_, osf, ack, d := s.faultyRetrieval(ctx, office.Home,
					faults.Rule{Party: "office EE", Operation: "getFileDownloadUrl", Kind: faults.ServerError, Status: 503, Remaining: 2})
				expectDelivered(ctx, osf, ack, d)
			})

			s.ConformanceIt("refuses bytes whose checksum is wrong and reports -104, never the corrupt document", Rule{
				Rule:   "Every downloaded byte equals what the OFF holds; a transfer that fails the sha256 check ends in a clear error",
				Source: "das.yaml fileChecksum (SHA-256); dasim issue 5 point 3",
			}, func(ctx SpecContext) {
				_, osf, ack, _ := s.faultyRetrieval(ctx, office.Home,
					faults.Rule{Party: "office EE", Operation: faults.OpDownloadFile, Kind: faults.WrongChecksum})
				expectFailedWithReason(ctx, osf, ack, protocol.DetailTransferFailed)
				_, err := osf.Download(ctx, ack)
				Expect(err).To(HaveOccurred(), "no document to download")
			})

			s.ConformanceIt("reports an OFF download URL that is already expired", Rule{
				Rule:   "DAS downloads from the OFF's URL; an expired URL ends the retrieval with a reason, not a silent wait",
				Source: "WIPO DAS exchange flows c.2 step 5; dasim issue 5 point 3",
			}, func(ctx SpecContext) {
				_, osf, ack, _ := s.faultyRetrieval(ctx, office.Home,
					faults.Rule{Party: "office EE", Operation: "getFileDownloadUrl", Kind: faults.ExpiredDownloadURL})
				expectFailedWithReason(ctx, osf, ack, protocol.DetailTransferFailed)
			})

			s.ConformanceIt("absorbs a duplicated OFF notification and notifies the OSF once", Rule{
				Rule:   "Notifications are delivered at least once: receivers must accept a repeat",
				Source: "das.yaml notify",
			}, func(ctx SpecContext) {
				_, osf, ack, _ := s.faultyRetrieval(ctx, office.Home,
					faults.Rule{Party: "office EE", Operation: "notify", Kind: faults.NotificationDuplicated, Remaining: 1})
				r, _ := osf.Received(ack)
				Expect(r.Status).To(Equal("success"))
				Expect(r.Notifications).To(HaveLen(1))
			})

			s.ConformanceIt("reports a truncated transit upload by the OFF as an error", Rule{
				Rule:   "A document the OFF could not upload into the transit zone is never delivered; the OSF is told why",
				Source: "WIPO DAS exchange flows c.3; dasim issue 5 point 3",
			}, func(ctx SpecContext) {
				_, osf, ack, _ := s.faultyRetrieval(ctx, office.Transit,
					faults.Rule{Party: "office EE", Operation: faults.OpUploadFile, Kind: faults.TruncatedUpload})
				expectFailedWithReason(ctx, osf, ack, protocol.DetailOFFError)
			})

			s.ConformanceIt("abandons a call the OFF answers too slowly, retries it, and then succeeds", Rule{
				Rule:   "A call to an office that does not answer in time is abandoned and retried like a call to an unreachable office; the retrieval completes once the office answers",
				Source: "dasim issue 5 point 3 (slow party); das.yaml notify (delivery at least once)",
			}, func(ctx SpecContext) {
				// The office holds DAS's first forwarded retrieval 5 s of real
				// time; DAS waits 200 ms. Real time, because DAS's call
				// timeout is a property of its HTTP client, not of the world.
				e, osf, ack, d := s.faultyRetrievalIn(ctx, harness.Config{DASOutboundTimeout: 200 * time.Millisecond}, office.Home,
					faults.Rule{Party: "office EE", Operation: "requestRetrieval", Kind: faults.Slow,
						Delay: faults.Duration(5 * time.Second), RealTime: true, Remaining: 1})
				var forwards []das.Attempt
				for _, a := range deliveries(e, ack) {
					if a.Call == "forward retrieval" {
						forwards = append(forwards, a)
					}
				}
				Expect(len(forwards)).To(BeNumerically(">=", 2), "DAS forwarded again after the slow attempt")
				Expect(forwards[0].Error).NotTo(BeEmpty(), "the slow attempt is recorded as failed")
				Expect(forwards[0].Status).To(BeZero(), "no answer came back in time")
				GinkgoWriter.Printf("slow attempt: %s\n", forwards[0].Error)
				Expect(forwards[len(forwards)-1].Error).To(BeEmpty())
				expectDelivered(ctx, osf, ack, d)
			})

			s.ConformanceIt("lets an OSF that cannot take notifications find the document by polling", Rule{
				Rule:   "Alternatively, OSF may use the check status to download the document content when it is reported as available",
				Source: "WIPO DAS exchange flows c.1 note to step 2b, Figure B",
			}, func(ctx SpecContext) {
				_, osf, ack, d := s.faultyRetrieval(ctx, office.Library,
					faults.Rule{Party: "office JP", Operation: "notify", Kind: faults.ServerError, Status: 503})
				st, err := osf.Status(ctx, ack)
				Expect(err).NotTo(HaveOccurred())
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
				st, err := osf.Status(ctx, ack)
				Expect(err).NotTo(HaveOccurred())
				Expect(st.RequestStatusCategory).To(Equal("pending"))
				Expect(st.StatusMessage).To(HaveValue(And(ContainSubstring("office EE"), ContainSubstring("waiting for its notification until"))),
					"the status names whom DAS waits for, and until when")
				GinkgoWriter.Println("pending status:", *st.StatusMessage)
				by(e, "advancing the world clock past DAS's 7-day deadline for the OFF")
				Expect(e.Advance(7 * 24 * time.Hour)).To(Succeed())
				expectFailedWithReason(ctx, osf, ack, protocol.DetailOFFDeadline)
			})

			s.ConformanceIt("pairs reordered OFF notifications with their retrievals by the OFF's ack id", Rule{
				Rule:   "The OFF notifies by its own requestAckId; DAS pairs each notification with its retrieval in whatever order they arrive",
				Source: "WIPO DAS exchange flows, documents kept in the OFF digital library, steps 2-3; das.yaml notify",
			}, func(ctx SpecContext) {
				e := s.env(ctx)
				require(e, harness.AdvanceClock)
				first := document("EE P202300012", "2023-03-14", "AB21", office.Home, 24*1024)
				second := document("EE P202300013", "2023-04-02", "3F9A", office.Home, 32*1024)
				need(e.OFFHolding(ctx, office.Config{Code: "EE"}, first, second))
				osf := s.theOSF(ctx, e, "JP")
				_, err := need(e.Faults()).Add(faults.Rule{Party: "office EE", Operation: "notify", Kind: faults.NotificationOutOfOrder,
					Delay: faults.Duration(time.Hour), Remaining: 1})
				Expect(err).NotTo(HaveOccurred())
				request := func(d office.Document) string {
					ack, err := osf.RequestRetrieval(ctx, d.Key())
					Expect(err).NotTo(HaveOccurred())
					return ack
				}
				by(e, "the OSF requests the first document; the OFF holds its notification back")
				ack1 := request(first)
				for range 5 {
					Expect(e.Advance(time.Minute)).To(Succeed())
				}
				Expect(faultEvents(e, faults.NotificationOutOfOrder)).To(HaveLen(1), "the OFF's first notification is held")
				st, err := osf.Status(ctx, ack1)
				Expect(err).NotTo(HaveOccurred())
				Expect(st.RequestStatusCategory).To(Equal("pending"))
				by(e, "the OSF requests the second document; its notification overtakes the first")
				ack2 := request(second)
				for range 5 {
					Expect(e.Advance(time.Minute)).To(Succeed())
				}
				for ack, d := range map[string]office.Document{ack1: first, ack2: second} {
					expectDelivered(ctx, osf, ack, d)
					r, _ := osf.Received(ack)
					Expect(r.Notifications).To(HaveLen(1))
				}
				n1, _ := osf.Received(ack1)
				n2, _ := osf.Received(ack2)
				Expect(n1.Notifications[0].At.Before(n2.Notifications[0].At)).To(BeFalse(),
					"the first retrieval completed no earlier than the second: the notifications were reordered")
			})

			s.ConformanceIt("delivers after a delayed OFF notification", Rule{
				Rule:   "OFF notifies WIPO DAS of the document availability; DAS then fetches it and notifies the OSF, whenever the notification comes",
				Source: "WIPO DAS exchange flows, documents kept in the OFF digital library, step 3",
			}, func(ctx SpecContext) {
				_, osf, ack, d := s.faultyRetrieval(ctx, office.Home,
					faults.Rule{Party: "office EE", Operation: "notify", Kind: faults.NotificationDelayed, Delay: faults.Duration(10 * time.Minute)})
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
				_, err := need(e.Faults()).Add(faults.Rule{Party: "das", Operation: "getFileDownloadUrl", Kind: faults.ExpiredDownloadURL, Remaining: 1})
				Expect(err).NotTo(HaveOccurred())
				s.retrieveAndCheck(ctx, e, off, osf, "(2a)")
				Expect(faultEvents(e, faults.ExpiredDownloadURL)).To(HaveLen(1), "DAS handed out one expired URL")
				Expect(served(e.Exchanges(), "getFileDownloadUrl")).To(Equal(2), "the OSF asked for a second URL")
			})

			s.ConformanceIt("the OSF accepts a notification DAS delivers twice", Rule{
				Rule:   "Delivery is at least once: receivers must accept a repeat (answer 204 again)",
				Source: "das.yaml notify",
			}, func(ctx SpecContext) {
				e, off, osf := s.libraryDocumentAndOSF(ctx)
				_, err := need(e.Faults()).Add(faults.Rule{Party: "das", Operation: "notify", Kind: faults.NotificationDuplicated, Remaining: 1})
				Expect(err).NotTo(HaveOccurred())
				ack := s.retrieveAndCheck(ctx, e, off, osf, "(2a)")
				r, _ := osf.Received(ack)
				Expect(r.Notifications).To(HaveLen(2), "both copies reached the OSF")
				Expect(r.Notifications[1].Repeat).To(BeTrue(), "the OSF knows the second for a repeat")
				for _, a := range deliveries(e, ack) {
					if a.Call == "notify" {
						Expect(a.Status).To(Or(Equal(0), Equal(204)), "the OSF answered the repeat 204")
						Expect(a.Error).To(BeEmpty())
					}
				}
			})
		})
}
