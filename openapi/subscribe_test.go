package openapi

import (
	"testing"
	"time"
)

func TestFeedStampsForwardsAndDeliversWithoutGapsOrBlocking(t *testing.T) {
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	log := &Log{}
	f := NewFeed(func() time.Time { return at }, log)
	f.Record(Exchange{Operation: "requestRetrieval"})
	backlog, sub, err := f.Subscribe(0)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	if len(backlog) != 1 || backlog[0].Seq != 1 || !backlog[0].At.Equal(at) {
		t.Fatalf("backlog %+v, want exchange 1 stamped %v", backlog, at)
	}
	own := at.Add(-time.Hour)
	f.Record(Exchange{Operation: "notify", At: own})
	got := <-sub.C
	if got.Seq != 2 || got.Operation != "notify" || !got.At.Equal(own) {
		t.Fatalf("live %+v: want exchange 2 keeping the recorder's own time", got)
	}
	if ex := log.Exchanges(); len(ex) != 2 || !ex[0].At.Equal(at) {
		t.Fatalf("next recorder got %+v", ex)
	}

	// A subscriber that does not read loses exchanges, and the recorder
	// never waits for it.
	for range subscriberBuffer + 10 {
		f.Record(Exchange{})
	}
	if sub.Dropped() != 10 {
		t.Fatalf("dropped %d, want 10", sub.Dropped())
	}
	if n := len(f.Recent()); n != FeedBacklog {
		t.Fatalf("kept %d, want the last %d", n, FeedBacklog)
	}
	last := f.Recent()[FeedBacklog-1].Seq
	backlog, again, err := f.Subscribe(last - 3)
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
	if len(backlog) != 3 || backlog[0].Seq != last-2 {
		t.Fatalf("resuming after %d gave %d exchanges from %d", last-3, len(backlog), backlog[0].Seq)
	}
	if _, ok := <-again.C; ok {
		t.Fatal("closed subscription still delivers")
	}
}

func TestFeedBoundsSubscribers(t *testing.T) {
	f := NewFeed(func() time.Time { return time.Time{} }, nil)
	for range MaxSubscribers {
		if _, s, err := f.Subscribe(0); err != nil {
			t.Fatal(err)
		} else {
			defer s.Close()
		}
	}
	if _, _, err := f.Subscribe(0); err != ErrTooManySubscribers {
		t.Fatalf("subscriber %d: %v, want ErrTooManySubscribers", MaxSubscribers+1, err)
	}
}
