package das

import (
	"bytes"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

// officeCodes returns n distinct ST.3-shaped codes that are neither IP5
// offices nor IB, so each office may deposit in the library.
func officeCodes(n int) []string {
	var out []string
	for a := 'A'; a <= 'Z' && len(out) < n; a++ {
		for b := 'A'; b <= 'Z' && len(out) < n; b++ {
			c := string([]rune{a, b})
			if !slices.Contains(append(DefaultIP5Offices(), "IB"), c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// 100 offices at once, each registering its document and retrieving its
// neighbour's: every downloaded byte equals what was uploaded, and no
// goroutine outlives the world.
func TestConcurrentOffices(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Run("100 offices", func(t *testing.T) {
		const n = 100
		codes := officeCodes(n)
		w := newWorld(t, worldOptions{offices: codes[:10]}) // ten of them also take notifications
		offices := make([]*office, n)
		docs := make([]doc, n)
		contents := make([][]byte, n)
		for i, c := range codes {
			offices[i] = w.office(c)
			docs[i] = doc{"patent", fmt.Sprintf("%s P2023%05d", c, i), "2023-03-14", fmt.Sprintf("%04X", i)}
			contents[i] = append(pdf(docs[i].number), bytes.Repeat([]byte{byte(i)}, 1000+i*37)...)
		}
		// Phase 1: every office deposits; phase 2: every office retrieves its
		// neighbour's document. Each goroutine reports through its own
		// goroutineT: testing's FailNow is only legal on the test goroutine.
		failures := &failureList{}
		each := func(work func(g *goroutineT, i int)) {
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					work(&goroutineT{TB: t, failures: failures, name: codes[i]}, i)
				}()
			}
			wg.Wait()
		}
		each(func(g *goroutineT, i int) { offices[i].deposit(g, docs[i], contents[i]) })
		each(func(g *goroutineT, i int) {
			o := offices[i]
			j := (i + 1) % n
			ack := o.retrieve(g, docs[j])
			for range 200 { // poll statuses as an OSF without endpoint does
				if o.status(g, ack).RequestStatusCategory == statusSuccess {
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			got := o.download(g, ack)
			if sha(got) != sha(contents[j]) {
				g.Fatalf("got sha256 %s for %s, uploaded %s", sha(got), docs[j].number, sha(contents[j]))
			}
			o.expect(g, 204, "DELETE", "/files?requestAckId="+ack, nil, nil)
		})
		for _, f := range failures.all() {
			t.Error(f)
		}
		w.das.WaitIdle()
		for _, c := range codes[:10] {
			if len(w.sims[c].received()) != 1 {
				t.Errorf("office %s received %d notifications, want 1", c, len(w.sims[c].received()))
			}
		}
	})
	// Everything of the world is closed by now; idle client connections
	// wind down on their own within a short settle.
	http.DefaultClient.CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	after := runtime.NumGoroutine()
	for after > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		after = runtime.NumGoroutine()
	}
	if after > before {
		buf := make([]byte, 1<<20)
		t.Fatalf("goroutines: %d before, %d after\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
	t.Logf("goroutines: %d before, %d after", before, after)
}

// goroutineT is the testing.TB of a worker goroutine: a fatal failure is
// recorded and ends only that goroutine (runtime.Goexit runs its defers), and
// the test goroutine reports every failure afterwards.
type goroutineT struct {
	testing.TB
	failures *failureList
	name     string
}

func (g *goroutineT) Helper() {}
func (g *goroutineT) Errorf(format string, args ...any) {
	g.failures.add(g.name + ": " + fmt.Sprintf(format, args...))
}
func (g *goroutineT) Error(args ...any) { g.failures.add(g.name + ": " + fmt.Sprint(args...)) }
func (g *goroutineT) Fatalf(format string, args ...any) {
	g.Errorf(format, args...)
	runtime.Goexit()
}
func (g *goroutineT) Fatal(args ...any) {
	g.Error(args...)
	runtime.Goexit()
}
func (g *goroutineT) FailNow() {
	g.failures.add(g.name + ": failed")
	runtime.Goexit()
}

type failureList struct {
	mu   sync.Mutex
	list []string
}

func (f *failureList) add(s string) { f.mu.Lock(); f.list = append(f.list, s); f.mu.Unlock() }
func (f *failureList) all() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.list...)
}
