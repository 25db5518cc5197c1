package openapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Issue 15: requestAckId=%zz was dropped by net/url and answered with the
// caller's full listing. A query that is not validly percent-encoded is now
// refused before the handler, naming the parameter.
func TestBadlyEncodedQueryIsRefusedNamingTheParameter(t *testing.T) {
	cases := []struct{ query, param, notInBody string }{
		{"requestAckId=%zz", "requestAckId", ""},
		{"requestAckId=7d0c%2", "requestAckId", ""},
		{"req%zzAckId=x", "req%zzAckId", ""},
		{"requestAckId=a;b", "requestAckId", ""},
		{"dasAccessCode=%zzSECRET", "dasAccessCode", "SECRET"},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			var log Log
			reached := false
			h := DAS().Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached = true }), WithRecorder(&log))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, dasRequest("GET", "/retrievals/statuses?"+c.query, "", ""))
			if reached || rec.Code != http.StatusBadRequest {
				t.Fatalf("reached %v, status %d: %s", reached, rec.Code, rec.Body)
			}
			// With no party's writer (OnRefusal) the contract answers in
			// RFC 9457's shape; a party turns the same refusal into its own
			// (the WIPO body at DAS: simulators/das query tests).
			var e struct {
				Status     int
				Violations []struct{ In, Pointer, Rule string }
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Status != 400 || len(e.Violations) != 1 {
				t.Fatalf("not a problem+json refusal with one violation: %s", rec.Body)
			}
			if v := e.Violations[0]; v.In != "query" || v.Pointer != c.param || v.Rule != "encoding" {
				t.Errorf("the violation does not name the parameter and the rule: %+v", v)
			}
			if c.notInBody != "" && strings.Contains(rec.Body.String(), c.notInBody) {
				t.Errorf("secret echoed: %s", rec.Body)
			}
		})
	}
}

func TestRecordedURLsRedactAccessCodes(t *testing.T) {
	cases := map[string]string{
		"/das/v1/requests/registrations?documentKindCategory=patent&documentNumber=EE+P1&dasAccessCode=AB21": "/das/v1/requests/registrations?documentKindCategory=patent&documentNumber=EE+P1&dasAccessCode=%28redacted%29",
		"/x?das%41ccessCode=AB21&a=1": "/x?das%41ccessCode=%28redacted%29&a=1",
		"/x?requestAckId=1":           "/x?requestAckId=1",
		"https://h/x?dasAccessCode":   "https://h/x?dasAccessCode=%28redacted%29",
		"/x":                          "/x",
	}
	for in, want := range cases {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
	var log Log
	h := DAS().Middleware(fixedHandler(404, `{"code":"NOT_FOUND","message":null,"details":[{"code":-7,"message":"x"}]}`), WithRecorder(&log))
	h.ServeHTTP(httptest.NewRecorder(), dasRequest("DELETE", "/registrations?documentKindCategory=patent&documentNumber=EE%20P202300012&dasAccessCode=AB21", "", ""))
	for _, e := range log.Exchanges() {
		if strings.Contains(e.URL, "AB21") || !strings.Contains(e.URL, "dasAccessCode=%28redacted%29") {
			t.Errorf("recorded URL %q", e.URL)
		}
	}
	if len(log.Exchanges()) != 1 {
		t.Fatalf("%d exchanges recorded", len(log.Exchanges()))
	}
}

func TestTranscriptRedactsWithoutDecodingTheWholeBody(t *testing.T) {
	cases := map[string]string{
		`{"a":{"dasAccessCode":"AB21"},"b":[{"access_token":"tok"}]}`:    `{"a":{"dasAccessCode":"(redacted)"},"b":[{"access_token":"(redacted)"}]}`,
		"{ \"z\" : 1 ,\n \"dasAccessCode\" : {\"x\":[1,2]}, \"n\":null}": `{"z":1,"dasAccessCode":"(redacted)","n":null}`,
		`{"das\u0041ccessCode":"AB21","t":true,"f":false,"e":1e3}`:       `{"das\u0041ccessCode":"(redacted)","t":true,"f":false,"e":1e3}`,
		`["<&>", 2, -0.5e+3]`:       `["<&>",2,-0.5e+3]`,
		`{"a":01}`:                  "(unparsable JSON body redacted)",
		`{"a":tru}`:                 "(unparsable JSON body redacted)",
		`{"a":1,}`:                  "(unparsable JSON body redacted)",
		`{"dasAccessCode":[[[1]]]}`: `{"dasAccessCode":"(redacted)"}`,
		strings.Repeat("[", 100000): "(unparsable JSON body redacted)",
		`{"dasAccessCode":` + strings.Repeat("[", 100000): "(unparsable JSON body redacted)",
		`{"dasAccessCode" "AB21"}`:                        "(unparsable JSON body redacted)",
		`{"dasAccessCode":"AB21"} {}`:                     "(unparsable JSON body redacted)",
		`{"dasAccessCode":"AB21"`:                         "(unparsable JSON body redacted)",
		strings.Repeat("[", 100000):                       "(unparsable JSON body redacted)",
		`{"dasAccessCode":` + strings.Repeat("[", 100000): "(unparsable JSON body redacted)",
	}
	for in, want := range cases {
		if got := redactBody("application/json", []byte(in)); got != want {
			t.Errorf("redactBody(%s) = %s, want %s", in, got, want)
		}
	}
	big := `{"documentRetrievalResponseBag":[` + strings.Repeat(`{"dasAccessCode":"AB21","x":"`+strings.Repeat("y", 100)+`"},`, 5000) + `{}]}`
	got := redactBody("application/json", []byte(big))
	if !strings.HasSuffix(got, "...(truncated)") || len(got) > maxTranscript+20 || strings.Contains(got, "AB21") {
		t.Errorf("large body: %d bytes, ends %q", len(got), got[len(got)-20:])
	}
}
