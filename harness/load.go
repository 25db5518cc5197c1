package harness

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wipo-das/dasim/simulators/clock"
)

// LoadResult is what a closed-loop load run measured.
type LoadResult struct {
	Requests  int64
	Failures  int64 // transport errors and statuses other than want
	Elapsed   time.Duration
	PerSecond float64
	P50, P99  time.Duration
	FirstFail string
}

func (r LoadResult) String() string {
	return fmt.Sprintf("%d requests in %.2fs: %.0f req/s, p50 %v, p99 %v, %d failures",
		r.Requests, r.Elapsed.Seconds(), r.PerSecond, r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond), r.Failures)
}

// Load sends newRequest's requests from workers concurrent loops for d of
// real time (a benchmark measures the machine, not the world), each
// expecting status want, and reports the throughput. A request in flight
// when d ends is cut short and not counted.
func Load(ctx context.Context, client *http.Client, workers int, d time.Duration, want int,
	newRequest func(ctx context.Context) (*http.Request, error)) LoadResult {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var total, failed atomic.Int64
	var firstFail atomic.Value
	latencies := make([][]time.Duration, workers)
	var wg sync.WaitGroup
	real := clock.System()
	start := real.Now()
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				req, err := newRequest(ctx)
				if err != nil {
					firstFail.CompareAndSwap(nil, err.Error())
					failed.Add(1)
					return
				}
				t0 := real.Now()
				resp, err := client.Do(req)
				if err != nil && ctx.Err() != nil {
					return // the run's time is up: cut short, not a failure
				}
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				latencies[i] = append(latencies[i], real.Since(t0))
				total.Add(1)
				switch {
				case err != nil:
					failed.Add(1)
					firstFail.CompareAndSwap(nil, err.Error())
				case resp.StatusCode != want:
					failed.Add(1)
					firstFail.CompareAndSwap(nil, fmt.Sprintf("status %d, want %d", resp.StatusCode, want))
				}
			}
		}()
	}
	wg.Wait()
	elapsed := real.Since(start)
	var all []time.Duration
	for _, l := range latencies {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	r := LoadResult{Requests: total.Load(), Failures: failed.Load(), Elapsed: elapsed,
		PerSecond: float64(total.Load()) / elapsed.Seconds()}
	if n := len(all); n > 0 {
		r.P50, r.P99 = all[n/2], all[n*99/100]
	}
	if f, ok := firstFail.Load().(string); ok {
		r.FirstFail = f
	}
	return r
}
