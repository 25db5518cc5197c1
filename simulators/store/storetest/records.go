package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/store"
)

func testRoundTrip(t *testing.T, b store.Backend) {
	ctx := t.Context()
	ref := "EE-1-priority.pdf"
	f := store.File{ID: "f1", Office: "EE", Role: store.RoleUpload, Key: "uploads/EE/f1", Reference: &ref, Format: "pdf",
		Checksum: "ab", Size: 42, HasSize: true, Status: "ACCEPTED", Message: "ok", Generation: 2,
		URLExpires: epoch.Add(time.Minute), CreatedAt: epoch, ExpiresAt: epoch.Add(time.Hour), UsedBy: "registration x"}
	reg := store.Registration{Key: "patent|EEP1", AckID: "a1", Office: "EE", Kind: "patent", Number: "EE P1", Date: "2023-03-14",
		AccessCode: "AB21", AppNumber: &ref, Hosting: store.HostedLibrary, LibraryKey: "library/EE/f1", Format: "pdf",
		Checksum: "ab", Size: 42, RegisteredAt: epoch}
	rt := sampleRetrieval("r1", "FI")
	must(t, b.DAS().Update(ctx, func(tx store.DASTx) error {
		if err := tx.PutFile(f); err != nil {
			return err
		}
		if err := tx.PutRegistration(reg); err != nil {
			return err
		}
		return tx.PutRetrieval(&rt)
	}))
	if rt.Seq == 0 {
		t.Fatal("PutRetrieval gave a new retrieval no Seq")
	}
	must(t, b.DAS().View(ctx, func(tx store.DASTx) error {
		gf, ok, err := tx.File("f1")
		if err != nil || !ok || gf.Reference == nil || *gf.Reference != ref || !gf.URLExpires.Equal(f.URLExpires) ||
			gf.Size != 42 || gf.Generation != 2 || gf.UsedBy != f.UsedBy || gf.Role != store.RoleUpload {
			return fmt.Errorf("file: got %+v, %v, %v; want %+v", gf, ok, err, f)
		}
		gr, ok, err := tx.Registration(reg.Key)
		if err != nil || !ok || gr.AckID != "a1" || gr.AppNumber == nil || gr.AppDate != nil || !gr.RegisteredAt.Equal(epoch) {
			return fmt.Errorf("registration: got %+v, %v, %v", gr, ok, err)
		}
		grt, ok, err := tx.Retrieval("r1")
		if err != nil || !ok || grt.Seq != rt.Seq || grt.Registration != rt.Registration || grt.Status != "pending" {
			return fmt.Errorf("retrieval: got %+v, %v, %v", grt, ok, err)
		}
		if _, ok, err := tx.File("nope"); ok || err != nil {
			return fmt.Errorf("missing file: %v, %v", ok, err)
		}
		return nil
	}))
	// A rewrite keeps the Seq.
	rt.Status, rt.Message = "success", "document available"
	seq := rt.Seq
	must(t, b.DAS().Update(ctx, func(tx store.DASTx) error { return tx.PutRetrieval(&rt) }))
	if rt.Seq != seq {
		t.Fatalf("a rewritten retrieval's Seq moved from %d to %d", seq, rt.Seq)
	}
}

