package das

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkOwnPendingStatuses measures the list form of GET
// retrievals/statuses when the caller itself has 10, 100 and 1,000 pending
// retrievals (issue 15, point 8): token verified, request and response
// validated against das.yaml, the exchange recorded with its transcript.
// "answer-only" serves the same list through the operation alone (no
// token check, no validation, no recording): the inherent cost of building
// and sending the bigger answer. The target: at 1,000, the full cost minus
// that inherent cost stays within 3x the full cost at 10.
func BenchmarkOwnPendingStatuses(b *testing.B) {
	for _, form := range []string{"full", "full-churn", "answer-only"} {
		for _, n := range []int{10, 100, 1000} {
			b.Run(fmt.Sprintf("%s/pending=%d", form, n), func(b *testing.B) { benchOwnPending(b, n, form) })
		}
	}
}

// benchOwnPending: "full-churn" changes one retrieval's status message
// before every poll, so no answer is ever the same twice and one element
// in each is new.
func benchOwnPending(b *testing.B, n int, form string) {
	answerOnly := form == "answer-only"
	w := newWorld(b, worldOptions{})
	fi := w.office("FI")
	pending := w.pendFor("FI", n)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	defer client.CloseIdleConnections()
	url, token := fi.base+"/retrievals/statuses", "Bearer "+fi.bearer()
	if answerOnly {
		bare := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if err := w.das.retrievalStatuses(rw, r, "FI"); err != nil {
				b.Error(err)
			}
		}))
		defer bare.Close()
		url = bare.URL
	}
	{
		{
			var bytes int64
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if form == "full-churn" {
					w.das.mu.Lock()
					pending[i%n].message = fmt.Sprintf("retrieval - recorded, poll %d", i)
					w.das.mu.Unlock()
				}
				req, _ := http.NewRequest(http.MethodGet, url, nil)
				req.Header.Set("Authorization", token)
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				k, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("status %d", resp.StatusCode)
				}
				bytes = k
			}
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/item")
			b.ReportMetric(float64(bytes)/float64(n), "B/item-answer")
		}
	}
}

// pendFor stores n pending retrievals of office osf, as requestRetrieval
// stores them (the scale benchmark's fill stores other offices' only).
func (w *world) pendFor(osf string, n int) []*retrieval {
	s := w.das
	var out []*retrieval
	for i := range n {
		ack, _ := s.ids.next()
		number := fmt.Sprintf("EE P2023%07d", i)
		rt := &retrieval{ackID: ack, osf: osf, kind: "patent", number: number, date: "2023-03-14", accessCode: "AB21",
			src: fromLibrary, status: statusPending, off: "EE", message: "retrieval - recorded", createdAt: s.deps.clock.Now()}
		w.storePending(rt)
		out = append(out, rt)
	}
	return out
}

// storePending stores rt as requestRetrieval does: pending, in its OSF's index.
func (w *world) storePending(rt *retrieval) {
	s := w.das
	s.mu.Lock()
	s.st.seq++
	rt.seq = s.st.seq
	s.st.retrievals[rt.ackID] = rt
	s.st.office(rt.osf).pending[rt.ackID] = rt
	s.mu.Unlock()
}
