package scenarios

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/reports"
	"github.com/wipo-das/dasim/simulators/dasapi"
	"github.com/wipo-das/dasim/simulators/office"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// The flows an office of first filing starts itself. The harness asks the
// OFF through its trigger (harness.Trigger: the simulated office directly,
// the office under test through the operator's command, webhook or
// terminal), then watches WIPO DAS for the effect until the action's
// deadline, and names exactly what it did not see.

// libraryOFF is the spec's OFF with a document kept in the DAS library (c.1).
func (s *Suite) libraryOFF(ctx SpecContext, e *harness.Env) (harness.OFF, harness.OSF) {
	GinkgoHelper()
	return s.offAndOSF(ctx, e, "EE", document("EE P202300012", "2023-03-14", "AB21", office.Library, 48*1024), "FI")
}

// bodyOf is the request body of an office's registration call, as DAS
// recorded it.
func bodyOf(x openapi.Exchange) protocol.RegistrationRequest {
	var b protocol.RegistrationRequest
	_ = json.Unmarshal([]byte(x.RequestBody), &b)
	return b
}

// checksumOf is the fileChecksum of an office's POST files/url-uploads.
func checksumOf(x openapi.Exchange) string {
	var b protocol.URLUploadRequest
	_ = json.Unmarshal([]byte(x.RequestBody), &b)
	return b.FileChecksum
}

// act asks off, through trig, to do a, and waits until WIPO DAS accepted
// the office's call op that want describes and match recognises.
func (s *Suite) act(ctx SpecContext, e *harness.Env, off harness.OFF, trig harness.Trigger, a harness.Action,
	op, want string, match func(openapi.Exchange) bool) (harness.Action, int) {
	GinkgoHelper()
	a.Office, a.Deadline = off.Code(), e.Clock().Now().Add(e.TriggerWait())
	from := len(e.Exchanges())
	if err := trig.Ask(ctx, a); err != nil {
		failWith(reports.Failure{Party: off.Party(), Step: officeCallStep(op), Operation: op,
			Rule: "the OFF takes the harness's request to " + string(a.Kind) + " (its trigger)", Expected: "the trigger delivers the request",
			Actual: err.Error()})
	}
	s.awaitEffect(ctx, e, off, a, from, op, want, match)
	return a, from
}

// awaitEffect waits, until a's deadline, for WIPO DAS to accept a call op
// of the office that match recognises, among the spec's exchanges from the
// index from on (those since the action was asked for); a call of the office DAS refused fails at
// once with DAS's answer, the deadline with what the office did instead.
func (s *Suite) awaitEffect(ctx SpecContext, e *harness.Env, off harness.OFF, a harness.Action, from int, op, want string, match func(openapi.Exchange) bool) {
	GinkgoHelper()
	peer := "office " + off.Code()
	probe := func(ack string) bool { return e.ProbeAck(off.Code(), ack) }
	for {
		ex := e.Exchanges()[from:]
		for _, x := range ex {
			if x.Recorder == "server" && x.Labels.Party == "das" && x.Labels.Peer == peer && x.Operation == op && x.Status/100 == 2 && match(x) {
				return
			}
		}
		if f := dasRefusal(ex, peer, probe, func(ack string) bool { return e.AnsweredAck(off.Code(), ack) }); f != nil {
			f.Party = off.Party()
			failWith(*f)
		}
		if !e.Clock().Now().Before(a.Deadline) {
			failWith(reports.Failure{Party: off.Party(), Step: officeCallStep(op), Operation: op,
				Rule:     "asked to " + a.Describe() + ", the OFF makes that call to WIPO DAS",
				Expected: want, Actual: fmt.Sprintf("not seen by %s; the OFF's calls to DAS meanwhile: %s", a.Deadline.UTC().Format(time.RFC3339), officeCalls(ex, peer))})
		}
		Expect(e.Pass(ctx, e.PollEvery())).To(Succeed())
	}
}

