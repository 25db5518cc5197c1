package openapi

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// statusHandler answers GET retrievals/statuses with body and status.
func fixedHandler(status int, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	})
}

func TestMiddlewareRefusesBrokenRequestsInWIPOShape(t *testing.T) {
	var log Log
	reached := false
	h := DAS().Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached = true
	}), WithRecorder(&log), WithParty("das"))
	srv := httptest.NewServer(h)
	defer srv.Close()

	body := strings.Replace(validRetrieval, `"AB21"`, `"AB2"`, 1)
	req, _ := http.NewRequest("POST", srv.URL+"/das/v1/requests/retrievals", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", validToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if reached {
		t.Fatal("a request breaking the contract reached the handler")
	}
	if resp.StatusCode != 400 {
		t.Fatalf("status %d, want 400", resp.StatusCode)
	}
	var e struct {
		Code    string
		Details []struct {
			Code    int
			Message string
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
		t.Fatal(err)
	}
	if e.Code != "INVALID_INPUT_DATA" || len(e.Details) != 1 || e.Details[0].Code != -1 ||
		!strings.Contains(e.Details[0].Message, "/dasAccessCode") || !strings.Contains(e.Details[0].Message, "pattern") {
		t.Fatalf("error body does not name the field and rule: %+v", e)
	}
	ex := log.Exchanges()
	if len(ex) != 1 || len(ex[0].RequestViolations) != 1 || len(ex[0].ResponseViolations) != 0 ||
		ex[0].Labels.Party != "das" || ex[0].Operation != "requestRetrieval" {
		t.Fatalf("recorded %+v", ex)
	}
}

func TestMiddlewareRecordsResponseViolations(t *testing.T) {
	var log Log
	broken := strings.Replace(validStatusBag, `"requestStatusCategory":"pending"`, `"requestStatusCategory":"PENDING"`, 1)
	srv := httptest.NewServer(DAS().Middleware(fixedHandler(200, broken), WithRecorder(&log), WithTranscripts()))
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/das-api/v1/requests/retrievals/statuses", nil)
	req.Header.Set("Authorization", validToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != broken {
		t.Fatalf("middleware changed the response: %d %s", resp.StatusCode, b)
	}
	failed := log.Failed()
	if len(failed) != 1 {
		t.Fatalf("want one failed exchange, got %+v", log.Exchanges())
	}
	v := failed[0].ResponseViolations
	if len(v) != 1 || v[0].Pointer != "/documentRetrievalResponseBag/0/requestStatusCategory" || v[0].Rule != "enum" ||
		v[0].Actual != `"PENDING"` || !strings.Contains(v[0].Expected, `"pending"`) {
		t.Fatalf("violation %+v", v)
	}
	if failed[0].ResponseBody == "" {
		t.Error("transcript missing")
	}
}

func TestMiddlewareMissingTokenIs401WithChallenge(t *testing.T) {
	srv := httptest.NewServer(DAS().Middleware(fixedHandler(200, validStatusBag)))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/das/v1/requests/retrievals/statuses")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != `Bearer realm="das"` {
		t.Fatalf("got %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
}

func TestMiddlewareWrongMethodIs405WithAllow(t *testing.T) {
	srv := httptest.NewServer(DAS().Middleware(fixedHandler(200, "{}")))
	defer srv.Close()
	req, _ := http.NewRequest("PATCH", srv.URL+"/das/v1/requests/registrations", nil)
	req.Header.Set("Authorization", validToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") == "" {
		t.Fatalf("got %d Allow=%q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

func TestTransportRecordsAndStrictRefuses(t *testing.T) {
	srv := httptest.NewServer(fixedHandler(201, `{"requestAckId":"a-1","operationCategory":"retrieval","requestStatusCategory":"pending"}`))
	defer srv.Close()
	var log Log
	client := &http.Client{Transport: DAS().Transport(nil, WithRecorder(&log), WithParty("office EE"))}
	post := func(c *http.Client, body string) (*http.Response, error) {
		req, _ := http.NewRequest("POST", srv.URL+"/das/v1/requests/retrievals", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", validToken)
		return c.Do(req)
	}
	resp, err := post(client, validRetrieval)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "a-1") {
		t.Fatalf("body not passed through: %s", b)
	}
	if ex := log.Exchanges(); len(ex) != 1 || !ex[0].OK() || ex[0].Recorder != "client" || ex[0].Status != 201 {
		t.Fatalf("recorded %+v", ex)
	}

	strict := &http.Client{Transport: DAS().Transport(nil, WithRecorder(&log), Strict())}
	_, err = post(strict, `{"operationCategory":"retrieval"}`)
	var ce *ContractError
	if err == nil || !errorsAs(err, &ce) || len(ce.Violations) < 4 {
		t.Fatalf("strict transport sent a broken request: %v", err)
	}
	if last := log.Exchanges()[1]; last.TransportError == "" || len(last.RequestViolations) == 0 {
		t.Fatalf("refused request not recorded: %+v", last)
	}
}
