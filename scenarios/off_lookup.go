package scenarios

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/reports"
	"github.com/wipo-das/dasim/simulators/office"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// lookupCase is a forwarded retrieval whose key is wrong in one way, and
// WIPO's answer to it.
type lookupCase struct {
	name    string
	alter   func(k *harness.Document)
	details []int
	source  string
}

var lookupCases = []lookupCase{
	{"a document kind it does not hold the number under", func(k *harness.Document) {
		k.Kind = map[bool]string{true: "design", false: "patent"}[k.Kind == "" || k.Kind == "patent"]
	}, []int{protocol.DetailNotRegistered}, "WIPO DAS error codes: wrong number or wrong kind is -7"},
	{"a wrong filing date", func(k *harness.Document) { k.Date = dayAfter(k.Date) },
		[]int{protocol.DetailFilingDateMismatch}, "WIPO DAS error codes: -12 Mismatched priority filing date"},
	{"a wrong access code", func(k *harness.Document) { k.AccessCode = otherCode(k.AccessCode) },
		[]int{protocol.DetailAccessCodeMismatch}, "WIPO DAS error codes: -14 Mismatched access code"},
	{"both a wrong filing date and a wrong access code", func(k *harness.Document) {
		k.Date, k.AccessCode = dayAfter(k.Date), otherCode(k.AccessCode)
	}, []int{protocol.DetailFilingDateMismatch, protocol.DetailAccessCodeMismatch}, "WIPO DAS error codes: both wrong gives both details"},
}

func (s *Suite) offLookups() {
	Describe("c.2 the OFF looks up forwarded retrievals as WIPO DAS does (-7, -12, -14)",
		s.Flow("c2"), s.Role("off"), func() {
			for _, c := range lookupCases {
				s.ConformanceIt("answers a forwarded retrieval with "+c.name+" with WIPO's error body and its detail codes", Rule{
					Rule:   fmt.Sprintf("A retrieval key with %s is refused with 400 INVALID_INPUT_DATA and details %v, and no request ack id", c.name, c.details),
					Source: c.source + "; das.yaml requestRetrieval (also served by the OFF)",
				}, func(ctx SpecContext) {
					e := s.env(ctx)
					off, _ := s.homeOFF(ctx, e)
					key := keyOf(off.Document())
					c.alter(&key)
					by(e, "WIPO DAS forwards a retrieval with "+c.name)
					r, err := off.CallAsDAS(ctx, http.MethodPost, "/retrievals", nil, harness.RetrievalBody(key))
					Expect(err).NotTo(HaveOccurred())
					expectLookupRefusal(off, r, "a retrieval key with "+c.name+" is refused with WIPO's error body and its detail codes", c.details...)
				})
			}

			s.ConformanceIt("compares access codes case-insensitively", Rule{
				Rule:   "The access code is four hexadecimal characters compared case-insensitively: a forwarded retrieval with the code in lower case is accepted (201 and a request ack id)",
				Source: "WIPO DAS retrieval form (access code: 4 hexadecimal characters); das.yaml dasAccessCode",
			}, func(ctx SpecContext) {
				e := s.env(ctx)
				off, _ := s.homeOFF(ctx, e)
				key := keyOf(off.Document())
				key.AccessCode = strings.ToLower(key.AccessCode)
				if key.AccessCode == off.Document().AccessCode {
					key.AccessCode = strings.ToUpper(key.AccessCode)
				}
				by(e, "WIPO DAS forwards a retrieval with the access code as "+key.AccessCode)
				r, err := off.CallAsDAS(ctx, http.MethodPost, "/retrievals", nil, harness.RetrievalBody(key))
				Expect(err).NotTo(HaveOccurred())
				if r.Status != http.StatusCreated {
					failWith(reports.Failure{Party: off.Party(), Operation: "requestRetrieval", Pointer: "/dasAccessCode",
						Rule:     "access codes are compared case-insensitively: " + key.AccessCode + " is the access code " + off.Document().AccessCode,
						Expected: "HTTP 201 with a request ack id", Actual: answerText(r)})
				}
			})

			s.ConformanceIt("answers DAS's calls within DAS's timeout", Rule{
				Rule:   "WIPO DAS waits a bounded time for each answer of an office; an office slower than that is abandoned and retried, and its retrievals wait",
				Source: "WIPO DAS exchange flows c.2 steps 2 and 4 (DAS receives the OFF's ack id; DAS retrieves the file location URL); dasim docs/certify-off.md (DAS's timeout)",
			}, func(ctx SpecContext) {
				e := s.env(ctx)
				off, osf := s.homeOFF(ctx, e)
				_, offAck := s.forwardedRetrieval(ctx, e, off, osf)
				limit := e.DASCallTimeout()
				wrongDate := keyOf(off.Document())
				wrongDate.Date = dayAfter(wrongDate.Date)
				var fs []reports.Failure
				for _, o := range []offOperation{
					{op: "requestRetrieval", method: http.MethodPost, path: "/retrievals", body: harness.RetrievalBody(wrongDate)},
					{op: "getFileDownloadUrl", method: http.MethodGet, path: "/files/url-downloads", query: map[string][]string{"requestAckId": {offAck}}},
				} {
					by(e, "timing WIPO DAS's "+o.String()+" at the OFF")
					took, r, err := timedCall(ctx, off, o, 2*limit)
					switch {
					case err != nil && timedOut(err.Error()):
						fs = append(fs, slowFailure(o.op, limit, fmt.Sprintf("no answer within %v", 2*limit)))
					case err != nil:
						Expect(err).NotTo(HaveOccurred())
					case took > limit:
						fs = append(fs, slowFailure(o.op, limit, fmt.Sprintf("answered HTTP %d after %v", r.Status, took.Round(time.Millisecond))))
					}
				}
				for i := range fs {
					fs[i].Party = off.Party()
				}
				failAll(fs)
			})
		})
}

