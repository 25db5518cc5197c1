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
		var registered, done sync.WaitGroup
		registered.Add(n)
		errs := make(chan error, n)
		for i := range n {
			done.Add(1)
			go func() {
				defer done.Done()
				o := offices[i]
				o.deposit(t, docs[i], contents[i])
				registered.Done()
				registered.Wait() // every document is registered before anyone retrieves
				j := (i + 1) % n
				ack := o.retrieve(t, docs[j])
				for range 200 { // poll statuses as an OSF without endpoint does
					if o.status(t, ack).RequestStatusCategory == statusSuccess {
						break
					}
					time.Sleep(5 * time.Millisecond)
				}
				got := o.download(t, ack)
				if sha(got) != sha(contents[j]) {
					errs <- fmt.Errorf("office %s got sha256 %s for %s, uploaded %s", o.code, sha(got), docs[j].number, sha(contents[j]))
					return
				}
				o.expect(t, 204, "DELETE", "/files?requestAckId="+ack, nil, nil)
			}()
		}
		done.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
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
