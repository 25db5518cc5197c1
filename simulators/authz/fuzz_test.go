package authz

import (
	"errors"
	"net/http"
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
