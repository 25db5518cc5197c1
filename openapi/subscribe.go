package openapi

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Numbered is an exchange with its place in a Feed (1, 2, ...): a live
// viewer resumes after the last number it saw.
type Numbered struct {
	Seq uint64 `json:"seq"`
	Exchange
}

// Feed is a Recorder in front of another. It stamps every exchange with the
// world's clock (Exchange.At, when the recording party left it zero), hands
// it to the next recorder, numbers it, keeps the last few for viewers that
// join late, and offers it to every subscriber without ever blocking the
// party that records: a subscriber that falls behind loses exchanges and is
// told how many (Subscription.Dropped).
type Feed struct {
	now  func() time.Time
	next Recorder

	mu     sync.Mutex
	seq    uint64
	recent []Numbered // a ring of the last cap(recent) exchanges
	head   int        // where the next one goes once the ring is full
	subs   map[*Subscription]struct{}
}

// FeedBacklog is how many recent exchanges a Feed keeps for late viewers.
const FeedBacklog = 256

// MaxSubscribers bounds the live viewers of one Feed: each holds a buffer
// and, over HTTP, a connection.
const MaxSubscribers = 16

// subscriberBuffer is how many exchanges a subscriber may lag behind
// before it loses some.
const subscriberBuffer = 256

// ErrTooManySubscribers is Subscribe's answer past MaxSubscribers.
var ErrTooManySubscribers = errors.New("too many live subscribers")

// NewFeed returns a Feed stamping with now and recording into next (nil:
// nowhere but the feed).
func NewFeed(now func() time.Time, next Recorder) *Feed {
	return &Feed{now: now, next: next, recent: make([]Numbered, 0, FeedBacklog),
		subs: map[*Subscription]struct{}{}}
}

// Stamped returns a Recorder that stamps each exchange with now before
// handing it to next: a recorder of its own (an observed system's log)
// gets the world's time without a feed.
func Stamped(now func() time.Time, next Recorder) Recorder {
	return recorderFunc(func(e Exchange) {
		if e.At.IsZero() {
			e.At = now()
		}
		next.Record(e)
	})
}

type recorderFunc func(Exchange)

func (f recorderFunc) Record(e Exchange) { f(e) }

// Record stamps, forwards, numbers and publishes e.
func (f *Feed) Record(e Exchange) {
	if e.At.IsZero() {
		e.At = f.now()
	}
	if f.next != nil {
		f.next.Record(e)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	n := Numbered{Seq: f.seq, Exchange: e}
	if len(f.recent) < cap(f.recent) {
		f.recent = append(f.recent, n)
	} else {
		f.recent[f.head] = n
		f.head = (f.head + 1) % len(f.recent)
	}
	for s := range f.subs {
		select {
		case s.ch <- n:
		default:
			s.dropped.Add(1)
		}
	}
}

// Subscribe registers a live viewer. It returns, atomically with the
// registration, the kept exchanges numbered after `after` (0: all kept), so
// that nothing falls between the backlog and the live stream.
func (f *Feed) Subscribe(after uint64) ([]Numbered, *Subscription, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.subs) >= MaxSubscribers {
		return nil, nil, ErrTooManySubscribers
	}
	ch := make(chan Numbered, subscriberBuffer)
	s := &Subscription{C: ch, ch: ch, feed: f}
	f.subs[s] = struct{}{}
	return f.keptAfterLocked(after), s, nil
}

// Recent returns the kept exchanges, oldest first.
func (f *Feed) Recent() []Numbered {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.keptAfterLocked(0)
}

func (f *Feed) keptAfterLocked(after uint64) []Numbered {
	var out []Numbered
	for i := range f.recent {
		if n := f.recent[(f.head+i)%len(f.recent)]; n.Seq > after {
			out = append(out, n)
		}
	}
	return out
}

// Subscription is one live viewer of a Feed.
type Subscription struct {
	// C delivers each exchange recorded after Subscribe; it is closed by Close.
	C       <-chan Numbered
	ch      chan Numbered
	dropped atomic.Uint64
	feed    *Feed
	closed  sync.Once
}

// Dropped is how many exchanges this subscriber lost by lagging behind.
func (s *Subscription) Dropped() uint64 { return s.dropped.Load() }

// Close unregisters the subscriber and closes C.
func (s *Subscription) Close() {
	s.closed.Do(func() {
		s.feed.mu.Lock()
		delete(s.feed.subs, s)
		close(s.ch)
		s.feed.mu.Unlock()
	})
}
