package das

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/wipo-das/dasim/simulators/protocol"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/faults"
)

// statusCase is one request and the status it must get.
type statusCase struct {
	name        string
	method      string
	path        string // with its query
	contentType string // "" sends none
	body        string
	token       string // "" sends no Authorization
	want        int
}

// TestEveryStatusDASSendsIsDocumented drives each operation DAS serves into
// each of its answers — good and bad input, no token, a client that is not
// whitelisted, the wrong media type, unknown ids, conflicts, a file gone,
// an internal failure — and fails when any answer's status is not
// documented for its operation (the contract middleware flags it), or when
// an operation of das.yaml served by DAS was not driven at all.
func TestEveryStatusDASSendsIsDocumented(t *testing.T) {
	fs := faults.New(nil)
	w := newWorld(t, worldOptions{eager: true, deliberate: true, faults: fs})
	ee, lv := w.office("EE"), w.office("LV")
	must(t, w.authz.Register(authz.Client{ID: "stranger", KeysPEM: mustPub()}))
	stranger, err := w.authz.Issue("stranger", []string{authz.ScopeOfficeExchange})
	must(t, err)

	lib := doc{"patent", "EE P202300012", "2023-03-14", "AB21"}
	ee.deposit(t, lib, pdf("lib"))
	home := doc{"patent", "EE P202300099", "2023-05-02", "7C4E"} // kept at home, EE has no endpoint: fails -101
	ee.expect(t, 201, "POST", "/registrations", home.registration(""), nil)
	okAck, failedAck, goneAck := lv.retrieve(t, lib), lv.retrieve(t, home), lv.retrieve(t, lib)
	w.das.WaitIdle()
	lv.expect(t, 204, "DELETE", "/files?requestAckId="+goneAck, nil, nil)
	used := ee.upload(t, "pdf", pdf("used"), sha(pdf("used")))
	ee.expect(t, 201, "POST", "/registrations", doc{"patent", "EE P202300013", "2023-04-01", "1234"}.registration(used), nil)
	var pending protocol.URLUploadResponse
	ee.expect(t, 201, "POST", "/files/url-uploads", map[string]any{"fileFormatCategory": "pdf", "fileChecksum": sha(nil)}, &pending)

	eeTok, lvTok := ee.bearer(), lv.bearer()
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	unknown := "00000000-0000-4000-8000-000000000000"
	wrongCode := lib
	wrongCode.code = "FFFF"
	pctDoc := doc{"patent", "PCT/IB2023/050123", "2023-01-09", "C0DE"}
	dl := func(ack string, d doc) string {
		return js(map[string]any{"documentKindCategory": d.kind, "documentNumber": d.number, "documentDate": d.date, "osfAckId": ack})
	}
	const J = "application/json"
	cases := []statusCase{
		{"upload URL", "POST", "/files/url-uploads", J, js(map[string]any{"fileFormatCategory": "pdf", "fileChecksum": sha(nil)}), eeTok, 201},
		{"upload URL, bad checksum", "POST", "/files/url-uploads", J, `{"fileFormatCategory":"pdf","fileChecksum":"x"}`, eeTok, 400},
		{"upload URL, text/plain", "POST", "/files/url-uploads", "text/plain", "hello", eeTok, 415},
		{"upload URL, not JSON", "POST", "/files/url-uploads", J, "{", eeTok, 400},
		{"refresh", "PUT", "/files/url-uploads", J, js(map[string]any{"fileId": pending.FileID}), eeTok, 200},
		{"refresh, unknown", "PUT", "/files/url-uploads", J, js(map[string]any{"fileId": unknown}), eeTok, 404},
		{"refresh, used", "PUT", "/files/url-uploads", J, js(map[string]any{"fileId": used}), eeTok, 409},
		{"refresh, text/plain", "PUT", "/files/url-uploads", "text/plain", "x", eeTok, 415},
		{"file status", "GET", "/files?fileId=" + used, "", "", eeTok, 200},
		{"file status, no id", "GET", "/files", "", "", eeTok, 400},
		{"file status, unknown", "GET", "/files?fileId=" + unknown, "", "", eeTok, 404},
		{"delete, neither", "DELETE", "/files", "", "", lvTok, 400},
		{"delete, unknown", "DELETE", "/files?fileId=" + unknown, "", "", lvTok, 404},
		{"delete, gone", "DELETE", "/files?requestAckId=" + goneAck, "", "", lvTok, 410},
		{"download URL", "GET", "/files/url-downloads?requestAckId=" + okAck, "", "", lvTok, 200},
		{"download URL, no id", "GET", "/files/url-downloads", "", "", lvTok, 400},
		{"download URL, unknown", "GET", "/files/url-downloads?requestAckId=" + unknown, "", "", lvTok, 404},
		{"download URL, failed", "GET", "/files/url-downloads?requestAckId=" + failedAck, "", "", lvTok, 409},
		{"download URL, gone", "GET", "/files/url-downloads?requestAckId=" + goneAck, "", "", lvTok, 410},
		{"download URL by body", "POST", "/files/url-downloads", J, dl(okAck, lib), lvTok, 200},
		{"download URL by body, wrong date", "POST", "/files/url-downloads", J, dl(okAck, doc{lib.kind, lib.number, "2023-03-15", ""}), lvTok, 400},
		{"download URL by body, unknown", "POST", "/files/url-downloads", J, dl(unknown, lib), lvTok, 404},
		{"download URL by body, failed", "POST", "/files/url-downloads", J, dl(failedAck, home), lvTok, 409},
		{"download URL by body, gone", "POST", "/files/url-downloads", J, dl(goneAck, lib), lvTok, 410},
		{"download URL by body, text/plain", "POST", "/files/url-downloads", "text/plain", "x", lvTok, 415},
		{"register, duplicate", "POST", "/registrations", J, js(lib.registration("")), eeTok, 409},
		{"register, another office's number", "POST", "/registrations", J, js(doc{"patent", "LV P1", "2023-01-01", "1234"}.registration("")), eeTok, 400},
		{"register, RO/IB", "POST", "/registrations", J, js(pctDoc.registration("")), eeTok, 403},
		{"register, text/plain", "POST", "/registrations", "text/plain", "x", eeTok, 415},
		{"correct", "PUT", "/registrations", J, js(home.registration("")), eeTok, 200},
		{"correct, unknown", "PUT", "/registrations", J, js(doc{"patent", "EE P1", "2023-01-01", "1234"}.registration("")), eeTok, 404},
		{"correct, RO/IB", "PUT", "/registrations", J, js(pctDoc.registration("")), eeTok, 403},
		{"correct, upload not accepted", "PUT", "/registrations", J, js(lib.registration(pending.FileID)), eeTok, 409},
		{"correct, missing field", "PUT", "/registrations", J, `{"operationCategory":"registration"}`, eeTok, 400},
		{"correct, text/plain", "PUT", "/registrations", "text/plain", "x", eeTok, 415},
		{"withdraw, wrong code", "DELETE", "/registrations?" + docQuery(wrongCode), "", "", eeTok, 400},
		{"withdraw, unknown", "DELETE", "/registrations?" + docQuery(doc{"patent", "EE P1", "", "1234"}), "", "", eeTok, 404},
		{"retrieve, not registered", "POST", "/retrievals", J, js(doc{"patent", "EE P1", "2023-01-01", "1234"}.retrieval()), lvTok, 400},
		{"retrieve, text/plain", "POST", "/retrievals", "text/plain", js(lib.retrieval()), lvTok, 415},
		{"retrieve, no token", "POST", "/retrievals", J, js(lib.retrieval()), "", 401},
		{"retrieve, bad token", "POST", "/retrievals", J, js(lib.retrieval()), "not.a.token", 401},
		{"retrieve, not whitelisted", "POST", "/retrievals", J, js(lib.retrieval()), stranger.AccessToken, 403},
		{"set file, unknown", "PUT", "/retrievals", J, js(map[string]any{"requestAckId": unknown, "fileId": used}), eeTok, 404},
		{"set file, missing", "PUT", "/retrievals", J, `{}`, eeTok, 400},
		{"set file, text/plain", "PUT", "/retrievals", "text/plain", "x", eeTok, 415},
		{"statuses", "GET", "/retrievals/statuses", "", "", lvTok, 200},
		{"statuses, unknown", "GET", "/retrievals/statuses?requestAckId=" + unknown, "", "", lvTok, 404},
		{"statuses, bad id", "GET", "/retrievals/statuses?requestAckId=a+b", "", "", lvTok, 400},
		{"statuses, badly encoded id", "GET", "/retrievals/statuses?requestAckId=%zz", "", "", lvTok, 400},
		{"download URL, badly encoded id", "GET", "/files/url-downloads?requestAckId=%zz", "", "", lvTok, 400},
		{"certificate, badly encoded code", "GET", "/registrations/certificates?documentKindCategory=patent&documentNumber=EE+P202300012&documentDate=2023-03-14&dasAccessCode=%A", "", "", eeTok, 400},
		{"statuses, not whitelisted", "GET", "/retrievals/statuses", "", "", stranger.AccessToken, 403},
		{"notify, unknown", "POST", "/notifications", J, js(map[string]any{"requestAckId": unknown, "requestStatusCategory": "error", "errorCode": -102, "statusMessage": "x"}), eeTok, 404},
		{"notify, bad body", "POST", "/notifications", J, `{"requestStatusCategory":"maybe"}`, eeTok, 400},
		{"notify, text/plain", "POST", "/notifications", "text/plain", "x", eeTok, 415},
		{"certificate", "GET", certificateQuery(lib), "application/pdf", "", eeTok, 200},
		{"certificate, wrong code", "GET", certificateQuery(wrongCode), "", "", eeTok, 400},
		{"certificate, no token", "GET", certificateQuery(lib), "", "", "", 401},
	}
	for _, c := range cases {
		if got, body := w.send(c); got != c.want {
			t.Errorf("%s: %s %s answered %d, want %d: %s", c.name, c.method, c.path, got, c.want, body)
		}
	}
	// An internal failure (a fault rule standing in for one) on every operation.
	_, err = fs.Add(faults.Rule{Party: faultParty, Operation: faults.Any, Kind: faults.ServerError})
	must(t, err)
	for _, c := range cases {
		if c.want < 300 {
			c.want = http.StatusInternalServerError
			if got, body := w.send(c); got != c.want {
				t.Errorf("%s with a server fault: answered %d, want 500: %s", c.name, got, body)
			}
		}
	}
	checkStatusesDocumented(t, w.log.All())
}

