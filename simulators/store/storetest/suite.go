// Package storetest is the conformance suite every store.Backend passes
// (dex's storage/conformance pattern): the in-memory backend, SQLite and
// PostgreSQL run the same tests, so a party behaves alike on each.
package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/store"
)

// Opener returns a fresh, empty backend; the suite closes it.
type Opener func(t *testing.T) store.Backend

// Reopener opens again the backend b was opened from, after b is closed
// (a restart), for the durability tests.
type Reopener func(t *testing.T, b store.Backend) store.Backend

// epoch is the world clock's instant the tests set timers against.
var epoch = time.Date(2026, time.January, 5, 9, 0, 0, 0, time.UTC)

// Run runs the suite against the backends open makes. reopen, when not
// nil, adds the tests of what a restart keeps.
func Run(t *testing.T, open Opener, reopen Reopener) {
	tests := []struct {
		name string
		run  func(t *testing.T, b store.Backend)
	}{
		{"records round-trip", testRoundTrip},
		{"a failed update writes nothing", testRollback},
		{"view is read-only", testViewReadOnly},
		{"open retrievals: pending and newly completed, in order, per office", testOpenRetrievals},
		{"retrieval by OFF ack", testByOFFAck},
		{"an office's uploads holding transit space", testOfficeUploads},
		{"attempts in order", testAttempts},
		{"concurrent updates lose nothing", testConcurrentUpdates},
		{"timers: scheduled with state, claimed once, finished unless rescheduled", testTimers},
		{"timers: due ones claimed earliest first, a lapsed lease claimed again", testClaimDue},
		{"world values: first writer wins", testWorld},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := open(t)
			t.Cleanup(func() { _ = b.Close() })
			tc.run(t, b)
		})
	}
	if reopen != nil {
		t.Run("a restart keeps every committed record, timer and world value", func(t *testing.T) {
			testDurable(t, open, reopen)
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func sampleRetrieval(ack, osf string) store.Retrieval {
	num := "EE P2023" + ack
	return store.Retrieval{AckID: ack, OSF: osf, Kind: "patent", Number: num, Date: "2023-03-14", AccessCode: "AB21",
		AppNumber: &num, Source: store.FromLibrary, Registration: "patent|" + num, Status: "pending",
		Message: "retrieval - recorded", CreatedAt: epoch, OFF: "EE"}
}

// testConcurrentUpdates has workers read-modify-write one record at once:
// every increment must survive (no lost update, whatever the isolation).
func testConcurrentUpdates(t *testing.T, b store.Backend) {
	ctx := t.Context()
	const workers, each = 8, 10
	f := store.File{ID: "counter", Office: "EE"}
	must(t, b.DAS().Update(ctx, func(tx store.DASTx) error { return tx.PutFile(f) }))
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				errs <- b.DAS().Update(ctx, func(tx store.DASTx) error {
					f, _, err := tx.File("counter")
					if err != nil {
						return err
					}
					f.Generation++
					return tx.PutFile(f)
				})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	must(t, b.DAS().View(ctx, func(tx store.DASTx) error {
		f, _, err := tx.File("counter")
		if err == nil && f.Generation != workers*each {
			err = fmt.Errorf("%d increments survived of %d", f.Generation, workers*each)
		}
		return err
	}))
}

func putTimers(t *testing.T, ctx context.Context, b store.Backend, ts ...store.Timer) {
	t.Helper()
	must(t, b.DAS().Update(ctx, func(tx store.DASTx) error {
		for _, tm := range ts {
			if err := tx.PutTimer(tm); err != nil {
				return err
			}
		}
		return nil
	}))
}
