package harness

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"go.uber.org/goleak"

	"github.com/wipo-das/dasim/simulators/office"
)

// Starting and closing a full world leaves no goroutine behind: DAS, the
// authorization server, the object store, PCT DAS, an office of setup A (its
// remote JWKS cache) and one of setup B (its own authorization server), with
// a c.1 retrieval done in between (DAS's background work, notifications,
// retention timers), 20 times over.
func TestStartingAndClosingAWorldLeavesNoGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for i := range 20 {
		w, err := Start(t.Context(), Config{SigningKey: testSigningKey(t)})
		if err != nil {
			t.Fatal(err)
		}
		doc := office.Document{Number: "EE P2023000" + string(rune('1'+i%9)), FilingDate: "2023-03-14", AccessCode: "AB21",
			Content: PDF("leak", 4096), Hosting: office.Library}
		off, err := w.AddOffice(t.Context(), office.Config{Code: "EE", Documents: []office.Document{doc}})
		if err != nil {
			t.Fatal(err)
		}
		osf, err := w.AddOffice(t.Context(), office.Config{Code: "FI", Setup: office.SetupB})
		if err != nil {
			t.Fatal(err)
		}
		if err := off.RegisterAll(t.Context()); err != nil {
			t.Fatal(err)
		}
		ack, err := osf.RequestRetrieval(t.Context(), doc.Key())
		if err != nil {
			t.Fatal(err)
		}
		w.Settle()
		got, err := osf.Download(t.Context(), ack)
		if err != nil || !bytes.Equal(got, doc.Content) {
			t.Fatalf("world %d: c.1 download: %v", i, err)
		}
		if r, ok := osf.Received(ack); !ok || len(r.Notifications) != 1 {
			t.Fatalf("world %d: the setup-B OSF was not notified: %+v", i, r)
		}
		w.Close()
	}
}

// Start honours its context: cancelled, it starts nothing and says why.
func TestStartWithACancelledContextStartsNothing(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if w, err := Start(ctx, Config{SigningKey: testSigningKey(t)}); !errors.Is(err, context.Canceled) || w != nil {
		t.Fatalf("Start(cancelled) = %v, %v; want nil and context.Canceled", w, err)
	}
}
