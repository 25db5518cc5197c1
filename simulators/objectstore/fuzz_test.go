package objectstore

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzAuthenticate feeds arbitrary query strings, Authorization headers and
// x-amz-* headers to the front's authentication (the SigV4 query and
// header parsers, the scope, expiry and signature checks): it must never
// panic, and every refusal is an S3 error with a code and a 4xx status.
func FuzzAuthenticate(f *testing.F) {
	w := newWorld(f)
	good, err := url.Parse(w.presignGet("a.pdf").URL)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good.RawQuery, "", "")
	f.Add(strings.Replace(good.RawQuery, "X-Amz-Expires=900", "X-Amz-Expires=-1", 1), "", "")
	f.Add(good.RawQuery, "", "x-amz-acl")
	f.Add("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a/b/c/d/e&X-Amz-Date=2026&X-Amz-Expires=1e9", "", "")
	f.Add("", "AWS4-HMAC-SHA256 Credential="+testAccessKey+"/20260105/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00", "")
	f.Add("", "AWS4-HMAC-SHA256 ,,,=,=", "x-amz-date")
	f.Add("X-Amz-Security-Token=x", "Basic abc", "")
	f.Fuzz(func(t *testing.T, rawQuery, authorization, amzHeader string) {
		r := httptest.NewRequest(http.MethodGet, "/das-library/a.pdf", nil)
		r.URL.RawQuery = rawQuery
		r.Host = good.Host
		if authorization != "" {
			r.Header.Set("Authorization", authorization)
		}
		if amzHeader != "" && validHeaderName(amzHeader) {
			r.Header.Set(amzHeader, "v")
			r.Header.Set("X-Amz-Date", "20260105T090000Z")
		}
		_, s3err := w.server.authenticate(r)
		if s3err != nil && (s3err.Code == "" || s3err.Status < 400 || s3err.Status > 499) {
			t.Fatalf("refusal without an S3 code or 4xx status: %+v", s3err)
		}
	})
}

func validHeaderName(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
