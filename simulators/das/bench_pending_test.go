package das

import (
	"fmt"
	"io"
	"net/http"
	"testing"
)

// BenchmarkOwnPendingStatuses measures the list form of GET
// retrievals/statuses when the caller itself has 10, 100 and 1,000 pending
// retrievals (issue 15, point 8): token verified, request and response
// validated against das.yaml, the exchange recorded with its transcript.
// It reports the cost per listed retrieval; at 1,000 that cost must stay
// within 3x of the cost at 10 (TestOwnPendingStatusesScale).
func BenchmarkOwnPendingStatuses(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("pending=%d", n), func(b *testing.B) {
			w := newWorld(b, worldOptions{})
			fi := w.office("FI")
			w.pendFor("FI", n)
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
			defer client.CloseIdleConnections()
			url, token := fi.base+"/retrievals/statuses", "Bearer "+fi.bearer()
			var bytes int64
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
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
		})
	}
}

// pendFor stores n pending retrievals of office osf, as requestRetrieval
// stores them (the scale benchmark's fill stores other offices' only).
func (w *world) pendFor(osf string, n int) {
	s := w.das
	for i := range n {
		ack, _ := s.ids.next()
		number := fmt.Sprintf("EE P2023%07d", i)
		rt := &retrieval{ackID: ack, osf: osf, kind: "patent", number: number, date: "2023-03-14", accessCode: "AB21",
			src: fromLibrary, status: statusPending, off: "EE", message: "retrieval - recorded", createdAt: s.deps.Clock.Now()}
		s.mu.Lock()
		s.st.seq++
		rt.seq = s.st.seq
		s.st.retrievals[ack] = rt
		s.st.office(osf).pending[ack] = rt
		s.mu.Unlock()
	}
}
