package authz

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// FuzzAssertion feeds arbitrary client_assertion values through the whole
// token endpoint pipeline (parse, identify, header, signature, claims): it
// must never panic and must always answer an OAuth error with a check id and
// a description in the RFC 6749 §5.2 charset, since nothing the fuzzer makes
// is signed by a registered key.
func FuzzAssertion(f *testing.F) {
	w := newWorld(f, ProfileWIPO)
	good := w.seedsAssertion()
	f.Add(good)
	f.Add(good[:len(good)-3])
	f.Add(unsigned(`{"alg":"none"}`, `{"iss":"das-api-auth","sub":"das-api-auth"}`))
	f.Add(unsigned(`{"alg":"ES256","kid":"x"}`, `{"sub":"multi","exp":1e400}`))
	f.Add(unsigned(`{"alg":"PS256"}`, `{"sub":"rsa-client","aud":[1,2],"exp":"x"}`))
	f.Add("a.b.c.d.e")
	f.Add(strings.Repeat(".", 8))
	f.Fuzz(func(t *testing.T, assertion string) {
		if assertion == good {
			return
		}
		tr := &tokenRequest{grantType: "client_credentials", assertionType: AssertionType, assertion: assertion}
		_, oerr := w.srv.authenticate(tr)
		if oerr == nil {
			t.Fatalf("accepted %q", assertion)
		}
		if !errors.Is(oerr, protocol.ErrInvalidClient) || oerr.CheckID == "" || oerr.Status != http.StatusUnauthorized {
			t.Fatalf("%q: %+v", assertion, oerr)
		}
		if protocol.SafeDescription(oerr.Description) != oerr.Description {
			t.Fatalf("%q: description outside the charset: %q", assertion, oerr.Description)
		}
		for _, f := range w.srv.Inspect(assertion, "") {
			if f.CheckID == "" {
				t.Fatalf("Inspect finding without id: %+v", f)
			}
		}
	})
}

// FuzzTokenEndpointForm feeds arbitrary bodies and content types to the
// token endpoint (form parsing, grant and client authentication checks,
// assertion): it must never panic nor fail with 5xx, and every refusal is an
// RFC 6749 §5.2 error body with a check id and a description in its charset.
func FuzzTokenEndpointForm(f *testing.F) {
	w := newWorld(f, ProfileWIPO)
	good := w.seedsAssertion()
	f.Add("application/x-www-form-urlencoded", "grant_type=client_credentials&client_assertion_type="+url.QueryEscape(AssertionType)+"&client_assertion="+good)
	f.Add("application/x-www-form-urlencoded; charset=utf-8", "grant_type=client_credentials&grant_type=password&scope=%zz")
	f.Add("application/json", `{"grant_type":"client_credentials"}`)
	f.Add("application/x-www-form-urlencoded", "client_id=a&client_secret=b&grant_type=client_credentials")
	f.Add("multipart/form-data; boundary=x", "--x--")
	f.Add("application/x-www-form-urlencoded", strings.Repeat("a=b&", 5000))
	endpoint, _ := url.Parse(w.srv.TokenEndpoint())
	f.Fuzz(func(t *testing.T, contentType, body string) {
		r := httptest.NewRequest(http.MethodPost, endpoint.Path, strings.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		w.srv.Handler().ServeHTTP(rec, r)
		if rec.Code == http.StatusOK {
			return // the seed's own assertion, used once
		}
		var oe protocol.OAuthError
		if rec.Code >= 500 || json.Unmarshal(rec.Body.Bytes(), &oe) != nil || oe.Code == "" || oe.CheckID == "" {
			t.Fatalf("%s %q: %d %s", contentType, body, rec.Code, rec.Body)
		}
		if protocol.SafeDescription(oe.Description) != oe.Description {
			t.Fatalf("description outside the charset: %q", oe.Description)
		}
	})
}
