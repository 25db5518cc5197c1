package openapi

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

func TestRequestValidation(t *testing.T) {
	c := DAS()
	cases := []struct {
		name        string
		req         *http.Request
		wantIn      string
		wantPointer string
		wantRule    string
	}{
		{"valid retrieval", dasRequest("POST", "/retrievals", "application/json", validRetrieval), "", "", ""},
		{"valid registration, lower-case access code", dasRequest("POST", "/registrations", "application/json", validRegistration), "", "", ""},
		{"valid status list", dasRequest("GET", "/retrievals/statuses", "", ""), "", "", ""},
		{"valid status by ack id, acceptance base path", func() *http.Request {
			r := dasRequest("GET", "/retrievals/statuses?requestAckId=abc-1", "", "")
			r.URL.Path = "/das-api/v1/requests/retrievals/statuses"
			return r
		}(), "", "", ""},
		{"missing required field", dasRequest("POST", "/retrievals", "application/json",
			strings.Replace(validRetrieval, `"documentDate":"2023-03-14",`, "", 1)), InBody, "/documentDate", "required"},
		{"bad enum", dasRequest("POST", "/retrievals", "application/json",
			strings.Replace(validRetrieval, `"patent"`, `"patents"`, 1)), InBody, "/documentKindCategory", "enum"},
		{"bad date format", dasRequest("POST", "/retrievals", "application/json",
			strings.Replace(validRetrieval, `"2023-03-14"`, `"14/03/2023"`, 1)), InBody, "/documentDate", "format"},
		{"impossible calendar date", dasRequest("POST", "/retrievals", "application/json",
			strings.Replace(validRetrieval, `"2023-03-14"`, `"2023-02-30"`, 1)), InBody, "/documentDate", "format"},
		{"access code not 4 hex characters", dasRequest("POST", "/retrievals", "application/json",
			strings.Replace(validRetrieval, `"AB21"`, `"AB2G"`, 1)), InBody, "/dasAccessCode", "pattern"},
		{"checksum upper-case", dasRequest("POST", "/files/url-uploads", "application/json",
			`{"fileFormatCategory":"pdf","fileChecksum":"`+strings.Repeat("A", 64)+`"}`), InBody, "/fileChecksum", "pattern"},
		{"wrong content type", dasRequest("POST", "/retrievals", "text/plain", validRetrieval), InContentType, "", "media type"},
		{"malformed JSON", dasRequest("POST", "/retrievals", "application/json", `{"operationCategory":`), InBody, "", "syntax"},
		{"trailing bytes after the JSON text", dasRequest("POST", "/retrievals", "application/json", validRetrieval+` {}`), InBody, "", "syntax"},
		{"member name repeated", dasRequest("POST", "/retrievals", "application/json",
			strings.Replace(validRetrieval, `"dasAccessCode":"AB21"`, `"dasAccessCode":"AB21","dasAccessCode":"FFFF"`, 1)), InBody, "", "syntax"},
		{"body not UTF-8", dasRequest("POST", "/retrievals", "application/json",
			strings.Replace(validRetrieval, `"AB21"`, "\"AB\xff1\"", 1)), InBody, "", "syntax"},
		{"missing required query parameter", dasRequest("GET", "/files", "", ""), InQuery, "fileId", "required"},
		{"bad query parameter", dasRequest("GET", "/files?fileId=a%20b", "", ""), InQuery, "fileId", "pattern"},
		{"no bearer token", func() *http.Request {
			r := dasRequest("GET", "/retrievals/statuses", "", "")
			r.Header.Del("Authorization")
			return r
		}(), InSecurity, "Authorization", "oauth2 bearer token"},
		{"unknown path", dasRequest("GET", "/retrieval", "", ""), InRoute, "", "operation"},
		{"wrong method", dasRequest("PATCH", "/retrievals", "", ""), InRoute, "", "method"},
		{"wrong base path", func() *http.Request {
			r := dasRequest("GET", "/retrievals/statuses", "", "")
			r.URL.Path = "/das/v2/requests/retrievals/statuses"
			return r
		}(), InRoute, "", "operation"},
		{"notification with neither shape", dasRequest("POST", "/notifications", "application/json",
			`{"requestAckId":"x1","requestStatusCategory":"done"}`), InBody, "", ""},
		{"error notification without errorCode", dasRequest("POST", "/notifications", "application/json",
			`{"requestAckId":"x1","requestStatusCategory":"error","statusMessage":"boom"}`), InBody, "/errorCode", "required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, vs := validate(c, tc.req)
			if tc.wantIn == "" {
				if len(vs) != 0 {
					t.Fatalf("valid request flagged: %v", vs)
				}
				return
			}
			if len(vs) == 0 {
				t.Fatalf("broken request passed; want a violation in %s %s", tc.wantIn, tc.wantPointer)
			}
			for _, v := range vs {
				if v.In == tc.wantIn && (tc.wantPointer == "" || v.Pointer == tc.wantPointer) &&
					(tc.wantRule == "" || v.Rule == tc.wantRule) {
					if v.Message == "" || v.Side != "request" {
						t.Errorf("violation lacks a message or side: %+v", v)
					}
					return
				}
			}
			t.Fatalf("want in=%s pointer=%s rule=%s, got %+v", tc.wantIn, tc.wantPointer, tc.wantRule, vs)
		})
	}
}