func testRollback(t *testing.T, b store.Backend) {
	ctx := t.Context()
	boom := errors.New("boom")
	err := b.DAS().Update(ctx, func(tx store.DASTx) error {
		rt := sampleRetrieval("r1", "FI")
		if err := tx.PutRetrieval(&rt); err != nil {
			return err
		}
		if err := tx.PutTimer(store.Timer{ID: "t1", Kind: "expire", Due: epoch}); err != nil {
			return err
		}
		// Inside the transaction its own writes are visible.
		if _, ok, err := tx.Retrieval("r1"); !ok || err != nil {
			return fmt.Errorf("own write not visible: %v %v", ok, err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v, want the function's error", err)
	}
	must(t, b.DAS().View(ctx, func(tx store.DASTx) error {
		if _, ok, _ := tx.Retrieval("r1"); ok {
			return errors.New("a failed Update kept its retrieval")
		}
		open, err := tx.OpenRetrievals("FI")
		if err != nil || len(open) != 0 {
			return fmt.Errorf("a failed Update left open retrievals %v (%v)", open, err)
		}
		return nil
	}))
	timers, err := b.Timers().All(ctx)
	must(t, err)
	if len(timers) != 0 {
		t.Fatalf("a failed Update kept timers %v", timers)
	}
}

func testViewReadOnly(t *testing.T, b store.Backend) {
	err := b.DAS().View(t.Context(), func(tx store.DASTx) error { return tx.PutFile(store.File{ID: "f"}) })
	if !errors.Is(err, store.ErrReadOnly) {
		t.Fatalf("a write in View returned %v, want store.ErrReadOnly", err)
	}
}

func testOpenRetrievals(t *testing.T, b store.Backend) {
	ctx := t.Context()
	must(t, b.DAS().Update(ctx, func(tx store.DASTx) error {
		for _, r := range []store.Retrieval{sampleRetrieval("r1", "FI"), sampleRetrieval("r2", "FI"), sampleRetrieval("r3", "SE"),
			sampleRetrieval("r4", "FI")} {
			if err := tx.PutRetrieval(&r); err != nil {
				return err
			}
		}
		return nil
	}))
	acks := func(osf string) []string {
		var out []string
		must(t, b.DAS().View(ctx, func(tx store.DASTx) error {
			open, err := tx.OpenRetrievals(osf)
			for _, r := range open {
				out = append(out, r.AckID)
			}
			return err
		}))
		return out
	}
	if got := fmt.Sprint(acks("FI")); got != "[r1 r2 r4]" {
		t.Fatalf("FI's open retrievals %s, want [r1 r2 r4] in the order they were made", got)
	}
	// r2 completes: still open until listed; then closed.
	update := func(ack string, change func(*store.Retrieval)) {
		must(t, b.DAS().Update(ctx, func(tx store.DASTx) error {
			r, ok, err := tx.Retrieval(ack)
			if err != nil || !ok {
				return fmt.Errorf("retrieval %s: %v %v", ack, ok, err)
			}
			change(&r)
			return tx.PutRetrieval(&r)
		}))
	}
	update("r2", func(r *store.Retrieval) { r.Status = "success" })
	if got := fmt.Sprint(acks("FI")); got != "[r1 r2 r4]" {
		t.Fatalf("after r2 completed: %s, want [r1 r2 r4]", got)
	}
	update("r2", func(r *store.Retrieval) { r.Listed = true })
	if got := fmt.Sprint(acks("FI")); got != "[r1 r4]" {
		t.Fatalf("after r2 was listed: %s, want [r1 r4]", got)
	}
	if got := fmt.Sprint(acks("SE")); got != "[r3]" {
		t.Fatalf("SE's open retrievals %s, want [r3]", got)
	}
	if got := acks("LV"); len(got) != 0 {
		t.Fatalf("LV has no retrieval, got %v", got)
	}
}

func testByOFFAck(t *testing.T, b store.Backend) {
	ctx := t.Context()
	r := sampleRetrieval("r1", "FI")
	r.Source, r.OFF = store.FromOffice, "JP"
	must(t, b.DAS().Update(ctx, func(tx store.DASTx) error { return tx.PutRetrieval(&r) }))
	must(t, b.DAS().Update(ctx, func(tx store.DASTx) error {
		r.OFFAckID = "OFF-JP-000001"
		return tx.PutRetrieval(&r)
	}))
	must(t, b.DAS().View(ctx, func(tx store.DASTx) error {
		got, ok, err := tx.RetrievalByOFFAck("JP", "OFF-JP-000001")
		if err != nil || !ok || got.AckID != "r1" {
			return fmt.Errorf("by OFF ack: %+v %v %v", got, ok, err)
		}
		if _, ok, _ := tx.RetrievalByOFFAck("US", "OFF-JP-000001"); ok {
			return errors.New("another office's ack id found the retrieval")
		}
		return nil
	}))
}

func testAttempts(t *testing.T, b store.Backend) {
	ctx := t.Context()
	for n := 1; n <= 3; n++ {
		must(t, b.DAS().Update(ctx, func(tx store.DASTx) error {
			return tx.AppendAttempt("r1", store.Attempt{Call: "notify", Office: "FI", Number: n, At: epoch.Add(time.Duration(n) * time.Minute),
				Status: 503, Error: "down", Final: n == 3})
		}))
	}
	must(t, b.DAS().View(ctx, func(tx store.DASTx) error {
		as, err := tx.Attempts("r1")
		if err != nil || len(as) != 3 || as[0].Number != 1 || as[2].Number != 3 || !as[2].Final || as[1].Status != 503 ||
			!as[1].At.Equal(epoch.Add(2*time.Minute)) {
			return fmt.Errorf("attempts %+v (%v)", as, err)
		}
		if other, _ := tx.Attempts("r2"); len(other) != 0 {
			return fmt.Errorf("r2 has attempts %+v", other)
		}
		return nil
	}))
}

func testOfficeUploads(t *testing.T, b store.Backend) {
	ctx := t.Context()
	files := []store.File{
		{ID: "held", Office: "EE", Role: store.RoleUpload, Status: "ACCEPTED", Size: 10, HasSize: true},
		{ID: "open", Office: "EE", Role: store.RoleUpload, Status: "processing"},
		{ID: "used", Office: "EE", Role: store.RoleUpload, Status: "ACCEPTED", UsedBy: "registration x"},
		{ID: "rejected", Office: "EE", Role: store.RoleUpload, Status: "REJECTED"},
		{ID: "delivery", Office: "EE", Role: store.RoleDelivery, Status: "ACCEPTED"},
		{ID: "other", Office: "FI", Role: store.RoleUpload, Status: "ACCEPTED"},
	}
	must(t, b.DAS().Update(ctx, func(tx store.DASTx) error {
		for _, f := range files {
			if err := tx.PutFile(f); err != nil {
				return err
			}
		}
		return nil
	}))
	holding := func() string {
		var ids []string
		must(t, b.DAS().View(ctx, func(tx store.DASTx) error {
			fs, err := tx.OfficeUploads("EE")
			for _, f := range fs {
				ids = append(ids, f.ID)
			}
			return err
		}))
		slices.Sort(ids)
		return fmt.Sprint(ids)
	}
	if got := holding(); got != "[held open]" {
		t.Fatalf("EE's uploads holding transit space: %s, want [held open]", got)
	}
	files[0].UsedBy = "registration y"
	must(t, b.DAS().Update(ctx, func(tx store.DASTx) error { return tx.PutFile(files[0]) }))
	if got := holding(); got != "[open]" {
		t.Fatalf("after held was used: %s, want [open]", got)
	}
}
