package office_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/office"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// call sends one request with a bearer token (none when empty).
func call(t *testing.T, method, u, token, body string) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, u, r)
	must(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	must(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func details(t *testing.T, body []byte) []int {
	t.Helper()
	e, _, ok := protocol.ParseDASError(body)
	if !ok {
		t.Fatalf("not a WIPO error body: %s", body)
	}
	var codes []int
	for _, d := range e.Details {
		codes = append(codes, d.Code)
	}
	return codes
}

func retrieval(number, date, code string) string {
	b, _ := json.Marshal(map[string]any{"operationCategory": "retrieval", "documentKindCategory": "patent",
		"documentNumber": number, "documentDate": date, "dasAccessCode": code, "applicationCategory": nil,
		"applicationNumber": nil, "applicationFilingDate": nil})
	return string(b)
}

// TestOfficeSideAPI calls the office as DAS does, over HTTP with real tokens
// from the authorization server of each setup.
func TestOfficeSideAPI(t *testing.T) {
	for _, setup := range []office.AuthSetup{office.SetupA, office.SetupB} {
		t.Run("setup "+string(setup), func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t)
			d := doc("EE P202300012", office.Home, 1500)
			o := w.newOffice(office.Config{Code: "EE", Setup: setup, Documents: []office.Document{d}})
			token, err := w.dasTokens(o.AuthIssuer())(ctx)
			must(t, err)
			api := o.APIBaseURL()

			code, body := call(t, "POST", api+"/retrievals", token, retrieval(d.Number, "2023-03-15", "ab22"))
			if got := details(t, body); code != 400 || len(got) != 2 || got[0] != -12 || got[1] != -14 {
				t.Errorf("wrong date and code: %d %s, want 400 with -12 and -14", code, body)
			}
			code, body = call(t, "POST", api+"/retrievals", token, retrieval("EE P209999999", d.FilingDate, "AB21"))
			if got := details(t, body); code != 400 || got[0] != -7 {
				t.Errorf("unknown number: %d %s, want 400 -7", code, body)
			}
			code, body = call(t, "POST", api+"/retrievals", token, retrieval(d.Number, d.FilingDate, "ab21"))
			var ack struct{ RequestAckID string }
			if json.Unmarshal(body, &ack); code != 201 || !strings.HasPrefix(ack.RequestAckID, "OFF-EE-") {
				t.Fatalf("retrieval: %d %s, want 201 with the office's ack", code, body)
			}
			byAck := api + "/files/url-downloads?requestAckId=" + url.QueryEscape(ack.RequestAckID)
			if code, body = call(t, "GET", byAck, token, ""); code != 409 || details(t, body)[0] != -42 {
				t.Errorf("before preparation: %d %s, want 409 -42", code, body)
			}
			w.clock.Advance(office.DefaultPrepareDelay)
			token, _ = w.dasTokens(o.AuthIssuer())(ctx)
			code, body = call(t, "GET", byAck, token, "")
			var dl struct{ FileDownloadURL, FileChecksum string }
			if json.Unmarshal(body, &dl); code != 200 || dl.FileDownloadURL == "" {
				t.Fatalf("url-downloads: %d %s", code, body)
			}
			if code, file := call(t, "GET", dl.FileDownloadURL, "", ""); code != 200 || string(file) != string(d.Content) {
				t.Errorf("download link: %d, %d bytes", code, len(file))
			}
			post := `{"documentKindCategory":"patent","documentNumber":"EE P202300012","documentDate":"2023-03-14","osfAckId":"` + ack.RequestAckID + `"}`
			if code, body = call(t, "POST", api+"/files/url-downloads", token, post); code != 200 {
				t.Errorf("POST url-downloads: %d %s", code, body)
			}

			w.tolerated = map[string]bool{"security": true}
			if code, _ = call(t, "GET", byAck, "", ""); code != 401 {
				t.Errorf("no token: %d, want 401", code)
			}
			// A token of a client that is not DAS: the office's own at WIPO.
			other, err := w.wipo.Issue(o.ClientID(), []string{authz.ScopeOfficeExchange})
			must(t, err)
			code, body = call(t, "GET", byAck, other.AccessToken, "")
			want := map[office.AuthSetup]int{office.SetupA: 403, office.SetupB: 401}[setup] // B: wrong issuer
			if code != want {
				t.Errorf("token of %s: %d %s, want %d", o.ClientID(), code, body, want)
			}
		})
	}
}

