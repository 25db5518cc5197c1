package das

import (
	"strings"
	"testing"
)

// Every operation that names an identifier, given another office's: 404
// exactly like an identifier that does not exist, and nothing of the other
// office's data in the body.
func TestCrossOfficeIsolation(t *testing.T) {
	w := newWorld(t, worldOptions{})
	ee, fi, lv := w.office("EE"), w.office("FI"), w.office("LV")
	d := doc{"patent", "EE P202300012", "2023-03-14", "AB21"}
	content := pdf("secret content")
	ee.deposit(t, d, content)
	eeUpload := ee.upload(t, "pdf", content, sha(content)) // EE's unused upload
	fiAck := fi.retrieve(t, d)                             // FI's retrieval
	w.das.WaitIdle()
	fiFile := *fi.status(t, fiAck).FileID
	const missing = "00000000-0000-4000-8000-000000000000"

	// Data of EE and FI that LV must never see.
	secrets := []string{eeUpload, fiFile, "AB21", "secret content", sha(content), "2023-03-14", "EE P202300012"}
	ops := []struct {
		name   string
		method string
		path   func(id string) string
		body   func(id string) any
		ids    [2]string // another office's, then a non-existent one
	}{
		{"GET files", "GET", func(id string) string { return "/files?fileId=" + id }, nil, [2]string{eeUpload, missing}},
		{"GET files (delivery)", "GET", func(id string) string { return "/files?fileId=" + id }, nil, [2]string{fiFile, missing}},
		{"PUT url-uploads", "PUT", func(string) string { return "/files/url-uploads" }, func(id string) any { return map[string]any{"fileId": id} }, [2]string{eeUpload, missing}},
		{"DELETE files by fileId", "DELETE", func(id string) string { return "/files?fileId=" + id }, nil, [2]string{fiFile, missing}},
		{"DELETE files by ack", "DELETE", func(id string) string { return "/files?requestAckId=" + id }, nil, [2]string{fiAck, missing}},
		{"GET url-downloads", "GET", func(id string) string { return "/files/url-downloads?requestAckId=" + id }, nil, [2]string{fiAck, missing}},
		{"POST url-downloads", "POST", func(string) string { return "/files/url-downloads" }, func(id string) any {
			return map[string]any{"documentKindCategory": "patent", "documentNumber": "LV 1", "documentDate": "2023-03-14", "osfAckId": id}
		}, [2]string{fiAck, missing}},
		{"GET statuses", "GET", func(id string) string { return "/retrievals/statuses?requestAckId=" + id }, nil, [2]string{fiAck, missing}},
		{"PUT retrievals", "PUT", func(string) string { return "/retrievals" }, func(id string) any { return map[string]any{"requestAckId": id, "fileId": missing} }, [2]string{fiAck, missing}},
		{"POST notifications", "POST", func(string) string { return "/notifications" }, func(id string) any {
			return map[string]any{"requestAckId": id, "requestStatusCategory": "success", "documentAvailabilityDate": "2026-01-05T09:00:00Z"}
		}, [2]string{fiAck, missing}},
		{"PUT registrations", "PUT", func(string) string { return "/registrations" }, func(number string) any {
			return doc{"patent", number, "2023-03-15", "AB21"}.registration("")
		}, [2]string{"EE P202300012", "EE P209999999"}},
		{"DELETE registrations", "DELETE", func(number string) string {
			return "/registrations?documentKindCategory=patent&dasAccessCode=AB21&documentNumber=" + strings.ReplaceAll(number, " ", "%20")
		}, nil, [2]string{"EE P202300012", "EE P209999999"}},
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			var answers [2]string
			for i, id := range op.ids {
				var body any
				if op.body != nil {
					body = op.body(id)
				}
				status, b := lv.call(op.method, op.path(id), body)
				if status != 404 {
					t.Fatalf("%s with %s: status %d, want 404; body %s", op.name, []string{"another office's id", "a missing id"}[i], status, b)
				}
				answers[i] = strings.ReplaceAll(string(b), id, "<id>")
				for _, s := range secrets {
					if s != id && strings.Contains(string(b), s) {
						t.Errorf("%s leaks %q: %s", op.name, s, b)
					}
				}
			}
			if answers[0] != answers[1] {
				t.Errorf("another office's id is distinguishable from a missing one:\n  %s\n  %s", answers[0], answers[1])
			}
		})
	}
	// And the owners still see their own things untouched.
	if st := fi.status(t, fiAck); st.RequestStatusCategory != statusSuccess || st.FileStatusCategory != fileAccepted {
		t.Errorf("FI's retrieval changed: %+v", st)
	}
	_ = fi.download(t, fiAck)
	ee.expect(t, 200, "GET", "/files?fileId="+eeUpload, nil, nil)
}