func docQuery(d doc) string {
	return fmt.Sprintf("documentKindCategory=%s&documentNumber=%s&dasAccessCode=%s", d.kind, strings.ReplaceAll(d.number, " ", "+"), d.code)
}

func mustPub() []byte { _, p := testKeys(); return p }

// send issues one raw request to the DAS API.
func (w *world) send(c statusCase) (int, string) {
	req, err := http.NewRequest(c.method, w.api.URL+"/das/v1/requests"+c.path, bytes.NewReader([]byte(c.body)))
	if err != nil {
		panic(err)
	}
	if c.body == "" {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	if c.contentType != "" {
		req.Header.Set("Content-Type", c.contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
	return resp.StatusCode, string(b)
}

// checkStatusesDocumented fails on every answer whose status the contract
// does not document for its operation, and on every DAS-served operation no
// error answer was seen for.
func checkStatusesDocumented(t *testing.T, log []openapi.Exchange) {
	t.Helper()
	seen := map[string][]int{}
	for _, e := range log {
		if e.Recorder != "server" || e.Operation == "" {
			continue
		}
		seen[e.Operation] = append(seen[e.Operation], e.Status)
		for _, v := range e.ResponseViolations {
			if v.In == openapi.InStatus {
				t.Errorf("undocumented status: %s %s → %d (%s)", e.Method, e.URL, e.Status, v.Expected)
			} else {
				t.Errorf("response breaks the contract: %s %s → %d: %s", e.Method, e.URL, e.Status, v)
			}
		}
	}
	for _, r := range openapi.DAS().Routes() {
		if !slices.Contains(r.ImplementedBy, "das") {
			continue
		}
		errorsSeen := slices.IndexFunc(seen[r.OperationID], func(s int) bool { return s >= 400 }) >= 0
		if !errorsSeen {
			t.Errorf("operation %s (%s %s) was not driven into an error answer", r.OperationID, r.Method, r.Path)
		}
	}
}
