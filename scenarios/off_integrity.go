package scenarios

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/reports"
	"github.com/wipo-das/dasim/simulators/protocol"
)

func (s *Suite) offIntegrity() {
	Describe("c.2 the OFF's acknowledgements and downloads are consistent",
		s.Flow("c2"), s.Role("off"), func() {
			s.ConformanceIt("gives each forwarded retrieval its own request ack id and notifies by it", Rule{
				Rule:   "WIPO DAS forwards the retrieval request to the OFF and receives a request acknowledgement id issued by OFF; the OFF notifies referring to that id: two retrievals of one document get two ids, and each completes",
				Source: "WIPO DAS exchange flows, documents kept in the OFF digital library, steps 2-3; das.yaml requestRetrieval, notify",
			}, func(ctx SpecContext) {
				e := s.env(ctx)
				off, osf := s.homeOFF(ctx, e)
				d := off.Document()
				by(e, "(1) two OSF requests for the same document, before either completes")
				first, err := osf.RequestRetrieval(ctx, d.Key())
				Expect(err).NotTo(HaveOccurred())
				second, err := osf.RequestRetrieval(ctx, d.Key())
				Expect(err).NotTo(HaveOccurred())
				by(e, "(2) WIPO DAS forwards both to the OFF")
				acks := s.awaitForwards(ctx, e, off, 2)
				if acks[0] == acks[1] {
					failWith(reports.Failure{Party: off.Party(), Step: offCallStep("requestRetrieval"), Operation: "requestRetrieval",
						Pointer: "/requestAckId", Rule: "each forwarded retrieval gets a request acknowledgement id of its own: DAS pairs the OFF's notification with its retrieval by it",
						Expected: "two distinct ack ids", Actual: fmt.Sprintf("both retrievals answered with %q", acks[0])})
				}
				by(e, "(3) the OFF notifies each by its own id; both retrievals complete")
				for _, ack := range []string{first, second} {
					s.awaitNotification(ctx, e, off, osf, ack)
					got, err := osf.Download(ctx, ack)
					Expect(err).NotTo(HaveOccurred())
					Expect(harness.SHA256(got)).To(Equal(harness.SHA256(d.Content)))
				}
			})

			s.ConformanceIt("hands out a download URL whose bytes have the announced checksum and size, on every download", Rule{
				Rule:   "(4)(5) WIPO DAS retrieves the file location URL and downloads the file: the bytes are the OFF's document, with the fileChecksum (SHA-256) and fileSizeQuantity announced, every time (downloads can be repeated)",
				Source: "WIPO DAS exchange flows c.2 steps 4-5; das.yaml getFileDownloadUrl (fileChecksum, fileSizeQuantity)",
			}, func(ctx SpecContext) {
				e := s.env(ctx)
				off, osf := s.homeOFF(ctx, e)
				_, offAck := s.forwardedRetrieval(ctx, e, off, osf)
				d := off.Document()
				for n := 1; n <= 2; n++ {
					by(e, fmt.Sprintf("(4)(5) WIPO DAS gets the file location URL and downloads it, time %d", n))
					dl := offDownloadURL(ctx, off, offAck)
					status, h, body, err := e.FetchLink(ctx, dl.FileDownloadURL, max(int64(len(d.Content))*2, 1<<20))
					Expect(err).NotTo(HaveOccurred(), "GET "+dl.FileDownloadURL)
					failAll(downloadProblems(off, n, dl, status, h, body))
				}
			})
		})
}

// awaitForwards lets the world's time pass until DAS forwarded n retrievals
// to off and got its ack ids, and returns them; it fails as soon as the
// records show the office broke a rule, and after the Env's patience.
func (s *Suite) awaitForwards(ctx SpecContext, e *harness.Env, off harness.OFF, n int) []string {
	GinkgoHelper()
	step := e.PollEvery()
	for waited := time.Duration(0); ; waited += step {
		if acks := forwardAnswers(e.Exchanges(), off.Code()); len(acks) >= n {
			return acks
		}
		if f := diagnose(e, off, "", s.underTest()); f != nil {
			failWith(*f)
		}
		if waited >= e.Patience() {
			failWith(reports.Failure{Party: off.Party(), Step: offCallStep("requestRetrieval"), Operation: "requestRetrieval",
				Rule:     "WIPO DAS forwards the retrieval request to the OFF and receives a request acknowledgement id issued by OFF",
				Expected: fmt.Sprintf("%d answers 201 with requestAckId within %v", n, e.Patience()),
				Actual:   fmt.Sprintf("%d", len(forwardAnswers(e.Exchanges(), off.Code())))})
		}
		Expect(e.Pass(ctx, step)).To(Succeed())
	}
}

// forwardAnswers are the ack ids off answered DAS's forwarded retrievals
// with, one per forward as DAS recorded it (repeats kept: an office that
// answers two retrievals with one id shows here).
func forwardAnswers(ex []openapi.Exchange, code string) []string {
	var acks []string
	for _, x := range ex {
		if x.Operation == "requestRetrieval" && x.Recorder == "client" && x.Labels.Party == "das" &&
			x.Labels.Peer == "office "+code && x.Status == http.StatusCreated {
			acks = append(acks, ackOf(x.ResponseBody))
		}
	}
	return acks
}

// downloadProblems checks the n-th download of off's document.
func downloadProblems(off harness.OFF, n int, dl protocol.URLDownloadResponse, status int, h http.Header, body []byte) []reports.Failure {
	d := off.Document()
	want, got := harness.SHA256(d.Content), harness.SHA256(body)
	fail := func(pointer, rule, expected, actual string) reports.Failure {
		return reports.Failure{Party: off.Party(), Step: offCallStep("getFileDownloadUrl"), Operation: "getFileDownloadUrl",
			Pointer: pointer, Rule: rule, Expected: expected, Actual: fmt.Sprintf("download %d: %s", n, actual)}
	}
	if status != http.StatusOK {
		return []reports.Failure{fail("/fileDownloadUrl", "the file location URL the OFF hands DAS serves its document (200)",
			"HTTP 200 with the document", fmt.Sprintf("HTTP %d %s", status, clipText(string(body))))}
	}
	var fs []reports.Failure
	if dl.FileChecksum != "" && dl.FileChecksum != got {
		fs = append(fs, fail("/fileChecksum", "fileChecksum: the bytes behind the OFF's fileDownloadUrl have the SHA-256 it announced",
			dl.FileChecksum, got+" ("+strconv.Itoa(len(body))+" bytes)"))
	}
	if got != want {
		fs = append(fs, fail("/fileDownloadUrl", "the bytes behind the OFF's fileDownloadUrl are the document it declared, the same on every download",
			fmt.Sprintf("SHA-256 %s (%d bytes)", want, len(d.Content)), fmt.Sprintf("SHA-256 %s (%d bytes)", got, len(body))))
	}
	if dl.FileSizeQuantity != nil && *dl.FileSizeQuantity != int64(len(body)) {
		fs = append(fs, fail("/fileSizeQuantity", "fileSizeQuantity: the size the OFF announces is the size of the bytes it serves",
			fmt.Sprint(len(body)), fmt.Sprint(*dl.FileSizeQuantity)))
	}
	if cl := h.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(body)) {
		fs = append(fs, fail("/fileDownloadUrl", "the download's Content-Length is the size of its body (RFC 9110 section 8.6)", strconv.Itoa(len(body)), cl))
	}
	return fs
}
