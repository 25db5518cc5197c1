package harness

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/clientauth"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/dasapi"
)

// eeLibraryDocument is a c.1 document of the demo world: ready at once, so
// tests need no office to answer.
var eeLibraryDocument = DocumentFile{Number: "EE P202300012", Kind: "patent", Date: "2023-03-14", AccessCode: "AB21"}

// observedSE starts the demo world on clk and observes an OSF client of
// office SE with cfg's NotifyURL, Faults and RequireRenewal; the returned
// client calls DAS through the observed entrance.
func observedSE(t *testing.T, wcfg Config, cfg ObserveConfig) (*World, *Observed, *Client) {
	t.Helper()
	ctx := context.Background()
	wcfg.SigningKey = testSigningKey(t)
	w, err := StartWorld(ctx, DemoWorld(), wcfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	files, err := clientauth.GenerateKeyFiles(rand.Reader, w.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Office, cfg.ClientID, cfg.CertPEM = "SE", "se-osf", files.CertPEM
	if cfg.Documents == nil {
		cfg.Documents = []DocumentFile{eeLibraryDocument}
	}
	o, err := w.Observe(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	id := &Identity{Office: "SE", ClientID: "se-osf", Files: files}
	return w, o, &Client{Identity: id, api: dasapi.New(dasapi.Config{BaseURL: o.API, HTTPClient: w.HTTPClient(), Tokens: w.Tokens(id)})}
}

// osfSteps is an OSF client's retrieval, in steps a test can leave out or break.
type osfSteps struct {
	t   *testing.T
	w   *World
	c   *Client
	ack string
	url string
}

func (s *osfSteps) call(method, path string, q url.Values, body any) *Response {
	s.t.Helper()
	r, err := s.c.Call(context.Background(), method, path, q, body)
	if err != nil {
		s.t.Fatal(err)
	}
	return r
}

func (s *osfSteps) retrieve() int {
	r := s.call(http.MethodPost, "/retrievals", nil, map[string]any{"operationCategory": "retrieval",
		"documentKindCategory": "patent", "documentNumber": eeLibraryDocument.Number, "documentDate": eeLibraryDocument.Date,
		"dasAccessCode": eeLibraryDocument.AccessCode, "applicationCategory": nil, "applicationNumber": nil, "applicationFilingDate": nil})
	var ack struct {
		RequestAckID string `json:"requestAckId"`
	}
	if r.Status == http.StatusCreated {
		_ = r.Decode(&ack)
		s.ack = ack.RequestAckID
		s.w.Settle() // DAS prepares the document in the background
	}
	return r.Status
}

func (s *osfSteps) status() {
	s.call(http.MethodGet, "/retrievals/statuses", url.Values{"requestAckId": {s.ack}}, nil)
}

func (s *osfSteps) downloadURL() {
	r := s.call(http.MethodGet, "/files/url-downloads", url.Values{"requestAckId": {s.ack}}, nil)
	var dl struct {
		URL string `json:"fileDownloadUrl"`
	}
	_ = r.Decode(&dl)
	s.url = dl.URL
}

// download GETs the presigned URL, with authorization if not empty.
func (s *osfSteps) download(authorization string) {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.url, nil)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := s.w.HTTPClient().Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	buf := make([]byte, 32<<10)
	for {
		if _, err := resp.Body.Read(buf); err != nil {
			break
		}
	}
	resp.Body.Close()
}

func (s *osfSteps) delete() {
	s.call(http.MethodDelete, "/files", url.Values{"requestAckId": {s.ack}}, nil)
}

func checkOf(t *testing.T, checks []Check, id string) Check {
	t.Helper()
	for _, c := range checks {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no check %s in %v", id, checks)
	return Check{}
}

func TestObservedOSFThatFollowsFigureBMeetsEveryCheck(t *testing.T) {
	w, o, c := observedSE(t, Config{Clock: clock.NewVirtual(Epoch)}, ObserveConfig{})
	s := &osfSteps{t: t, w: w, c: c}
	if st := s.retrieve(); st != http.StatusCreated {
		t.Fatalf("POST retrievals: %d", st)
	}
	s.status()
	s.downloadURL()
	s.download("")
	s.delete()
	checks := o.OSFChecklist(true)
	for _, ch := range checks {
		if ch.State == Violated || (!ch.Optional && ch.State != Met) {
			t.Errorf("%s %s: %s: %s", ch.ID, ch.Title, ch.State, ch.Detail)
		}
	}
	if c := checkOf(t, checks, "O9"); !strings.Contains(c.Detail, "sha256") {
		t.Errorf("O9 should say the sha256 matched: %s", c.Detail)
	}
}

// TestObservedOSFViolationsNameWhatWasMeasured breaks one obligation per
// case and wants its check violated at once, saying what was seen.
func TestObservedOSFViolationsNameWhatWasMeasured(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults OSFFaults
		run    func(s *osfSteps)
		check  string
		actual string
	}{
		{"polling 7 times in an instant", OSFFaults{}, func(s *osfSteps) {
			s.retrieve()
			for range 7 {
				s.status()
			}
		}, "O5", "7 status requests for retrieval"},
		{"the token in the query string", OSFFaults{}, func(s *osfSteps) {
			s.retrieve()
			s.call(http.MethodGet, "/retrievals/statuses", url.Values{"requestAckId": {s.ack}, "access_token": {"x"}}, nil)
		}, "O2", "R2 access_token in the query string"},
		{"deleting before downloading", OSFFaults{}, func(s *osfSteps) {
			s.retrieve()
			s.delete()
		}, "O8", "deleted before any complete download"},
		{"the bearer token sent to the object store", OSFFaults{}, func(s *osfSteps) {
			s.retrieve()
			s.downloadURL()
			s.download("Bearer leaked")
		}, "O12", "a Bearer access token"},
		{"deleting the only copy after a corrupt download", OSFFaults{CorruptDownload: true}, func(s *osfSteps) {
			s.retrieve()
			s.downloadURL()
			s.download("")
			s.delete()
		}, "O13", "the only download corrupt"},
		{"retrying a 503 at once", OSFFaults{Unavailable: true}, func(s *osfSteps) {
			s.retrieve()
			s.retrieve()
		}, "O11", "retried after"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, o, c := observedSE(t, Config{Clock: clock.NewVirtual(Epoch)}, ObserveConfig{Faults: tc.faults})
			tc.run(&osfSteps{t: t, w: w, c: c})
			got := checkOf(t, o.OSFChecklist(false), tc.check)
			if got.State != Violated || !strings.Contains(got.Actual, tc.actual) {
				t.Fatalf("%s: %s, actual %q, want violated with %q (%s)", tc.check, got.State, got.Actual, tc.actual, got.Detail)
			}
			first, _ := FirstFailure(o.OSFChecklist(false))
			t.Logf("first failure %s: expected %s; actual %s", first.ID, first.Expected, first.Actual)
		})
	}
}

func TestObservedTokenClientRefusalQuotesTheCheck(t *testing.T) {
	w, o, c := observedSE(t, Config{Clock: clock.NewVirtual(Epoch)}, ObserveConfig{})
	assertion, err := w.Assertion(c.Identity, clientauth.AssertionSpec{Lifetime: 2 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.PostToken(context.Background(), ClientCredentialsForm(assertion, authz.ScopeOfficeExchange)); err != nil {
		t.Fatal(err)
	}
	got := checkOf(t, o.OSFChecklist(false), "T1")
	if got.State != Violated || !strings.Contains(got.Actual, "invalid_client (check N56)") || !strings.Contains(got.Actual, "lifetime") {
		t.Fatalf("T1: %s, actual %q", got.State, got.Actual)
	}
	if tr := o.Transcript(); len(tr) == 0 || tr[0].Labels.Party != "authz" {
		t.Fatalf("the token request should be in the transcript: %+v", tr)
	}
}

func TestObservedTokenClientPresentingAnExpiredTokenFailsT2(t *testing.T) {
	vc := clock.NewVirtual(Epoch)
	w, o, c := observedSE(t, Config{Clock: vc, TokenLifetime: 2 * time.Second}, ObserveConfig{RequireRenewal: true})
	tok, err := c.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s := &osfSteps{t: t, w: w, c: &Client{Identity: c.Identity, api: c.api.At(o.API, staticToken(tok))}}
	s.retrieve()
	vc.Advance(5 * time.Second)
	s.status()
	got := checkOf(t, o.OSFChecklist(false), "T2")
	if got.State != Violated || !strings.Contains(got.Actual, "R6 token expired") {
		t.Fatalf("T2: %s, actual %q (%s)", got.State, got.Actual, got.Detail)
	}
}

type staticToken string

func (s staticToken) Token(context.Context) (string, error) { return string(s), nil }
