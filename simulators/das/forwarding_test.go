package das

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// Flow c.2: the OFF keeps the document at home; DAS forwards the retrieval,
// the OFF notifies DAS with its own ack id, DAS fetches through the OFF's
// files/url-downloads, puts the file in transit and notifies the OSF.
func TestFlowC2OfficeHosted(t *testing.T) {
	w := newWorld(t, worldOptions{offices: []string{"JP", "FI"}})
	jp, fi := w.office("JP"), w.office("FI")
	d := doc{"patent", "JP 2023-045678", "2023-04-02", "BEEF"}
	content := pdf("JP 2023-045678")
	jp.expect(t, 201, "POST", "/registrations", d.registration(""), nil)
	w.sims["JP"].docs[d.number] = content

	ack := fi.retrieve(t, d)
	w.das.WaitIdle()
	offAck := w.sims["JP"].lastOffAck(t)
	if fwd := w.sims["JP"].forwarded[0]; fwd.RequestingOfficeCode != "FI" || fwd.DasAccessCode != "BEEF" {
		t.Fatalf("forwarded request %+v", fwd)
	}
	if offAck == ack {
		t.Fatal("two ack ids per retrieval: the OFF's must differ from DAS's")
	}
	if st := fi.status(t, ack); st.RequestStatusCategory != statusPending {
		t.Fatalf("before the OFF notifies: %+v", st)
	}
	// The OFF notifies DAS by its own ack id, at least once: a repeat is accepted.
	note := map[string]any{"requestAckId": offAck, "requestStatusCategory": "success", "documentAvailabilityDate": "2026-01-05T09:00:00Z"}
	jp.expect(t, 204, "POST", "/notifications", note, nil)
	jp.expect(t, 204, "POST", "/notifications", note, nil)
	w.das.WaitIdle()
	if st := fi.status(t, ack); st.RequestStatusCategory != statusSuccess {
		t.Fatalf("after the OFF notified: %+v", st)
	}
	if !bytes.Equal(fi.download(t, ack), content) {
		t.Fatal("c.2 bytes differ")
	}
	if notes := w.sims["FI"].received(); len(notes) != 1 || notes[0].RequestAckID != ack {
		t.Fatalf("OSF notifications %+v", notes)
	}
	// The OSF's ack id is not the OFF's: the OFF cannot use DAS's id and vice versa.
	jp.expectError(t, 404, "NOT_FOUND", []int{-32}, "GET", "/retrievals/statuses?requestAckId="+ack, nil)
	fi.expectError(t, 404, "NOT_FOUND", []int{-32}, "POST", "/notifications", map[string]any{"requestAckId": offAck, "requestStatusCategory": "success", "documentAvailabilityDate": "2026-01-05T09:00:00Z"})
	assertLibraryEmpty(t, w)
}

// Flow c.3: the OFF uploads through DAS's transit zone, sets the file id on
// the retrieval by its own ack id, then notifies.
func TestFlowC3OfficeThroughTransit(t *testing.T) {
	w := newWorld(t, worldOptions{offices: []string{"US"}})
	us, fi := w.office("US"), w.office("FI")
	d := doc{"patent", "US 18/123,456", "2023-05-06", "CAFE"}
	big := append(pdf("big"), bytes.Repeat([]byte("0123456789"), 100_000)...)
	us.expect(t, 201, "POST", "/registrations", d.registration(""), nil)

	ack := fi.retrieve(t, d)
	w.das.WaitIdle()
	offAck := w.sims["US"].lastOffAck(t)
	// A file not accepted cannot be set.
	bad := us.upload(t, "pdf", big, sha([]byte("x")))
	us.expectError(t, 409, "CONFLICT", []int{-31}, "PUT", "/retrievals", map[string]any{"requestAckId": offAck, "fileId": bad})
	fileID := us.upload(t, "pdf", big, sha(big))
	var st protocol.RetrievalStatus
	us.expect(t, 200, "PUT", "/retrievals", map[string]any{"requestAckId": offAck, "fileId": fileID}, &st)
	if st.RequestAckID != offAck || deref(st.FileID) != fileID {
		t.Fatalf("PUT retrievals answer %+v", st)
	}
	us.expect(t, 204, "POST", "/notifications", map[string]any{"requestAckId": offAck, "requestStatusCategory": "success", "documentAvailabilityDate": "2026-01-05T09:00:00Z"}, nil)
	w.das.WaitIdle()
	if !bytes.Equal(fi.download(t, ack), big) {
		t.Fatal("c.3 bytes differ")
	}
	if uploads, _ := w.storage.List(t.Context(), w.storage.Transit(), "uploads/US/"+fileID); len(uploads) != 0 {
		t.Errorf("the OFF's upload should be handed over, found %+v", uploads)
	}
	// Once complete, the retrieval's file can no longer change.
	again := us.upload(t, "pdf", big, sha(big))
	us.expect(t, 409, "PUT", "/retrievals", map[string]any{"requestAckId": offAck, "fileId": again}, nil)
	assertLibraryEmpty(t, w)
}

