package das

import (
	"context"
	"github.com/wipo-das/dasim/simulators/protocol"
	"strings"
	"testing"
	"time"
)

func (w *world) inTransit(office, fileID string) bool {
	_, err := w.storage.Head(context.Background(), w.storage.Transit(), uploadKey(office, fileID))
	return err == nil
}

// Issue 15: an office could ask any number of upload URLs of up to 1 GiB.
func TestOpenUploadURLsAreBoundedPerOffice(t *testing.T) {
	w := newWorld(t, worldOptions{eager: true, config: func(c *Config) { c.MaxOpenUploadURLs = 2 }})
	ee, lv := w.office("EE"), w.office("LV")
	body := map[string]any{"fileFormatCategory": "pdf", "fileChecksum": sha(pdf("q"))}
	var first protocol.URLUploadResponse
	ee.expect(t, 201, "POST", "/files/url-uploads", body, &first)
	ee.expect(t, 201, "POST", "/files/url-uploads", body, nil)
	e := ee.expectError(t, 409, "CONFLICT", []int{-33}, "POST", "/files/url-uploads", body)
	if !strings.Contains(e.Details[0].Message, "2 open upload URLs") {
		t.Errorf("refusal does not say why: %s", e.Details[0].Message)
	}
	lv.expect(t, 201, "POST", "/files/url-uploads", body, nil) // per office
	putBytes(t, first.FileUploadURL, pdf("q"))
	w.das.WaitIdle()
	ee.expect(t, 201, "POST", "/files/url-uploads", body, nil) // an uploaded URL is no longer open
	ee.expectError(t, 409, "CONFLICT", []int{-33}, "POST", "/files/url-uploads", body)
	w.clock.Advance(DefaultUploadURLTTL + time.Second)
	ee.expect(t, 201, "POST", "/files/url-uploads", body, nil) // expired URLs are not open
}

func TestBytesInTransitAreBoundedAndRejectedBytesFreed(t *testing.T) {
	a, b := string(pdf("a"))+strings.Repeat("a", 300), string(pdf("b"))+strings.Repeat("b", 300)
	// Room for A alone: B does not fit beside it, and A fills the quota.
	w := newWorld(t, worldOptions{eager: true, config: func(c *Config) { c.MaxTransitBytes = int64(len(a)) }})
	ee := w.office("EE")
	// Both URLs first: once A is checked, its bytes fill the quota.
	var upA, upB protocol.URLUploadResponse
	ee.expect(t, 201, "POST", "/files/url-uploads", map[string]any{"fileFormatCategory": "pdf", "fileChecksum": sha([]byte(a))}, &upA)
	ee.expect(t, 201, "POST", "/files/url-uploads", map[string]any{"fileFormatCategory": "pdf", "fileChecksum": sha([]byte(b))}, &upB)
	idA, idB := upA.FileID, upB.FileID
	putBytes(t, upA.FileUploadURL, []byte(a))
	w.das.WaitIdle()
	putBytes(t, upB.FileUploadURL, []byte(b))
	w.das.WaitIdle()
	var st protocol.FileStatus
	ee.expect(t, 200, "GET", "/files?fileId="+idB, nil, &st)
	if st.FileStatusCategory != fileRejected || !strings.Contains(*st.StatusMessage, "transit quota") {
		t.Fatalf("upload past the quota: %s %s", st.FileStatusCategory, *st.StatusMessage)
	}
	if w.inTransit("EE", idB) || !w.inTransit("EE", idA) {
		t.Fatalf("rejected bytes kept %v, accepted bytes kept %v", w.inTransit("EE", idB), w.inTransit("EE", idA))
	}
	ee.expectError(t, 409, "CONFLICT", []int{-33}, "POST", "/files/url-uploads", map[string]any{"fileFormatCategory": "pdf", "fileChecksum": sha(nil)})
	// Registering A uses its bytes: the office's transit space is free again.
	ee.expect(t, 201, "POST", "/registrations", doc{"patent", "EE P1", "2023-01-01", "1234"}.registration(idA), nil)
	ee.expect(t, 201, "POST", "/files/url-uploads", map[string]any{"fileFormatCategory": "pdf", "fileChecksum": sha(nil)}, nil)
}

// A rejected upload's bytes are removed at once, not at retention.
func TestRejectedUploadIsFreed(t *testing.T) {
	w := newWorld(t, worldOptions{eager: true})
	ee := w.office("EE")
	id := ee.upload(t, "pdf", pdf("x"), sha(pdf("not x")))
	w.das.WaitIdle()
	var st protocol.FileStatus
	ee.expect(t, 200, "GET", "/files?fileId="+id, nil, &st)
	if st.FileStatusCategory != fileRejected || !strings.Contains(*st.StatusMessage, "removed from the transit zone") {
		t.Fatalf("%s: %s", st.FileStatusCategory, *st.StatusMessage)
	}
	if w.inTransit("EE", id) {
		t.Fatal("the rejected upload's bytes are still in the transit bucket")
	}
	// Refreshing the URL and uploading the right bytes still works.
	var up protocol.URLUploadResponse
	ee.expect(t, 200, "PUT", "/files/url-uploads", map[string]any{"fileId": id}, &up)
	putBytes(t, up.FileUploadURL, pdf("not x"))
	w.das.WaitIdle()
	ee.expect(t, 200, "GET", "/files?fileId="+id, nil, &st)
	if st.FileStatusCategory != fileAccepted {
		t.Fatalf("after a good re-upload: %s %s", st.FileStatusCategory, *st.StatusMessage)
	}
}
