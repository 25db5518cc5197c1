package office_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/office"
)

// TestFlowsBetweenTwoOffices runs c.1, c.2 and c.3 end to end: EE as OFF,
// JP as OSF, DAS between them, every party over real HTTP with real tokens.
func TestFlowsBetweenTwoOffices(t *testing.T) {
	for _, tt := range []struct {
		name    string
		hosting office.Hosting
		setup   office.AuthSetup
	}{
		{"c.1 library, setup A", office.Library, office.SetupA},
		{"c.2 home, setup A", office.Home, office.SetupA},
		{"c.2 home, setup B", office.Home, office.SetupB},
		{"c.3 transit, setup A", office.Transit, office.SetupA},
		{"c.3 transit, setup B", office.Transit, office.SetupB},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t)
			d := doc("EE P202300012", tt.hosting, 4000)
			off := w.newOffice(office.Config{Code: "EE", Setup: tt.setup, Documents: []office.Document{d}})
			osf := w.newOffice(office.Config{Code: "JP", Setup: tt.setup, DeleteAfterDownload: true})
			must(t, off.RegisterAll(ctx))

			ack, err := osf.RequestRetrieval(ctx, d.Key())
			must(t, err)
			w.run(0)
			w.run(office.DefaultPrepareDelay) // the OFF prepares and notifies DAS (c.2, c.3)
			w.run(0)

			got, ok := osf.Received(ack)
			if !ok || got.Status != "success" || len(got.Notifications) != 1 {
				st, _ := osf.Status(ctx, ack)
				t.Fatalf("OSF received %+v; DAS status %+v", got, st)
			}
			// Figure B: the OSF may poll instead of waiting for the notification.
			if st, err := osf.Status(ctx, ack); err != nil || st.RequestStatusCategory != "success" || st.DocumentAvailabilityDate == nil {
				t.Errorf("polled status %+v (%v), want success with documentAvailabilityDate", st, err)
			}
			body, err := osf.Download(ctx, ack)
			must(t, err)
			if !bytes.Equal(body, d.Content) {
				t.Fatalf("downloaded %d bytes, not the document", len(body))
			}
			if r, _ := osf.Received(ack); !r.Deleted || r.Downloads != 1 {
				t.Errorf("after download: %+v, want deleted after 1 download", r)
			}
			fw := off.Forwarded()
			if tt.hosting == office.Library && len(fw) != 0 {
				t.Errorf("library document forwarded to the OFF: %v", fw)
			}
			if tt.hosting != office.Library {
				if len(fw) != 1 {
					t.Fatalf("forwarded retrievals %v, want one", fw)
				}
				for _, f := range fw {
					if f.Notified != 1 || f.RequestedBy != "JP" || (tt.hosting == office.Transit) != (f.FileID != "") {
						t.Errorf("forwarded %+v", f)
					}
				}
			}
		})
	}
}

// TestAutomaticTransitAboveThreshold: "big-sized documents can be transmitted
// through the DAS transit zone" — a document naming no hosting goes c.3 above
// Config.TransitThreshold.
func TestAutomaticTransitAboveThreshold(t *testing.T) {
	w := newWorld(t)
	small, big := doc("EE P1", "", 1000), doc("EE P2", "", 3000)
	off := w.newOffice(office.Config{Code: "EE", TransitThreshold: 2000, DefaultHosting: office.Home,
		Documents: []office.Document{small, big}})
	for _, c := range []struct {
		d    office.Document
		want office.Hosting
	}{{small, office.Home}, {big, office.Transit}} {
		if r, _ := off.Registration("patent", c.d.Number); r.Hosting != c.want {
			t.Errorf("%s: hosting %s, want %s", c.d.Number, r.Hosting, c.want)
		}
	}
}

// TestCorrections: "PUT registrations with new filing date" and "replacement
// of content (new upload + PUT registrations)".
func TestCorrections(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	d := doc("EE P202300012", office.Library, 2000)
	off := w.newOffice(office.Config{Code: "EE", Documents: []office.Document{d}})
	osf := w.newOffice(office.Config{Code: "JP"})
	must(t, off.RegisterAll(ctx))
	first, _ := off.Registration("patent", d.Number)

	newContent := pdf("corrected", 2500)
	must(t, off.Correct(ctx, "patent", d.Number, office.Correction{FilingDate: "2023-03-15", Content: newContent}))
	r, _ := off.Registration("patent", d.Number)
	if r.FileID == first.FileID || r.Document.FilingDate != "2023-03-15" {
		t.Fatalf("after correction %+v", r)
	}
	if _, err := osf.RequestRetrieval(ctx, d.Key()); err == nil {
		t.Error("retrieval with the old filing date accepted")
	}
	key := r.Document.Key()
	ack, err := osf.RequestRetrieval(ctx, key)
	must(t, err)
	w.run(time.Second)
	body, err := osf.Download(ctx, ack)
	must(t, err)
	if !bytes.Equal(body, newContent) {
		t.Error("downloaded the old content")
	}

	must(t, off.Withdraw(ctx, "patent", d.Number))
	if _, err := osf.RequestRetrieval(ctx, key); err == nil {
		t.Error("retrieval of a withdrawn document accepted")
	}
}

// TestPCTFromRO_IB: "any priority documents that are based on RO/IB PCT
// applications will be accessed in transit only" — DAS fetches them from PCT
// DAS on the OSF's request; a wrong access code ends the retrieval with -14.
func TestPCTFromRO_IB(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	osf := w.newOffice(office.Config{Code: "JP"})
	d := w.pct.Documents()[0]
	ack, err := osf.RequestRetrieval(ctx, d.Key())
	must(t, err)
	w.run(0)
	if r, _ := osf.Received(ack); r.Status != "success" {
		t.Fatalf("OSF received %+v", r)
	}
	body, err := osf.Download(ctx, ack)
	must(t, err)
	if !bytes.Equal(body, d.Content) {
		t.Error("not the PCT document")
	}

	bad := d.Key()
	bad.AccessCode = "0000"
	if bad.AccessCode == d.AccessCode {
		bad.AccessCode = "0001"
	}
	ack, err = osf.RequestRetrieval(ctx, bad)
	must(t, err)
	w.run(0)
	r, _ := osf.Received(ack)
	if r.Status != "error" || *r.Notifications[0].ErrorCode != -14 {
		t.Errorf("wrong access code: OSF received %+v, want error -14", r)
	}
}
