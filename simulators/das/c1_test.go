package das

import (
	"bytes"
	"testing"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// Flow c.1 end to end: OFF uploads and registers, OSF retrieves, is notified,
// downloads the same bytes, deletes.
func TestFlowC1LibraryHosted(t *testing.T) {
	w := newWorld(t, worldOptions{offices: []string{"FI"}})
	ee, fi := w.office("EE"), w.office("FI")
	d := doc{"patent", "EE P202300012", "2023-03-14", "AB21"}
	content := pdf("EE P202300012")

	id := ee.upload(t, "pdf", content, sha(content))
	var fs protocol.FileStatus
	ee.expect(t, 200, "GET", "/files?fileId="+id, nil, &fs)
	if fs.FileStatusCategory != fileAccepted || fs.FileSizeQuantity == nil || *fs.FileSizeQuantity != int64(len(content)) {
		t.Fatalf("file status %+v, want ACCEPTED with size %d", fs, len(content))
	}
	var ack protocol.RegistrationAck
	ee.expect(t, 201, "POST", "/registrations", d.registration(id), &ack)
	if deref(ack.StatusMessage) != "registration - recorded" {
		t.Errorf("statusMessage %q", deref(ack.StatusMessage))
	}
	lib, err := w.storage.List(t.Context(), w.storage.Library(), "")
	must(t, err)
	if len(lib) != 1 {
		t.Fatalf("library holds %d objects, want the registered document", len(lib))
	}
	transit, err := w.storage.List(t.Context(), w.storage.Transit(), "uploads/")
	must(t, err)
	if len(transit) != 0 {
		t.Fatalf("the upload should leave transit once registered, found %v", transit)
	}

	retrievalAck := fi.retrieve(t, d)
	w.das.WaitIdle()
	st := fi.status(t, retrievalAck)
	if st.RequestStatusCategory != statusSuccess || st.DocumentAvailabilityDate == nil || st.FileID == nil {
		t.Fatalf("status %+v, want success with availability date and file", st)
	}
	notes := w.sims["FI"].received()
	if len(notes) != 1 || notes[0].RequestAckID != retrievalAck || notes[0].RequestStatusCategory != statusSuccess {
		t.Fatalf("OSF notifications %+v", notes)
	}
	if got := fi.download(t, retrievalAck); !bytes.Equal(got, content) {
		t.Fatal("downloaded bytes differ from the uploaded document")
	}
	// "Downloads can be repeated while the requested document is not deleted".
	_ = fi.download(t, retrievalAck)
	var byBody protocol.URLDownloadResponse
	fi.expect(t, 200, "POST", "/files/url-downloads", map[string]any{"documentKindCategory": d.kind, "documentNumber": d.number, "documentDate": d.date, "osfAckId": retrievalAck}, &byBody)

	fi.expect(t, 204, "DELETE", "/files?requestAckId="+retrievalAck, nil, nil)
	fi.expect(t, 200, "GET", "/files?fileId="+*st.FileID, nil, &fs)
	if fs.FileStatusCategory != fileDeleted {
		t.Fatalf("after DELETE: %s", fs.FileStatusCategory)
	}
	e := fi.expectError(t, 410, "GONE", []int{-41}, "GET", "/files/url-downloads?requestAckId="+retrievalAck, nil)
	if !contains([]byte(e.Details[0].Message), "deleted by office FI") {
		t.Errorf("-41 message %q does not say who deleted it", e.Details[0].Message)
	}
	fi.expectError(t, 410, "GONE", []int{-41}, "DELETE", "/files?fileId="+*st.FileID, nil)
	if got := fi.status(t, retrievalAck); got.FileStatusCategory != fileDeleted {
		t.Errorf("status after delete: %+v", got)
	}
}

// Statuses without ack id: pending ones, plus those completed since the
// caller last listed them (WIPO: "retrievals in process or newly completed").
func TestStatusesListNewlyCompletedOnce(t *testing.T) {
	w := newWorld(t, worldOptions{})
	ee, fi := w.office("EE"), w.office("FI")
	d := doc{"patent", "EE 1001", "2023-01-02", "0A1B"}
	ee.deposit(t, d, pdf("1001"))
	ack := fi.retrieve(t, d)
	w.das.WaitIdle()
	var bag protocol.StatusBag
	fi.expect(t, 200, "GET", "/retrievals/statuses", nil, &bag)
	if len(bag.Bag) != 1 || bag.Bag[0].RequestAckID != ack {
		t.Fatalf("first list %+v", bag)
	}
	fi.expect(t, 200, "GET", "/retrievals/statuses", nil, &bag)
	if len(bag.Bag) != 0 {
		t.Fatalf("second list should be empty, got %+v", bag)
	}
	ee.expect(t, 200, "GET", "/retrievals/statuses", nil, &bag)
	if len(bag.Bag) != 0 {
		t.Fatalf("another office sees %+v", bag)
	}
}

// Both base paths are served (das.yaml servers.basePath).
func TestBothBasePaths(t *testing.T) {
	w := newWorld(t, worldOptions{})
	ee := w.office("EE")
	ee.base = w.api.URL + "/das-api/v1/requests"
	ee.deposit(t, doc{"design", "EE D1", "2024-02-03", "FFFF"}, pdf("d1"))
}
