package faults

import (
	"runtime"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/clock"
)

var epoch = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

func newSet(t *testing.T) (*Set, *clock.Virtual) {
	t.Helper()
	v := clock.NewVirtual(epoch)
	return New(v), v
}

func mustAdd(t *testing.T, s *Set, r Rule) Rule {
	t.Helper()
	r, err := s.Add(r)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// waitPending yields until the virtual clock holds n timers: a request
// blocked on the world clock has then registered its wake-up.
func waitPending(t *testing.T, v *clock.Virtual, n int) {
	t.Helper()
	for i := 0; v.Pending() < n; i++ {
		if i > 5_000_000 {
			t.Fatalf("clock has %d pending timers, want %d", v.Pending(), n)
		}
		runtime.Gosched()
	}
}

func onlyEvent(t *testing.T, s *Set, k Kind) Event {
	t.Helper()
	ev := s.EventsOf(k)
	if len(ev) != 1 {
		t.Fatalf("%s events = %v, want exactly one", k, s.Events())
	}
	return ev[0]
}
