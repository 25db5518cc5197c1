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

// postBadAccessCode sends h a retrieval whose dasAccessCode breaks its pattern.
func postBadAccessCode(t *testing.T, h http.Handler) *http.Response {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	body := strings.Replace(validRetrieval, `"AB21"`, `"AB2"`, 1)
	req, _ := http.NewRequest("POST", srv.URL+"/das/v1/requests/retrievals", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", validToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestMiddlewareHandsRefusalsToThePartyWriter(t *testing.T) {
	var log Log
	reached := false
	var got *Refusal
	h := DAS().Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached = true
	}), WithRecorder(&log), WithParty("das"), OnRefusal(func(w http.ResponseWriter, r *http.Request, ref *Refusal) {
		got = ref
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(ref.Status)
		_, _ = io.WriteString(w, `{"code":"INVALID_INPUT_DATA","message":null,"details":[{"code":-1,"message":"party's own words"}]}`)
	}))
	resp := postBadAccessCode(t, h)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if reached {
		t.Fatal("a request breaking the contract reached the handler")
	}
	if resp.StatusCode != 400 || !strings.Contains(string(b), "party's own words") {
		t.Fatalf("status %d body %s: the party's writer did not answer", resp.StatusCode, b)
	}
	if got == nil || got.Status != 400 || len(got.Violations) != 1 || got.Violations[0].Pointer != "/dasAccessCode" ||
		got.Violations[0].Rule != "pattern" || got.Violations[0].Missing() || got.Violations[0].Malformed() {
		t.Fatalf("refusal handed over %+v", got)
	}
	ex := log.Exchanges()
	if len(ex) != 1 || len(ex[0].RequestViolations) != 1 || len(ex[0].ResponseViolations) != 0 ||
		ex[0].Labels.Party != "das" || ex[0].Operation != "requestRetrieval" {
		t.Fatalf("recorded %+v (the party's answer is validated like any other)", ex)
	}
}

func TestMiddlewareWithoutAPartyWriterAnswersProblemJSON(t *testing.T) {
	resp := postBadAccessCode(t, DAS().Middleware(fixedHandler(200, "{}")))
	defer resp.Body.Close()
	var p struct {
		Type, Title, Detail string
		Status              int
		Violations          []Violation
	}
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("Content-Type") != "application/problem+json" || p.Status != 400 || p.Type != "about:blank" ||
		len(p.Violations) != 1 || !strings.Contains(p.Detail, "/dasAccessCode") || !strings.Contains(p.Detail, "pattern") {
		t.Fatalf("RFC 9457 body %+v (%s)", p, resp.Header.Get("Content-Type"))
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
