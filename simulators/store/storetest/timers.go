package storetest

import (
	"bytes"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/store"
)

func testTimers(t *testing.T, b store.Backend) {
	ctx := t.Context()
	due := epoch.Add(time.Hour)
	putTimers(t, ctx, b, store.Timer{ID: "expire/f1", Kind: "expire", Subject: "f1", Due: due},
		store.Timer{ID: "call/r1/notify", Kind: "call", Subject: "r1", Call: "notify", Attempt: 3, Due: due.Add(time.Minute)})
	all, err := b.Timers().All(ctx)
	must(t, err)
	if len(all) != 2 || all[0].ID != "expire/f1" || !all[0].Due.Equal(due) || all[1].Attempt != 3 || all[1].Call != "notify" {
		t.Fatalf("All: %+v", all)
	}
	tm := b.Timers()
	if _, ok, err := tm.Claim(ctx, "expire/f1", "A", due.Add(-time.Second), due.Add(time.Minute)); ok || err != nil {
		t.Fatalf("a timer was claimed a second before it was due (%v)", err)
	}
	// Of two replicas claiming at once, one wins.
	var wins atomic.Int32
	var wg sync.WaitGroup
	for _, owner := range []string{"A", "B", "C", "D"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, ok, err := tm.Claim(ctx, "expire/f1", owner, due, due.Add(time.Minute)); err == nil && ok {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d owners claimed one timer at once, want exactly 1", wins.Load())
	}
	// Rescheduled while claimed: Finish of the old deadline keeps the new one.
	putTimers(t, ctx, b, store.Timer{ID: "expire/f1", Kind: "expire", Subject: "f1", Due: due.Add(time.Hour)})
	must(t, tm.Finish(ctx, "expire/f1", due))
	all, _ = tm.All(ctx)
	if len(all) != 2 {
		t.Fatalf("Finish removed a rescheduled timer: %+v", all)
	}
	must(t, tm.Finish(ctx, "expire/f1", due.Add(time.Hour)))
	must(t, b.DAS().Update(ctx, func(tx store.DASTx) error { return tx.DeleteTimer("call/r1/notify") }))
	if all, _ = tm.All(ctx); len(all) != 0 {
		t.Fatalf("timers left after Finish and DeleteTimer: %+v", all)
	}
	if _, ok, _ := tm.Claim(ctx, "expire/f1", "A", due.Add(time.Hour), due.Add(2*time.Hour)); ok {
		t.Fatal("a finished timer was claimed")
	}
}

func testClaimDue(t *testing.T, b store.Backend) {
	ctx := t.Context()
	for i := range 5 {
		putTimers(t, ctx, b, store.Timer{ID: fmt.Sprintf("t%d", i), Kind: "expire", Due: epoch.Add(time.Duration(5-i) * time.Minute)})
	}
	now := epoch.Add(4 * time.Minute) // t1..t4 are due (t0 at +5 min is not)
	got, err := b.Timers().ClaimDue(ctx, "A", now, now.Add(time.Minute), 3)
	must(t, err)
	if fmt.Sprint(ids(got)) != "[t4 t3 t2]" {
		t.Fatalf("ClaimDue: %v, want the three earliest due [t4 t3 t2]", ids(got))
	}
	again, err := b.Timers().ClaimDue(ctx, "B", now, now.Add(time.Minute), 10)
	must(t, err)
	if fmt.Sprint(ids(again)) != "[t1]" {
		t.Fatalf("ClaimDue by B while A's leases run: %v, want [t1]", ids(again))
	}
	// A process that is the store's only user frees the leases of the one
	// before it at once.
	must(t, b.Timers().ReleaseAll(ctx))
	freed, err := b.Timers().ClaimDue(ctx, "C", now, now.Add(time.Minute), 10)
	must(t, err)
	if fmt.Sprint(ids(freed)) != "[t4 t3 t2 t1]" {
		t.Fatalf("after ReleaseAll C claimed %v, want every due timer [t4 t3 t2 t1]", ids(freed))
	}
	// C dies; its leases lapse and B takes its timers.
	later := now.Add(2 * time.Minute)
	taken, err := b.Timers().ClaimDue(ctx, "B", later, later.Add(time.Minute), 10)
	must(t, err)
	if fmt.Sprint(ids(taken)) != "[t4 t3 t2 t1 t0]" {
		t.Fatalf("after the leases lapsed B claimed %v, want every due timer", ids(taken))
	}
}

func ids(ts []store.Timer) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return out
}