// expectLookupRefusal checks r is WIPO's 400 INVALID_INPUT_DATA with
// exactly the detail codes details, and fails naming rule otherwise.
func expectLookupRefusal(off harness.OFF, r *harness.Response, rule string, details ...int) {
	GinkgoHelper()
	want := fmt.Sprintf("HTTP 400 %s with details %v", protocol.CodeInvalidInputData, details)
	got := detailCodes(r)
	if r.Status == http.StatusBadRequest && r.Error != nil && r.Error.Code == protocol.CodeInvalidInputData && sameCodes(got, details) {
		return
	}
	actual := fmt.Sprintf("details %v; %s", got, answerText(r))
	if r.Error == nil && r.Status >= 400 {
		actual = fmt.Sprintf("not WIPO's error body {code, message, details[]} (Content-Type %q); %s", r.Header.Get("Content-Type"), answerText(r))
	}
	failWith(reports.Failure{Party: off.Party(), Operation: "requestRetrieval", Rule: rule, Expected: want, Actual: actual})
}

func detailCodes(r *harness.Response) []int {
	var out []int
	if r != nil && r.Error != nil {
		for _, d := range r.Error.Details {
			out = append(out, d.Code)
		}
	}
	sort.Ints(out)
	return out
}

func sameCodes(got, want []int) bool {
	w := append([]int(nil), want...)
	sort.Ints(w)
	return fmt.Sprint(got) == fmt.Sprint(w)
}

// timedCall makes o as DAS with a deadline, and measures it on the real
// clock: an office's speed is a property of the office, not of the world.
func timedCall(ctx SpecContext, off harness.OFF, o offOperation, deadline time.Duration) (time.Duration, *harness.Response, error) {
	c, cancel := contextWithTimeout(ctx, deadline)
	defer cancel()
	start := realNow()
	r, err := off.CallAsDAS(c, o.method, o.path, o.query, o.body)
	return realNow().Sub(start), r, err
}

func keyOf(d office.Document) harness.Document {
	return harness.Document{Kind: d.Kind, Number: d.Number, Date: d.FilingDate, AccessCode: d.AccessCode}
}

func dayAfter(date string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return "2000-01-01"
	}
	return t.AddDate(0, 0, 1).Format(time.DateOnly)
}

// otherCode is code with its first hexadecimal digit changed.
func otherCode(code string) string {
	if code == "" {
		return "0000"
	}
	n := "0"
	if strings.EqualFold(code[:1], "0") {
		n = "1"
	}
	return n + code[1:]
}