// TestDownloadLinkExpiry: the office's own link (c.2) lives DownloadURLTTL on
// the world clock, and its signature covers path and expiry.
func TestDownloadLinkExpiry(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	d := doc("EE P202300012", office.Home, 1500)
	o := w.newOffice(office.Config{Code: "EE", Documents: []office.Document{d}, DownloadURLTTL: 10 * time.Minute})
	token, err := w.dasTokens(o.AuthIssuer())(ctx)
	must(t, err)
	_, body := call(t, "POST", o.APIBaseURL()+"/retrievals", token, retrieval(d.Number, d.FilingDate, d.AccessCode))
	var ack struct{ RequestAckID string }
	must(t, json.Unmarshal(body, &ack))
	w.clock.Advance(office.DefaultPrepareDelay)
	_, body = call(t, "GET", o.APIBaseURL()+"/files/url-downloads?requestAckId="+ack.RequestAckID, token, "")
	var dl struct{ FileDownloadURL string }
	must(t, json.Unmarshal(body, &dl))

	tampered := strings.Replace(dl.FileDownloadURL, "expires=", "expires=9", 1)
	if code, b := call(t, "GET", tampered, "", ""); code != 403 || !strings.Contains(string(b), "signature") {
		t.Errorf("tampered expiry: %d %s, want 403", code, b)
	}
	w.clock.Advance(10*time.Minute - time.Second)
	if code, _ := call(t, "GET", dl.FileDownloadURL, "", ""); code != 200 {
		t.Errorf("a second before expiry: %d, want 200", code)
	}
	w.clock.Advance(time.Second)
	if code, b := call(t, "GET", dl.FileDownloadURL, "", ""); code != 403 || !strings.Contains(string(b), "expired at 2026-01-05T09:10:02Z") {
		t.Errorf("at expiry: %d %s, want 403 expired", code, b)
	}
}

// TestNotificationsAreIdempotent: "Delivery is at least once: receivers must
// accept a repeat" — repeats and reordered notifications get 204 and are kept.
func TestNotificationsAreIdempotent(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	d := doc("EE P202300012", office.Library, 1500)
	off := w.newOffice(office.Config{Code: "EE", Documents: []office.Document{d}})
	osf := w.newOffice(office.Config{Code: "JP"})
	must(t, off.RegisterAll(ctx))
	ack, err := osf.RequestRetrieval(ctx, d.Key())
	must(t, err)
	w.run(0) // DAS notifies JP once
	token, err := w.dasTokens(osf.AuthIssuer())(ctx)
	must(t, err)
	success := `{"requestAckId":"` + ack + `","requestStatusCategory":"success","documentAvailabilityDate":"2026-01-05T09:00:00Z"}`
	failure := `{"requestAckId":"` + ack + `","requestStatusCategory":"error","errorCode":-104,"statusMessage":"late failure"}`
	for _, b := range []string{success, failure} {
		if code, body := call(t, "POST", osf.APIBaseURL()+"/notifications", token, b); code != 204 {
			t.Fatalf("notification: %d %s, want 204", code, body)
		}
	}
	r, _ := osf.Received(ack)
	if len(r.Notifications) != 3 || r.Status != "success" {
		t.Fatalf("received %+v, want 3 notifications, status success", r)
	}
	if n := r.Notifications; n[0].Repeat || !n[1].Repeat || n[1].OutOfOrder || !n[2].OutOfOrder {
		t.Errorf("flags %+v: want first new, then a repeat, then out of order", n)
	}
	if _, err := osf.Download(ctx, ack); err != nil {
		t.Errorf("download after repeats: %v", err)
	}
}
