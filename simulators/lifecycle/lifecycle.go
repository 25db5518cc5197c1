// Package lifecycle is the one shape of a party's background work: a
// tracked group of goroutines and world-clock timers with a cancelable
// context, so that a world can wait until every party is idle (Settle) and
// close a party leaving nothing behind (Close).
//
// A Group's context derives from the context the party was built with,
// through context.WithoutCancel and then WithCancel: values (recorder
// labels, say) carry over, the caller's cancellation does not end the
// party's work, and Close does. Work runs in Go; a timer made with AfterFunc
// fires on the world's clock (never a sleep), counts as work while its
// callback runs, and is stopped by Close if it has not fired. It is a leaf
// package: it imports nothing of dasim but the clock.
package lifecycle

import (
	"context"
	"sync"
	"time"

	"github.com/wipo-das/dasim/simulators/clock"
)

// Group tracks one party's background work. The zero value is not usable;
// make one with New.
type Group struct {
	ctx    context.Context
	cancel context.CancelFunc
	clock  clock.Clock

	mu      sync.Mutex
	idle    *sync.Cond
	running int
	started uint64 // every piece of work ever begun, for Settled
	closed  bool
	timers  map[*timer]struct{}
}

// New returns a group whose work runs on ctx's values (not its
// cancellation) and whose timers run on c. A nil ctx (a party built with no
// context of a caller) gives the group a context of its own, ended by Close.
func New(ctx context.Context, c clock.Clock) *Group {
	if ctx == nil {
		ctx = unparented{}
	}
	gctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	g := &Group{ctx: gctx, cancel: cancel, clock: c, timers: map[*timer]struct{}{}}
	g.idle = sync.NewCond(&g.mu)
	return g
}

// Context is the group's context: cancelled by Close.
func (g *Group) Context() context.Context { return g.ctx }

// Clock is the clock the group's timers run on.
func (g *Group) Clock() clock.Clock { return g.clock }

// begin counts one more piece of work before it starts, so WaitIdle sees
// it; false once the group is closed.
func (g *Group) begin() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.running++
	g.started++
	return true
}

func (g *Group) end() {
	g.mu.Lock()
	g.running--
	if g.running == 0 {
		g.idle.Broadcast()
	}
	g.mu.Unlock()
}

// Go runs f in its own tracked goroutine with the group's context; it
// reports false (and does not run f) once the group is closed.
func (g *Group) Go(f func(ctx context.Context)) bool {
	if !g.begin() {
		return false
	}
	go func() {
		defer g.end()
		f(g.ctx)
	}()
	return true
}

// Run runs f on the calling goroutine as tracked work (a callback of a
// timer that is not the group's, say); false once the group is closed.
func (g *Group) Run(f func(ctx context.Context)) bool {
	if !g.begin() {
		return false
	}
	defer g.end()
	f(g.ctx)
	return true
}

// AfterFunc calls f once the world's clock has passed d, as tracked work
// on the goroutine that fires the timer (a virtual clock's Advance runs it
// before it returns, so a retry scheduled inside the advanced window fires
// in the same Advance). A timer already due (d <= 0) runs at once in its
// own tracked goroutine. Close stops every timer not yet fired. It returns
// nil once the group is closed.
func (g *Group) AfterFunc(d time.Duration, f func(ctx context.Context)) clock.Timer {
	if d <= 0 {
		if !g.Go(f) {
			return nil
		}
		return firedTimer{}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return nil
	}
	t := &timer{g: g}
	g.timers[t] = struct{}{}
	t.inner = g.clock.AfterFunc(d, func() {
		if g.forget(t) {
			g.Run(f)
		}
	})
	return t
}

// forget removes t from the live timers; false when Stop or Close got
// there first.
func (g *Group) forget(t *timer) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	_, live := g.timers[t]
	delete(g.timers, t)
	return live
}

// timer is a tracked clock timer.
type timer struct {
	g     *Group
	inner clock.Timer
}

func (t *timer) Stop() bool {
	if !t.g.forget(t) {
		return false
	}
	return t.inner.Stop()
}

// firedTimer is the Timer of work that was due at once.
type firedTimer struct{}

func (firedTimer) Stop() bool { return false }

// Pending reports how many timers wait to fire.
func (g *Group) Pending() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.timers)
}

// WaitIdle blocks until no work runs. Timers not yet due do not count:
// advance the clock for those.
func (g *Group) WaitIdle() {
	g.mu.Lock()
	for g.running > 0 {
		g.idle.Wait()
	}
	g.mu.Unlock()
}

// Mark is what Settled compares: whether work ran and how much had begun.
type Mark struct {
	idle    bool
	started uint64
}

// Mark tells whether the group is idle now and how much work has begun
// so far.
func (g *Group) Mark() Mark {
	g.mu.Lock()
	defer g.mu.Unlock()
	return Mark{idle: g.running == 0, started: g.started}
}

// Settle waits until every group is idle at once: one party's work often
// starts another's (a DAS notification makes an office work), so it loops
// until one pass finds every group idle with no work begun since the pass
// before.
func Settle(groups ...*Group) {
	for {
		before := make([]Mark, len(groups))
		for i, g := range groups {
			g.WaitIdle()
			before[i] = g.Mark()
		}
		settled := true
		for i, g := range groups {
			if m := g.Mark(); !m.idle || m != before[i] {
				settled = false
			}
		}
		if settled {
			return
		}
	}
}

// Close refuses new work, stops every pending timer, cancels the group's
// context so that work in flight (HTTP calls above all) ends, and waits for
// it, at most until ctx is done (then it returns ctx's error).
func (g *Group) Close(ctx context.Context) error {
	g.mu.Lock()
	g.closed = true
	timers := g.timers
	g.timers = map[*timer]struct{}{}
	g.mu.Unlock()
	for t := range timers {
		t.inner.Stop()
	}
	g.cancel()
	done := make(chan struct{})
	go func() {
		g.WaitIdle()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// unparented is the root of a group built without a caller's context: no
// deadline, no values, never done by itself.
type unparented struct{}

func (unparented) Deadline() (time.Time, bool) { return time.Time{}, false }
func (unparented) Done() <-chan struct{}       { return nil }
func (unparented) Err() error                  { return nil }
func (unparented) Value(any) any               { return nil }
