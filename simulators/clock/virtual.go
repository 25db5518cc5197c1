package clock

import (
	"container/heap"
	"sync"
	"time"
)

// Virtual is a controllable clock. In its stopped form (NewVirtual) time moves
// only when Advance or Set is called; in its running form (NewOffset) it runs
// at real speed plus an offset that Advance increases.
//
// Timers due during an Advance run synchronously, one after another in
// deadline order, each seeing Now() equal to its own deadline, so a callback
// that schedules a further timer inside the advanced window (a notification
// retry with backoff, say) sees that timer fire within the same Advance.
// Advance returns once every due callback has returned.
type Virtual struct {
	mu      sync.Mutex
	running bool          // running: now = system now + offset
	now     time.Time     // stopped: the current instant
	offset  time.Duration // running: the distance from the system clock
	timers  timerHeap
	seq     uint64
	advance sync.Mutex // serialises Advance calls so timers fire in order
	quit    chan struct{}
	closed  sync.Once
}

// NewVirtual returns a stopped clock at start.
func NewVirtual(start time.Time) *Virtual {
	return &Virtual{now: start}
}

// NewOffset returns a clock that runs at real speed, offset from the system
// clock by offset. Its timers fire on real time too, and Advance brings
// forward every timer that the jump makes due.
func NewOffset(offset time.Duration) *Virtual {
	v := &Virtual{running: true, offset: offset, quit: make(chan struct{})}
	go v.realTimeLoop()
	return v
}

// Close stops the real-time loop of a running clock; pending timers no
// longer fire on their own. It is a no-op on a stopped clock.
func (v *Virtual) Close() {
	if v.quit != nil {
		v.closed.Do(func() { close(v.quit) })
	}
}

// Now returns the current virtual instant.
func (v *Virtual) Now() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.nowLocked()
}

func (v *Virtual) nowLocked() time.Time {
	if v.running {
		return time.Now().Add(v.offset)
	}
	return v.now
}

// Since returns the virtual time elapsed since t.
func (v *Virtual) Since(t time.Time) time.Duration { return v.Now().Sub(t) }

// AfterFunc schedules f at Now()+d on the virtual time line. A timer already
// due (d <= 0) runs at once in its own goroutine, as time.AfterFunc does.
func (v *Virtual) AfterFunc(d time.Duration, f func()) Timer {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.seq++
	t := &virtualTimer{clock: v, at: v.nowLocked().Add(d), seq: v.seq, f: f, index: -1}
	if d <= 0 {
		go f()
		return t
	}
	heap.Push(&v.timers, t)
	return t
}

// Advance moves the clock forward by d and fires every timer due by then.
func (v *Virtual) Advance(d time.Duration) {
	if d < 0 {
		panic("clock: Advance with a negative duration")
	}
	v.advance.Lock()
	defer v.advance.Unlock()
	v.mu.Lock()
	target := v.nowLocked().Add(d)
	v.mu.Unlock()
	v.fireUntil(target)
}

// Set moves a stopped clock to t, which must not be in its past.
func (v *Virtual) Set(t time.Time) {
	v.mu.Lock()
	d := t.Sub(v.nowLocked())
	v.mu.Unlock()
	if d > 0 {
		v.Advance(d)
	}
}

// fireUntil runs the due timers one at a time: a stopped clock steps to
// each deadline and finally to target; a running clock has its offset
// raised so that its Now reaches target (a no-op when real time already
// has, as in realTimeLoop).
func (v *Virtual) fireUntil(target time.Time) {
	for {
		v.mu.Lock()
		if len(v.timers) == 0 || v.timers[0].at.After(target) {
			v.moveToLocked(target)
			v.mu.Unlock()
			return
		}
		t := heap.Pop(&v.timers).(*virtualTimer) // Pop marks it fired (index -1)
		v.moveToLocked(t.at)
		v.mu.Unlock()
		t.f()
	}
}

func (v *Virtual) moveToLocked(t time.Time) {
	if v.running {
		if d := t.Sub(v.nowLocked()); d > 0 {
			v.offset += d
		}
		return
	}
	if t.After(v.now) {
		v.now = t
	}
}

// realTimeLoop fires the timers of a running clock as real time reaches them.
func (v *Virtual) realTimeLoop() {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-v.quit:
			return
		case <-tick.C:
			v.advance.Lock()
			v.fireUntil(v.Now())
			v.advance.Unlock()
		}
	}
}

// Pending reports how many timers wait to fire (for tests and diagnostics).
func (v *Virtual) Pending() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.timers)
}

type virtualTimer struct {
	clock *Virtual
	at    time.Time
	seq   uint64
	index int // in the heap; -1 once fired (or run at once)
	f     func()
}

func (t *virtualTimer) Stop() bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&t.clock.timers, t.index)
	return true
}

// timerHeap orders timers by deadline, then by creation.
type timerHeap []*virtualTimer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].at.Equal(h[j].at) {
		return h[i].seq < h[j].seq
	}
	return h[i].at.Before(h[j].at)
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*virtualTimer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	t.index = -1
	*h = old[:len(old)-1]
	return t
}
