package lifecycle

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/clock"
)

var epoch = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

type labelKey struct{}

func TestGroupContextKeepsValuesNotCancellation(t *testing.T) {
	parent, cancel := context.WithCancel(context.WithValue(t.Context(), labelKey{}, "das"))
	g := New(parent, clock.NewVirtual(epoch))
	cancel()
	if g.Context().Err() != nil {
		t.Fatal("cancelling the constructor's context ended the party's work")
	}
	if g.Context().Value(labelKey{}) != "das" {
		t.Fatal("the group's context lost the constructor's values")
	}
	if err := g.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if g.Context().Err() == nil {
		t.Fatal("Close did not cancel the group's context")
	}
}

func TestAfterFuncRunsTrackedOnTheWorldClock(t *testing.T) {
	v := clock.NewVirtual(epoch)
	g := New(t.Context(), v)
	var fired atomic.Int32
	g.AfterFunc(time.Hour, func(ctx context.Context) {
		if m := g.Mark(); m.idle {
			t.Error("a timer's callback does not count as work")
		}
		fired.Add(1)
		g.AfterFunc(time.Minute, func(context.Context) { fired.Add(1) }) // inside the window: same Advance
	})
	if g.Pending() != 1 {
		t.Fatalf("pending %d, want 1", g.Pending())
	}
	v.Advance(2 * time.Hour)
	if fired.Load() != 2 || g.Pending() != 0 {
		t.Fatalf("fired %d, pending %d after Advance; want 2 and 0", fired.Load(), g.Pending())
	}
}

func TestCloseStopsTimersCancelsWorkAndRefusesMore(t *testing.T) {
	v := clock.NewVirtual(epoch)
	g := New(t.Context(), v)
	fired := false
	g.AfterFunc(time.Hour, func(context.Context) { fired = true })
	ended := make(chan error, 1)
	started := make(chan struct{})
	g.Go(func(ctx context.Context) {
		close(started)
		<-ctx.Done() // a call in flight that only Close ends
		ended <- ctx.Err()
	})
	<-started
	if err := g.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := <-ended; err == nil {
		t.Fatal("work in flight was not cancelled")
	}
	v.Advance(2 * time.Hour)
	if fired {
		t.Fatal("a timer fired after Close")
	}
	if g.Go(func(context.Context) {}) || g.AfterFunc(time.Second, func(context.Context) {}) != nil {
		t.Fatal("a closed group accepted new work")
	}
}

func TestCloseGivesUpWhenItsContextEnds(t *testing.T) {
	g := New(t.Context(), clock.NewVirtual(epoch))
	release := make(chan struct{})
	g.Go(func(context.Context) { <-release }) // ignores cancellation
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if err := g.Close(ctx); err == nil {
		t.Fatal("Close returned nil while work was still running")
	}
	close(release)
	g.WaitIdle()
}

func TestSettleWaitsForWorkOneGroupStartsInAnother(t *testing.T) {
	a, b := New(t.Context(), clock.NewVirtual(epoch)), New(t.Context(), clock.NewVirtual(epoch))
	var done atomic.Bool
	a.Go(func(context.Context) {
		time.Sleep(10 * time.Millisecond) // a call to the other party, in real time
		b.Go(func(context.Context) {
			time.Sleep(10 * time.Millisecond)
			done.Store(true)
		})
	})
	Settle(b, a) // b is idle when first looked at
	if !done.Load() {
		t.Fatal("Settle returned before the work a started in b had ended")
	}
}

func TestStopOfATrackedTimer(t *testing.T) {
	v := clock.NewVirtual(epoch)
	g := New(t.Context(), v)
	tm := g.AfterFunc(time.Minute, func(context.Context) { t.Error("stopped timer fired") })
	if !tm.Stop() || tm.Stop() {
		t.Fatal("Stop should report true once, then false")
	}
	v.Advance(time.Hour)
	if g.Pending() != 0 {
		t.Fatal("a stopped timer is still pending")
	}
}
