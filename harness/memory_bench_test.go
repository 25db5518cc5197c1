package harness

import (
	"bufio"
	"context"
	"crypto/rand"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/wipo-das/dasim/openapi"
)

// rssMB is the process's resident set (VmRSS of /proc/self/status) after a
// collection that returns freed memory to the system, and the live heap.
func rssMB(tb testing.TB) (rss, heap float64) {
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	f, err := os.Open("/proc/self/status")
	if err != nil {
		tb.Skip("no /proc/self/status: RSS is measured on Linux")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			rss = float64(kb) / 1024
		}
	}
	return rss, float64(m.HeapAlloc) / (1 << 20)
}

// memoryWorld is the demo world as dasim serve runs it: HTTPS, a bounded
// exchange log of 1,000, an office client acting for FI.
func memoryWorld(b *testing.B) (*World, *Client) {
	wf := DemoWorld()
	wf.Clock = "virtual"
	w, err := StartWorld(context.Background(), wf, Config{SigningKey: testSigningKey(b), Log: openapi.NewLog(1000, nil)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(w.Close)
	id, err := w.EnrollOffice("FI", "fi-memory")
	if err != nil {
		b.Fatal(err)
	}
	return w, w.Client(id)
}

// BenchmarkMemoryPer100kRequests drives 100,000 API requests (status of a
// retrieval, its download URL, the caller's list) into a running world and
// reports how much the resident set and the live heap grew over them, after
// a warm-up that fills the exchange ring and the caches (issue 15 target:
// at most 5 MB per 100,000 requests).
func BenchmarkMemoryPer100kRequests(b *testing.B) {
	w, c := memoryWorld(b)
	ctx := context.Background()
	r, err := c.Call(ctx, "POST", "/retrievals", nil, map[string]any{"operationCategory": "retrieval", "documentKindCategory": "patent",
		"documentNumber": "EE P202300012", "documentDate": "2023-03-14", "dasAccessCode": "AB21",
		"applicationCategory": nil, "applicationNumber": nil, "applicationFilingDate": nil})
	if err != nil || r.Status != 201 {
		b.Fatalf("retrieval: %v %+v", err, r)
	}
	var ack struct{ RequestAckID string }
	_ = r.Decode(&ack)
	w.Settle()
	q := url.Values{"requestAckId": {ack.RequestAckID}}
	drive := func(n int) {
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := g; i < n; i += 4 {
					var r *Response
					var err error
					switch i % 3 {
					case 0:
						r, err = c.Call(ctx, "GET", "/retrievals/statuses", q, nil)
					case 1:
						r, err = c.Call(ctx, "GET", "/files/url-downloads", q, nil)
					default:
						r, err = c.Call(ctx, "GET", "/retrievals/statuses", nil, nil)
					}
					if err != nil || r.Status != http.StatusOK {
						b.Errorf("request %d: %v %+v", i, err, r)
						return
					}
				}
			}()
		}
		wg.Wait()
	}
	drive(10_000)
	rss0, heap0 := rssMB(b)
	b.ResetTimer()
	for range b.N {
		drive(100_000)
	}
	b.StopTimer()
	rss1, heap1 := rssMB(b)
	n := float64(b.N)
	b.ReportMetric((rss1-rss0)/n, "RSS-MB/100k-requests")
	b.ReportMetric((heap1-heap0)/n, "heap-MB/100k-requests")
	b.ReportMetric(float64(w.Log.Stats().Dropped), "exchanges-forgotten")
}

// BenchmarkRejectedUploadMemory uploads 256 MiB whose checksum is wrong
// through a presigned URL and reports the memory held once DAS has rejected
// it (issue 15: the bytes stayed in memory until retention).
func BenchmarkRejectedUploadMemory(b *testing.B) {
	w, c := memoryWorld(b)
	ctx := context.Background()
	// The sender's copy of the bytes is made once and dropped before the last measure.
	content := make([]byte, 256<<20)
	_, _ = rand.Read(content)
	copy(content, "%PDF-1.7\n")
	rss0, heap0 := rssMB(b)
	var peak float64
	b.ResetTimer()
	for range b.N {
		r, err := c.Call(ctx, "POST", "/files/url-uploads", nil, map[string]any{"fileFormatCategory": "pdf",
			"fileChecksum": strings.Repeat("0", 64)})
		if err != nil || r.Status != 201 {
			b.Fatalf("upload URL: %v %+v", err, r)
		}
		var up struct{ FileID, FileUploadURL string }
		_ = r.Decode(&up)
		if status, body, err := c.Presigned(ctx, "PUT", up.FileUploadURL, "application/pdf", content); err != nil || status != 200 {
			b.Fatalf("upload: %v %d %s", err, status, body)
		}
		w.Settle()
		peak = max(peak, func() float64 { r, _ := rssMB(b); return r }())
		r, err = c.Call(ctx, "GET", "/files", url.Values{"fileId": {up.FileID}}, nil)
		if err != nil || !strings.Contains(string(r.Body), `"REJECTED"`) {
			b.Fatalf("status: %v %s", err, r.Body)
		}
	}
	b.StopTimer()
	content = nil
	rss1, heap1 := rssMB(b)
	b.ReportMetric(rss1-rss0+256, "RSS-MB-held-after")
	b.ReportMetric(heap1-heap0+256, "heap-MB-held-after")
	b.ReportMetric(peak-rss0, "RSS-MB-after-rejection-before-drop")
}
