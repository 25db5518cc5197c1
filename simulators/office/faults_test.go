package office_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/faults"
	"github.com/wipo-das/dasim/simulators/office"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// retrieveWithFault registers one EE document, switches rule on, has JP
// retrieve it, and lets the world run long enough for DAS's retries (6
// attempts over about 16 minutes by default).
func retrieveWithFault(t *testing.T, h office.Hosting, rule faults.Rule) (*world, *office.Office, *office.Office, string) {
	t.Helper()
	ctx := context.Background()
	w := newWorld(t)
	d := doc("EE P202300012", h, 3000)
	off := w.newOffice(office.Config{Code: "EE", Documents: []office.Document{d}})
	osf := w.newOffice(office.Config{Code: "JP"})
	must(t, off.RegisterAll(ctx))
	_, err := w.faults.Add(rule)
	must(t, err)
	ack, err := osf.RequestRetrieval(ctx, d.Key())
	must(t, err)
	for range 40 {
		w.run(time.Minute)
	}
	return w, off, osf, ack
}

func fired(t *testing.T, w *world, k faults.Kind) faults.Event {
	t.Helper()
	ev := w.faults.EventsOf(k)
	if len(ev) == 0 {
		t.Fatalf("no %s fired; events %v", k, w.faults.Events())
	}
	return ev[0]
}

func wantError(t *testing.T, osf *office.Office, ack string, code int) {
	t.Helper()
	r, _ := osf.Received(ack)
	if r.Status != "error" || len(r.Notifications) == 0 || r.Notifications[0].ErrorCode == nil || *r.Notifications[0].ErrorCode != code {
		t.Fatalf("OSF received %+v, want an error notification %d", r, code)
	}
}

func TestOfficeUnreachable(t *testing.T) {
	w, _, osf, ack := retrieveWithFault(t, office.Home,
		faults.Rule{Party: "office EE", Operation: "requestRetrieval", Kind: faults.Unreachable})
	wantError(t, osf, ack, protocol.DetailOFFUnreachable)
	if n := len(w.faults.EventsOf(faults.Unreachable)); n != 6 {
		t.Errorf("%d unreachable events, want one per DAS attempt (6)", n)
	}
}

func TestOfficeServerError(t *testing.T) {
	w, _, osf, ack := retrieveWithFault(t, office.Home,
		faults.Rule{Party: "office EE", Operation: "getFileDownloadUrl", Kind: faults.ServerError, Remaining: 2})
	if r, _ := osf.Received(ack); r.Status != "success" {
		t.Fatalf("OSF received %+v: DAS should succeed on its third attempt", r)
	}
	if ev := fired(t, w, faults.ServerError); ev.Detail != "answered 500" || len(w.faults.EventsOf(faults.ServerError)) != 2 {
		t.Errorf("events %v", w.faults.Events())
	}
}

func TestNotificationDropped(t *testing.T) {
	w, off, osf, ack := retrieveWithFault(t, office.Home,
		faults.Rule{Party: "office EE", Operation: "notify", Kind: faults.NotificationDropped, Remaining: 1})
	if r, _ := osf.Received(ack); r.Status != "pending" {
		t.Errorf("OSF received %+v, want nothing: the OFF's notification was dropped", r)
	}
	for _, f := range off.Forwarded() {
		if f.Notified != 0 || !f.Ready {
			t.Errorf("forwarded %+v: ready, never notified", f)
		}
	}
	fired(t, w, faults.NotificationDropped)
}

func TestNotificationDuplicated(t *testing.T) {
	w, off, osf, ack := retrieveWithFault(t, office.Home,
		faults.Rule{Party: "office EE", Operation: "notify", Kind: faults.NotificationDuplicated, Remaining: 1})
	if r, _ := osf.Received(ack); r.Status != "success" || len(r.Notifications) != 1 {
		t.Errorf("OSF received %+v: DAS must absorb the OFF's repeat", r)
	}
	for _, f := range off.Forwarded() {
		if f.Notified != 2 {
			t.Errorf("forwarded %+v, want 2 notifications accepted", f)
		}
	}
	fired(t, w, faults.NotificationDuplicated)
}

func TestNotificationDelayed(t *testing.T) {
	w, _, osf, ack := retrieveWithFault(t, office.Home,
		faults.Rule{Party: "office EE", Operation: "notify", Kind: faults.NotificationDelayed, Delay: faults.Duration(10 * time.Minute)})
	r, _ := osf.Received(ack)
	if r.Status != "success" || !r.Notifications[0].At.After(epoch.Add(10*time.Minute)) {
		t.Errorf("OSF received %+v, want success after the 10m delay", r)
	}
	fired(t, w, faults.NotificationDelayed)
}

func TestServedBytesAltered(t *testing.T) {
	w, _, osf, ack := retrieveWithFault(t, office.Home,
		faults.Rule{Party: "office EE", Operation: faults.OpDownloadFile, Kind: faults.WrongChecksum})
	wantError(t, osf, ack, protocol.DetailTransferFailed)
	fired(t, w, faults.WrongChecksum)
}

func TestTruncatedTransitUpload(t *testing.T) {
	w, off, osf, ack := retrieveWithFault(t, office.Transit,
		faults.Rule{Party: "office EE", Operation: faults.OpUploadFile, Kind: faults.TruncatedUpload})
	wantError(t, osf, ack, protocol.DetailOFFError) // the OFF reported its failure (-104) to DAS
	for _, f := range off.Forwarded() {
		if f.Failed == "" {
			t.Errorf("forwarded %+v, want failed", f)
		}
	}
	if ev := fired(t, w, faults.TruncatedUpload); ev.Party != "office EE" {
		t.Errorf("event %v", ev)
	}
}

func TestExpiredDownloadURL(t *testing.T) {
	w, _, osf, ack := retrieveWithFault(t, office.Home,
		faults.Rule{Party: "office EE", Operation: "getFileDownloadUrl", Kind: faults.ExpiredDownloadURL})
	wantError(t, osf, ack, protocol.DetailTransferFailed)
	fired(t, w, faults.ExpiredDownloadURL)
}

func TestWrongChecksumOnLibraryUpload(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	d := doc("EE P202300012", office.Library, 3000)
	off := w.newOffice(office.Config{Code: "EE", Documents: []office.Document{d}})
	_, err := w.faults.Add(faults.Rule{Party: "office EE", Operation: faults.OpUploadFile, Kind: faults.WrongChecksum, Remaining: 1})
	must(t, err)
	err = off.Register(ctx, d)
	var de *protocol.DASError
	if !errors.As(err, &de) || !de.HasDetail(protocol.DetailFileNotAccepted) {
		t.Fatalf("register: %v, want DAS's -31", err)
	}
	fired(t, w, faults.WrongChecksum)
	must(t, off.Register(ctx, d)) // the rule is used up
}
