package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/clock"
)

// Issue 15: with the fapi profile every party signs assertions the strict
// profile accepts (jti, iat, the issuer as audience), so the demo world
// starts, and DAS reaches an office through WIPO's server (JP, setup A) and
// through the office's own (US, setup B).
func TestDemoWorldRunsUnderTheFAPIProfile(t *testing.T) {
	ctx := context.Background()
	wf := DemoWorld()
	wf.Clock, wf.Profile = "virtual", "fapi"
	w, err := StartWorld(ctx, wf, Config{SigningKey: testSigningKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	fi, err := w.Enroll("FI", "fi-fapi")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Verifier.Allow(fi.ClientID, "FI"); err != nil {
		t.Fatal(err)
	}
	tok, err := w.TokenClient(fi).Token(ctx, "das-api/office-exchange")
	if err != nil {
		t.Fatalf("fapi token for an enrolled identity: %v", err)
	}
	for _, d := range []struct{ number, date, code string }{
		{"JP 2023-045678", "2023-04-02", "3F9A"}, {"US 29/876,543", "2023-07-11", "BEEF"}} {
		kind := "patent"
		if strings.HasPrefix(d.number, "US 29") {
			kind = "design"
		}
		body := fmt.Sprintf(`{"operationCategory":"retrieval","documentKindCategory":%q,"documentNumber":%q,"documentDate":%q,"dasAccessCode":%q,"applicationCategory":null,"applicationNumber":null,"applicationFilingDate":null}`,
			kind, d.number, d.date, d.code)
		var ack struct{ RequestAckID string }
		callDAS(t, w, tok.AccessToken, "POST", "/retrievals", body, 201, &ack)
		w.Settle()
		if a, ok := w.Clock.(clock.Advancer); ok {
			a.Advance(time.Minute) // the OFF's preparation delay
		}
		w.Settle()
		var bag struct {
			Bag []struct {
				RequestStatusCategory string
				StatusMessage         string
			} `json:"documentRetrievalResponseBag"`
		}
		callDAS(t, w, tok.AccessToken, "GET", "/retrievals/statuses?requestAckId="+ack.RequestAckID, "", 200, &bag)
		if len(bag.Bag) != 1 || bag.Bag[0].RequestStatusCategory != "success" {
			t.Errorf("%s under fapi: %+v", d.number, bag.Bag)
		}
	}
	if f := w.Log.Faulty(); len(f) > 0 {
		t.Fatalf("contract broken under fapi: %+v", f)
	}
}

func callDAS(t *testing.T, w *World, token, method, path, body string, want int, v any) {
	t.Helper()
	req, _ := http.NewRequest(method, w.DASURL()+path, strings.NewReader(body))
	if body == "" {
		req.Body = http.NoBody
	} else {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := w.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, b)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatal(err)
		}
	}
}
