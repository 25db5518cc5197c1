package das

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/store"
	"github.com/wipo-das/dasim/simulators/store/sqlstore"
)

// A DAS restarted on its store (SQLite, as `dasim serve --data-dir`) keeps
// every registration and retrieval, and its timers fire at their original
// deadlines: the transit file made before the restart expires exactly one
// retention after it became available, not one retention after the restart.
func TestRestartKeepsStateAndOriginalDeadlines(t *testing.T) {
	b, err := sqlstore.OpenSQLite(t.Context(), filepath.Join(t.TempDir(), "dasim.db"))
	must(t, err)
	t.Cleanup(func() { _ = b.Close() })
	w := newWorld(t, worldOptions{backend: b})
	ee, fi := w.office("EE"), w.office("FI")
	d := doc{"patent", "EE P202300012", "2023-03-14", "AB21"}
	content := pdf("kept across a restart")
	ee.deposit(t, d, content)
	ack := fi.retrieve(t, d)
	w.das.WaitIdle()
	available := w.clock.Now()

	w.clock.Advance(time.Hour)
	w.restart()
	if !bytes.Equal(fi.download(t, ack), content) {
		t.Fatal("the document retrieved before the restart is not served after it")
	}
	ee.expectError(t, 409, "CONFLICT", []int{-22}, "POST", "/registrations", d.registration(""))
	second := fi.retrieve(t, d) // the registration serves new retrievals
	w.das.WaitIdle()
	if !bytes.Equal(fi.download(t, second), content) {
		t.Fatal("a retrieval made after the restart is not served")
	}

	// The first file's retention runs from before the restart.
	w.clock.Advance(DefaultTransitRetention - time.Hour - time.Second)
	if st := fi.status(t, ack); st.FileStatusCategory != fileAccepted {
		t.Fatalf("a second before its original deadline the file is %s", st.FileStatusCategory)
	}
	w.clock.Advance(time.Second)
	if st := fi.status(t, ack); st.FileStatusCategory != fileExpired {
		t.Fatalf("at its original deadline %s the file is %s, want EXPIRED", available.Add(DefaultTransitRetention), st.FileStatusCategory)
	}
	if st := fi.status(t, second); st.FileStatusCategory != fileAccepted {
		t.Fatalf("the file made after the restart expired with the first: %s", st.FileStatusCategory)
	}
}

// A retrieval recorded just before the DAS stopped, whose document was not
// yet prepared, is prepared by the DAS started next (its prepare timer was
// written with it).
func TestRestartFinishesAPendingRetrieval(t *testing.T) {
	b := store.NewMemory()
	w := newWorld(t, worldOptions{backend: b})
	ee, fi := w.office("EE"), w.office("FI")
	d := doc{"patent", "EE P202300013", "2023-03-14", "AB21"}
	content := pdf("prepared after the restart")
	ee.deposit(t, d, content)
	// The retrieval as the DAS records it, with its timer, but never run:
	// the process stopped between the commit and the work.
	rt := retrieval{AckID: "0c5b9f1e-7d0a-4b8e-9f00-000000000001", OSF: "FI", Kind: d.kind, Number: d.number, Date: d.date,
		AccessCode: d.code, Registration: docKey(d.kind, d.number), Source: fromLibrary, Status: statusPending, OFF: "EE",
		Message: "retrieval - recorded", CreatedAt: w.clock.Now()}
	must(t, b.DAS().Update(t.Context(), func(tx store.DASTx) error {
		if err := tx.PutRetrieval(&rt); err != nil {
			return err
		}
		return tx.PutTimer(store.Timer{ID: timerID(timerPrepare, rt.AckID), Kind: timerPrepare, Subject: rt.AckID, Due: w.clock.Now()})
	}))
	w.restart()
	w.das.WaitIdle()
	if !bytes.Equal(fi.download(t, rt.AckID), content) {
		t.Fatal("the pending retrieval was not completed by the restarted DAS")
	}
	if timers, _ := b.Timers().All(t.Context()); len(timers) != 1 || timers[0].Kind != timerExpire {
		t.Fatalf("timers after the retrieval completed: %+v, want only the transit file's retention", timers)
	}
}