// The OFF reports an error; the OSF sees status error with errorCode -102.
func TestForwardedRetrievalOfficeError(t *testing.T) {
	w := newWorld(t, worldOptions{offices: []string{"KR", "FI"}})
	kr, fi := w.office("KR"), w.office("FI")
	d := doc{"patent", "KR 10-2023-0001", "2023-01-01", "1234"}
	kr.expect(t, 201, "POST", "/registrations", d.registration(""), nil)
	ack := fi.retrieve(t, d)
	w.das.WaitIdle()
	kr.expect(t, 204, "POST", "/notifications", map[string]any{"requestAckId": w.sims["KR"].lastOffAck(t), "requestStatusCategory": "error", "errorCode": -7, "statusMessage": "document withdrawn at home"}, nil)
	w.das.WaitIdle()
	st := fi.status(t, ack)
	if st.RequestStatusCategory != statusError || st.ErrorCode == nil || *st.ErrorCode != protocol.DetailOFFError || !strings.Contains(deref(st.StatusMessage), "withdrawn at home") {
		t.Fatalf("status %+v", st)
	}
	notes := w.sims["FI"].received()
	if len(notes) != 1 || notes[0].RequestStatusCategory != statusError {
		t.Fatalf("OSF notified %+v", notes)
	}
	fi.expectError(t, 409, "CONFLICT", []int{-42}, "GET", "/files/url-downloads?requestAckId="+ack, nil)
}

// Notifications are retried with backoff on the virtual clock while the OSF
// answers 5xx, and every attempt is visible.
func TestNotificationRetriedWithBackoff(t *testing.T) {
	w := newWorld(t, worldOptions{offices: []string{"FI"}})
	ee, fi := w.office("EE"), w.office("FI")
	d := doc{"patent", "EE 9", "2023-03-14", "AB21"}
	ee.deposit(t, d, pdf("9"))
	w.sims["FI"].failNotify = 2
	ack := fi.retrieve(t, d)
	w.das.WaitIdle()
	if n := len(w.das.Deliveries(ack)); n != 1 {
		t.Fatalf("attempts before any advance: %d", n)
	}
	w.clock.Advance(30*time.Second - time.Millisecond)
	if n := len(w.das.Deliveries(ack)); n != 1 {
		t.Fatalf("retried before the backoff: %d attempts", n)
	}
	w.clock.Advance(time.Millisecond) // attempt 2 at +30s fails, attempt 3 due at +90s
	w.clock.Advance(time.Minute)
	got := w.das.Deliveries(ack)
	if len(got) != 3 || got[0].Status != 500 || got[1].Status != 500 || got[2].Error != "" || !got[2].Final {
		t.Fatalf("attempts %+v", got)
	}
	if gap := got[2].At.Sub(got[1].At); gap != time.Minute {
		t.Errorf("second backoff %v, want 1m (doubling)", gap)
	}
	if notes := w.sims["FI"].received(); len(notes) != 1 || notes[0].RequestAckID != ack {
		t.Fatalf("delivered %+v", notes)
	}
}

// When every attempt fails, the retrieval still tells the truth in statuses.
func TestNotificationRetriesExhausted(t *testing.T) {
	w := newWorld(t, worldOptions{offices: []string{"FI"}, config: func(c *Config) {
		c.Retry = RetryPolicy{MaxAttempts: 3, FirstDelay: time.Second, Factor: 2, MaxDelay: time.Minute}
	}})
	ee, fi := w.office("EE"), w.office("FI")
	d := doc{"patent", "EE 10", "2023-03-14", "AB21"}
	ee.deposit(t, d, pdf("10"))
	w.sims["FI"].failNotify = 100
	ack := fi.retrieve(t, d)
	w.das.WaitIdle()
	w.clock.Advance(time.Hour)
	got := w.das.Deliveries(ack)
	if len(got) != 3 || !got[2].Final || got[2].Status != 500 {
		t.Fatalf("attempts %+v", got)
	}
	st := fi.status(t, ack)
	if st.RequestStatusCategory != statusSuccess || !strings.Contains(deref(st.StatusMessage), "failed after 3 attempt(s)") {
		t.Fatalf("status %+v", st)
	}
	_ = fi.download(t, ack)
}