func testWorld(t *testing.T, b store.Backend) {
	ctx := t.Context()
	w := b.World()
	if _, ok, err := w.Get(ctx, store.KindCA, "root"); ok || err != nil {
		t.Fatalf("empty world has a CA (%v)", err)
	}
	first, err := w.PutIfAbsent(ctx, store.KindCA, "root", []byte("first"))
	must(t, err)
	second, err := w.PutIfAbsent(ctx, store.KindCA, "root", []byte("second"))
	must(t, err)
	if string(first) != "first" || string(second) != "first" {
		t.Fatalf("PutIfAbsent gave %q then %q, want the first value twice", first, second)
	}
	created := 0
	v, err := store.LoadOrCreate(ctx, w, store.KindCA, "root", func() ([]byte, error) { created++; return []byte("x"), nil })
	must(t, err)
	if created != 0 || string(v) != "first" {
		t.Fatalf("LoadOrCreate created %d and returned %q", created, v)
	}
	must(t, w.Put(ctx, store.KindWhitelist, "ee-office", []byte("EE")))
	must(t, w.Put(ctx, store.KindWhitelist, "fi-office", []byte("FI")))
	must(t, w.Put(ctx, store.KindWhitelist, "ee-office", []byte("EE2")))
	l, err := w.List(ctx, store.KindWhitelist)
	must(t, err)
	if len(l) != 2 || !bytes.Equal(l["ee-office"], []byte("EE2")) || string(l["fi-office"]) != "FI" {
		t.Fatalf("List: %q", l)
	}
	if l, _ := w.List(ctx, store.KindPort); len(l) != 0 {
		t.Fatalf("List of an empty kind: %q", l)
	}
}

func testDurable(t *testing.T, open Opener, reopen Reopener) {
	ctx := t.Context()
	b := open(t)
	rt := sampleRetrieval("r1", "FI")
	must(t, b.DAS().Update(ctx, func(tx store.DASTx) error {
		if err := tx.PutRetrieval(&rt); err != nil {
			return err
		}
		if err := tx.PutFile(store.File{ID: "f1", Office: "FI", Status: "ACCEPTED"}); err != nil {
			return err
		}
		return tx.PutTimer(store.Timer{ID: "expire/f1", Kind: "expire", Subject: "f1", Due: epoch.Add(168 * time.Hour)})
	}))
	must(t, b.World().Put(ctx, store.KindSigningKey, "authz", []byte("PEM")))
	must(t, b.Close())
	b = reopen(t, b)
	t.Cleanup(func() { _ = b.Close() })
	must(t, b.DAS().View(ctx, func(tx store.DASTx) error {
		if got, ok, err := tx.Retrieval("r1"); !ok || err != nil || got.Seq != rt.Seq {
			return fmt.Errorf("retrieval after restart: %+v %v %v", got, ok, err)
		}
		if open, err := tx.OpenRetrievals("FI"); err != nil || len(open) != 1 {
			return fmt.Errorf("open retrievals after restart: %v %v", open, err)
		}
		if _, ok, err := tx.File("f1"); !ok || err != nil {
			return fmt.Errorf("file after restart: %v %v", ok, err)
		}
		return nil
	}))
	all, err := b.Timers().All(ctx)
	must(t, err)
	if len(all) != 1 || !all[0].Due.Equal(epoch.Add(168*time.Hour)) {
		t.Fatalf("timers after restart %+v, want expire/f1 with its original deadline", all)
	}
	if v, ok, err := b.World().Get(ctx, store.KindSigningKey, "authz"); !ok || err != nil || string(v) != "PEM" {
		t.Fatalf("signing key after restart: %q %v %v", v, ok, err)
	}
	// A new retrieval after the restart sorts after the old one.
	r2 := sampleRetrieval("r2", "FI")
	must(t, b.DAS().Update(ctx, func(tx store.DASTx) error { return tx.PutRetrieval(&r2) }))
	if r2.Seq <= rt.Seq {
		t.Fatalf("Seq after restart %d, not after %d", r2.Seq, rt.Seq)
	}
}