func TestResponseValidation(t *testing.T) {
	c := DAS()
	req := dasRequest("GET", "/retrievals/statuses", "", "")
	route, vs := validate(c, req)
	if len(vs) > 0 {
		t.Fatal(vs)
	}
	jsonHeader := http.Header{"Content-Type": {"application/json"}}
	cases := []struct {
		name     string
		status   int
		header   http.Header
		body     string
		wantIn   string
		wantRule string
	}{
		{"valid bag", 200, jsonHeader, validStatusBag, "", ""},
		{"valid WIPO error, wrapped shape", 400, jsonHeader,
			`{"error":{"code":"INVALID_INPUT_DATA","message":null,"details":[{"code":-7,"message":"not registered"}]}}`, "", ""},
		{"valid WIPO error, flat shape", 404, jsonHeader,
			`{"code":"NOT_FOUND","message":null,"details":[{"code":-32,"message":"no such ack id"}]}`, "", ""},
		{"undocumented status", 418, jsonHeader, validStatusBag, InStatus, "documented status"},
		{"undocumented content type", 200, http.Header{"Content-Type": {"text/html"}}, "<html/>", InContentType, "media type"},
		{"missing field in response", 200, jsonHeader,
			strings.Replace(validStatusBag, `"operationCategory":"retrieval",`, "", 1), InBody, "required"},
		{"error body in no known shape", 400, jsonHeader, `{"message":"bad"}`, InBody, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vs := c.ValidateResponse(context.Background(), route, req, tc.status, tc.header, []byte(tc.body))
			if tc.wantIn == "" {
				if len(vs) > 0 {
					t.Fatalf("valid response flagged: %v", vs)
				}
				return
			}
			for _, v := range vs {
				if v.In == tc.wantIn && (tc.wantRule == "" || v.Rule == tc.wantRule) && v.Side == "response" {
					if tc.wantIn == InStatus && (v.Actual != "418" || !strings.Contains(v.Expected, "200")) {
						t.Errorf("status violation should say expected vs actual: %+v", v)
					}
					return
				}
			}
			t.Fatalf("want in=%s rule=%s, got %+v", tc.wantIn, tc.wantRule, vs)
		})
	}
}

func TestNoContentResponseMustBeEmpty(t *testing.T) {
	c := DAS()
	req := dasRequest("POST", "/notifications", "application/json",
		`{"requestAckId":"x1","requestStatusCategory":"success","documentAvailabilityDate":"2026-01-05T09:00:02Z"}`)
	route, vs := validate(c, req)
	if len(vs) > 0 {
		t.Fatal(vs)
	}
	if vs := c.ValidateResponse(context.Background(), route, req, 204, http.Header{}, nil); len(vs) > 0 {
		t.Fatalf("empty 204 flagged: %v", vs)
	}
	vs = c.ValidateResponse(context.Background(), route, req, 201, http.Header{"Content-Type": {"application/json"}}, []byte(`{}`))
	if len(vs) == 0 {
		t.Fatal("201 to a notification (WIPO answers 204 since 2024-12-12) passed")
	}
	vs = c.ValidateResponse(context.Background(), route, req, 204, http.Header{"Content-Type": {"application/json"}}, []byte(`{"ok":true}`))
	if len(vs) == 0 || vs[0].Rule != "no content" {
		t.Fatalf("204 with a body: got %v", vs)
	}
}

func TestSecretsNeverAppearInViolations(t *testing.T) {
	c := DAS()
	const secret = "ZZZQ9"
	_, vs := validate(c, dasRequest("POST", "/retrievals", "application/json",
		strings.Replace(validRetrieval, `"AB21"`, `"`+secret+`"`, 1)))
	if len(vs) == 0 {
		t.Fatal("bad access code passed")
	}
	for _, v := range vs {
		if strings.Contains(v.String(), secret) || strings.Contains(v.Actual, secret) {
			t.Fatalf("secret leaked: %s", v)
		}
		if v.Pointer == "/dasAccessCode" && !strings.Contains(v.Actual, "redacted secret of 5 characters") {
			t.Errorf("actual should describe the redacted value, got %q", v.Actual)
		}
	}
}

// The body decoder's own refusals say what is wrong and where, not just
// "cannot be decoded".
func TestJSONBodyRefusalsExplainThemselves(t *testing.T) {
	c := DAS()
	cases := map[string]struct{ body, want string }{
		"trailing":  {validRetrieval + ` {}`, "invalid character '{' after top-level value"},
		"duplicate": {strings.Replace(validRetrieval, `"dasAccessCode":"AB21"`, `"dasAccessCode":"AB21","dasAccessCode":"FFFF"`, 1), `member "dasAccessCode" appears twice in the object at "/"`},
		"nested":    {`{"a":{"b/c":{"x":1,"x":2}}}`, `member "x" appears twice in the object at "/a/b~1c"`},
		"not utf-8": {strings.Replace(validRetrieval, `"AB21"`, "\"AB\xff1\"", 1), "not UTF-8 (RFC 8259 §8.1)"},
	}
	for name, tc := range cases {
		_, vs := validate(c, dasRequest("POST", "/retrievals", "application/json", tc.body))
		found := false
		for _, v := range vs {
			found = found || (v.Rule == "syntax" && strings.Contains(v.Message, tc.want))
		}
		if !found {
			t.Errorf("%s: want a syntax violation saying %q, got %v", name, tc.want, vs)
		}
	}
}
