package clock

import (
	"sync"
	"testing"
	"time"
)

var epoch = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

func TestVirtualAdvanceFiresDueTimersInDeadlineOrder(t *testing.T) {
	v := NewVirtual(epoch)
	var mu sync.Mutex
	var got []string
	var seen []time.Time
	record := func(name string) func() {
		return func() {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, name)
			seen = append(seen, v.Now())
		}
	}
	v.AfterFunc(3*time.Hour, record("3h"))
	v.AfterFunc(time.Hour, record("1h"))
	late := v.AfterFunc(8*24*time.Hour, record("8d"))
	v.AfterFunc(2*time.Hour, func() {
		record("2h")()
		// A timer scheduled by a callback inside the window fires in the same Advance.
		v.AfterFunc(30*time.Minute, record("2h30"))
	})

	v.Advance(7 * 24 * time.Hour)

	want := []string{"1h", "2h", "2h30", "3h"}
	if len(got) != len(want) {
		t.Fatalf("fired %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("fired %v, want %v", got, want)
		}
	}
	if !seen[2].Equal(epoch.Add(150 * time.Minute)) {
		t.Errorf("2h30 timer saw Now()=%v, want its own deadline", seen[2])
	}
	if !v.Now().Equal(epoch.Add(7 * 24 * time.Hour)) {
		t.Errorf("Now()=%v after Advance, want start+7d", v.Now())
	}
	if v.Pending() != 1 {
		t.Errorf("pending=%d, want the 8-day timer only", v.Pending())
	}
	if !late.Stop() {
		t.Error("Stop of a pending timer reported false")
	}
	if late.Stop() {
		t.Error("second Stop reported true")
	}
	v.Advance(2 * 24 * time.Hour)
	if len(got) != 4 {
		t.Errorf("stopped timer fired: %v", got)
	}
}

func TestVirtualBoundaryFiresExactlyAtDeadline(t *testing.T) {
	v := NewVirtual(epoch)
	fired := false
	v.AfterFunc(time.Minute, func() { fired = true })
	v.Advance(time.Minute - time.Nanosecond)
	if fired {
		t.Fatal("fired one nanosecond early")
	}
	v.Advance(time.Nanosecond)
	if !fired {
		t.Fatal("did not fire at its deadline")
	}
}

func TestOffsetClockRunsAtRealSpeedPlusOffset(t *testing.T) {
	v := NewOffset(24 * time.Hour)
	defer v.Close()
	d := v.Now().Sub(System().Now())
	if d < 24*time.Hour-time.Second || d > 24*time.Hour+time.Second {
		t.Fatalf("offset clock is %v from the system clock, want ~24h", d)
	}
	done := make(chan struct{})
	v.AfterFunc(time.Hour, func() { close(done) })
	v.Advance(time.Hour)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("timer made due by Advance did not fire")
	}
}

func TestSetMovesForwardOnly(t *testing.T) {
	v := NewVirtual(epoch)
	v.Set(epoch.Add(-time.Hour))
	if !v.Now().Equal(epoch) {
		t.Fatalf("Set into the past moved the clock to %v", v.Now())
	}
	v.Set(epoch.Add(time.Hour))
	if v.Since(epoch) != time.Hour {
		t.Fatalf("Since=%v, want 1h", v.Since(epoch))
	}
}