// officeCalls lists the calls the office made to DAS in ex.
func officeCalls(ex []openapi.Exchange, peer string) string {
	var out []string
	for _, x := range ex {
		if x.Recorder == "server" && x.Labels.Party == "das" && x.Labels.Peer == peer {
			out = append(out, fmt.Sprintf("%s %s -> %d", x.Method, path(x.URL), x.Status))
		}
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

// refusedWith checks that DAS refused the OSF's retrieval with detail.
func refusedWith(err error, detail int, why string) {
	GinkgoHelper()
	var ce *dasapi.CallError
	Expect(errors.As(err, &ce)).To(BeTrue(), why+": DAS refuses the retrieval, got %v", err)
	Expect(ce.Response).NotTo(BeNil(), why)
	Expect(ce.Response.Error).NotTo(BeNil(), why)
	codes := []int{}
	for _, d := range ce.Response.Error.Details {
		codes = append(codes, d.Code)
	}
	Expect(codes).To(ContainElement(detail), why)
}

// retrieveAs has osf retrieve key through DAS and checks it gets content.
func (s *Suite) retrieveAs(ctx SpecContext, e *harness.Env, off harness.OFF, osf harness.OSF, key office.RetrievalKey, content []byte) {
	GinkgoHelper()
	key.ExpectSHA256 = ""
	ack, err := osf.RequestRetrieval(ctx, key)
	Expect(err).NotTo(HaveOccurred(), "retrieving %s dated %s", key.Number, key.FilingDate)
	s.awaitNotification(ctx, e, off, osf, ack)
	got, err := osf.Download(ctx, ack)
	Expect(err).NotTo(HaveOccurred())
	if harness.SHA256(got) != harness.SHA256(content) {
		failWith(reports.Failure{Party: off.Party(), Step: deliveringStep(office.Library), Operation: "correctRegistration",
			Rule:     "after its correction the OFF's registration refers to the content it holds now",
			Expected: fmt.Sprintf("SHA-256 %s (%d bytes)", harness.SHA256(content), len(content)),
			Actual:   fmt.Sprintf("SHA-256 %s (%d bytes)", harness.SHA256(got), len(got))})
	}
}

func (s *Suite) offInitiated() {
	Describe("c.1 corrections the OFF makes (PUT registrations)", s.Flow("corrections"), s.Role("off"), func() {
		s.ConformanceIt("corrects the filing date on request: DAS then serves the new date and refuses the old one with -12", Rule{
			Rule:   "Exchange flow to correct filing date: (1c) OFF requests document registration to WIPO DAS by specifying the new document attributes (PUT registrations)",
			Source: "WIPO DAS exchange flows c.1, correction of filing date or parent application details",
		}, func(ctx SpecContext) {
			e := s.env(ctx)
			off, osf := s.libraryOFF(ctx, e)
			trig := need(e.Trigger(off))
			d := off.Document()
			fixed := dayAfter(d.FilingDate)
			correct := func(ctx SpecContext, from office.Document, to string) {
				s.act(ctx, e, off, trig, harness.Action{Kind: harness.CorrectFilingDate, Document: from, FilingDate: to},
					"correctRegistration", "PUT registrations of "+from.Number+" with documentDate "+to,
					func(x openapi.Exchange) bool {
						b := bodyOf(x)
						return b.DocumentNumber == from.Number && b.DocumentDate == to
					})
			}
			by(e, "(1c) the OFF corrects the filing date to "+fixed+", asked through its trigger")
			correct(ctx, d, fixed)
			DeferCleanup(func(ctx SpecContext) {
				now := d
				now.FilingDate = fixed
				by(e, "(1c) the OFF restores the declared filing date "+d.FilingDate)
				correct(ctx, now, d.FilingDate)
			})
			by(e, "an OSF asking with the old filing date gets -12")
			_, err := osf.RequestRetrieval(ctx, d.Key())
			refusedWith(err, protocol.DetailFilingDateMismatch, "the old filing date after the correction")
			by(e, "an OSF asking with the corrected date gets the document, content unchanged")
			key := d.Key()
			key.FilingDate = fixed
			s.retrieveAs(ctx, e, off, osf, key, d.Content)
		})

		s.ConformanceIt("corrects the parent application on request", Rule{
			Rule:   "Exchange flow to correct parent application details in which the foreign priority document is held: (1c) PUT registrations with the new applicationNumber and applicationFilingDate",
			Source: "WIPO DAS exchange flows c.1, correction of filing date or parent application details; das.yaml correctRegistration",
		}, func(ctx SpecContext) {
			e := s.env(ctx)
			off, osf := s.libraryOFF(ctx, e)
			trig := need(e.Trigger(off))
			d := off.Document()
			number, date := d.Number+" A", dayAfter(d.FilingDate)
			by(e, "(1c) the OFF corrects the parent application to "+number+" filed "+date+", asked through its trigger")
			s.act(ctx, e, off, trig, harness.Action{Kind: harness.CorrectParentApplication, Document: d, ApplicationNumber: number, ApplicationFilingDate: date},
				"correctRegistration", fmt.Sprintf("PUT registrations of %s with applicationNumber %q and applicationFilingDate %s", d.Number, number, date),
				func(x openapi.Exchange) bool {
					b := bodyOf(x)
					return b.DocumentNumber == d.Number && deref(b.ApplicationNumber) == number && deref(b.ApplicationFilingDate) == date
				})
			by(e, "the document is still retrieved by its own key, content unchanged")
			s.retrieveAs(ctx, e, off, osf, d.Key(), d.Content)
		})
	})

	Describe("c.1 content replacement the OFF makes (new upload, PUT registrations)", s.Flow("content-replacement"), s.Role("off"), func() {
		s.ConformanceIt("replaces the content on request: later retrievals get the new bytes", Rule{
			Rule:   "Exchange flow to replace document content for correction purpose: (1a) presigned URL, (1b) upload of the corrected content, (1c) PUT registrations referring to the new file id",
			Source: "WIPO DAS exchange flows c.1, content replacement",
		}, func(ctx SpecContext) {
			e := s.env(ctx)
			off, osf := s.libraryOFF(ctx, e)
			trig := need(e.Trigger(off))
			d := off.Document()
			replace := func(ctx SpecContext, content []byte) {
				f, err := os.CreateTemp("", "dasim-replacement-*.pdf")
				Expect(err).NotTo(HaveOccurred())
				file := f.Name()
				defer os.Remove(file)
				_, err = f.Write(content)
				Expect(errors.Join(err, f.Close())).To(Succeed())
				sum := harness.SHA256(content)
				a := harness.Action{Kind: harness.ReplaceContent, Document: d, Content: content, ContentFile: file}
				a, from := s.act(ctx, e, off, trig, a, "createFileUploadUrl", "POST files/url-uploads with fileChecksum "+sum,
					func(x openapi.Exchange) bool { return checksumOf(x) == sum })
				s.awaitEffect(ctx, e, off, a, from, "correctRegistration", "PUT registrations of "+d.Number+" with the new fileId",
					func(x openapi.Exchange) bool {
						b := bodyOf(x)
						return b.DocumentNumber == d.Number && deref(b.FileID) != ""
					})
			}
			corrected := harness.PDF(d.Number+" replaced", len(d.Content)+4096)
			by(e, "(1a)(1b)(1c) the OFF replaces the content, asked through its trigger")
			replace(ctx, corrected)
			DeferCleanup(func(ctx SpecContext) {
				by(e, "(1a)(1b)(1c) the OFF restores the declared content")
				replace(ctx, d.Content)
			})
			by(e, "an OSF retrieving now receives the new bytes")
			s.retrieveAs(ctx, e, off, osf, d.Key(), corrected)
		})
	})

	Describe("withdrawal of a registration by the OFF (DELETE registrations)", s.Flow("withdrawal"), s.Role("off"), SpecPriority(-1), func() {
		s.ConformanceIt("withdraws a document on request: DAS then refuses its retrieval with -20", Rule{
			Rule:   "An OFF withdraws (deregisters) a document it registered with DELETE registrations; the document is no longer retrievable",
			Source: "WIPO DAS Office Portal deregistration; New DAS exchange API changelog (withdrawal provision, 2024-01-14); das.yaml withdrawRegistration",
		}, func(ctx SpecContext) {
			e := s.env(ctx)
			off, osf := s.libraryOFF(ctx, e)
			trig := need(e.Trigger(off))
			d := off.Document()
			by(e, "the OFF withdraws "+d.Number+", asked through its trigger")
			s.act(ctx, e, off, trig, harness.Action{Kind: harness.Withdraw, Document: d}, "withdrawRegistration",
				"DELETE registrations?documentNumber="+d.Number, func(x openapi.Exchange) bool {
					u, err := url.Parse(x.URL)
					return err == nil && u.Query().Get("documentNumber") == d.Number
				})
			by(e, "an OSF asking for the withdrawn document is refused with -20")
			_, err := osf.RequestRetrieval(ctx, d.Key())
			refusedWith(err, protocol.DetailWithdrawn, "retrieving a withdrawn document")
		})
	})

	Describe("c.1 the OFF's library document reaches an OSF that polls (Figure B)", s.Flow("c1-polling"), s.Role("off"), func() {
		s.ConformanceIt("delivers the OFF's registered bytes to an OSF that checks the status until available", Rule{
			Rule:   "Alternatively, OSF may use the check status (GET retrievals/statuses) to download the document content when it is reported as available: the bytes are the ones the OFF uploaded and registered",
			Source: "WIPO DAS exchange flows c.1, note to step 2b, Figure B",
		}, func(ctx SpecContext) {
			e := s.env(ctx)
			off, osf := s.libraryOFF(ctx, e)
			d := off.Document()
			by(e, "(2a) the OSF requests the document")
			ack, err := osf.RequestRetrieval(ctx, d.Key())
			if err != nil {
				failWith(orFailure(diagnose(e, off, "", s.underTest()), reports.Failure{Party: off.Party(), Operation: "registerDocument",
					Step: officeCallStep("registerDocument"), Rule: "the OFF registers the documents it holds before they are retrieved",
					Expected: "DAS accepts the retrieval of the OFF's document", Actual: err.Error()}))
			}
			by(e, "(2b) the OSF checks the status until the document is available")
			for waited := time.Duration(0); ; waited += e.PollEvery() {
				st, err := osf.Status(ctx, ack)
				Expect(err).NotTo(HaveOccurred())
				if st.RequestStatusCategory == "success" {
					break
				}
				Expect(st.RequestStatusCategory).To(Equal("pending"), "status of %s: %s", ack, deref(st.StatusMessage))
				if waited >= e.Patience() {
					Fail(fmt.Sprintf("retrieval %s still pending after %v: %s", ack, e.Patience(), deref(st.StatusMessage)))
				}
				Expect(e.Pass(ctx, e.PollEvery())).To(Succeed())
			}
			by(e, "(2c)(2d) the OSF downloads the OFF's bytes")
			got, err := osf.Download(ctx, ack)
			Expect(err).NotTo(HaveOccurred())
			Expect(harness.SHA256(got)).To(Equal(harness.SHA256(d.Content)))
		})
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