// An OFF that is down: the forward is retried, then the retrieval ends -101.
func TestForwardToUnreachableOffice(t *testing.T) {
	w := newWorld(t, worldOptions{config: func(c *Config) {
		c.Retry = RetryPolicy{MaxAttempts: 2, FirstDelay: time.Second, Factor: 2, MaxDelay: time.Second}
	}})
	w.offices["CN"] = OfficeEndpoint{BaseURL: "http://127.0.0.1:1/das/v1/requests", Tokens: TokenFunc(w.dasToken)}
	cn, fi := w.office("CN"), w.office("FI")
	d := doc{"patent", "CN 202310000001.X", "2023-01-01", "1234"}
	cn.expect(t, 201, "POST", "/registrations", d.registration(""), nil)
	ack := fi.retrieve(t, d)
	w.das.WaitIdle()
	w.clock.Advance(time.Second)
	st := fi.status(t, ack)
	if st.RequestStatusCategory != statusError || *st.ErrorCode != protocol.DetailOFFUnreachable {
		t.Fatalf("status %+v", st)
	}
	if got := w.das.Deliveries(ack); len(got) != 2 || got[0].Call != "forward retrieval" {
		t.Fatalf("attempts %+v", got)
	}
}

// pctDAS is a PCT DAS that keeps RO/IB documents in memory.
type pctDASSource struct {
	docs map[string][]byte
	code string
}

func (p pctDASSource) Fetch(ctx context.Context, number, date, code string) (io.ReadCloser, int64, string, error) {
	b, ok := p.docs[number]
	if !ok {
		return nil, 0, "", invalidInput(protocol.DetailNotRegistered, "The requested document is not registered in the system: documentNumber=%s", number)
	}
	if code != p.code {
		return nil, 0, "", invalidInput(protocol.DetailAccessCodeMismatch, "Mismatched access code")
	}
	return io.NopCloser(bytes.NewReader(b)), int64(len(b)), sha(b), nil
}

// PCT RO/IB: fetched from PCT DAS into transit, never into the library.
func TestPCTROIBThroughTransit(t *testing.T) {
	content := pdf("PCT/IB2021/057271")
	w := newWorld(t, worldOptions{pct: pctDASSource{docs: map[string][]byte{"PCT/IB2021/057271": content}, code: "AB21"}})
	fi := w.office("FI")
	ack := fi.retrieve(t, doc{"patent", "PCT/IB2021/057271", "2021-09-06", "AB21"})
	bad := fi.retrieve(t, doc{"patent", "PCT/IB2021/057271", "2021-09-06", "0000"})
	w.das.WaitIdle()
	if !bytes.Equal(fi.download(t, ack), content) {
		t.Fatal("PCT bytes differ")
	}
	if st := fi.status(t, bad); st.RequestStatusCategory != statusError || *st.ErrorCode != protocol.DetailAccessCodeMismatch {
		t.Fatalf("PCT refusal %+v", st)
	}
	assertLibraryEmpty(t, w)
	fi.expect(t, 204, "DELETE", "/files?requestAckId="+ack, nil, nil)
}

// Without PCT DAS connected, RO/IB retrievals end -103, not silently pending.
func TestPCTUnavailable(t *testing.T) {
	w := newWorld(t, worldOptions{pct: failingPCT{}})
	fi := w.office("FI")
	ack := fi.retrieve(t, doc{"patent", "PCT/IB2021/057271", "2021-09-06", "AB21"})
	w.das.WaitIdle()
	if st := fi.status(t, ack); *st.ErrorCode != protocol.DetailPCTUnreachable {
		t.Fatalf("status %+v", st)
	}
}

type failingPCT struct{}

func (failingPCT) Fetch(context.Context, string, string, string) (io.ReadCloser, int64, string, error) {
	return nil, 0, "", errors.New("connection refused")
}

var _ = http.MethodGet
