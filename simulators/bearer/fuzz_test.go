package bearer

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// FuzzVerify feeds arbitrary bearer tokens to the verifier (JWS split,
// header, key lookup, signature, claims, time, whitelist): it must never
// panic, must accept only the tokens the issuer signed, and must refuse
// every other with a check id and an RFC 6750 status.
func FuzzVerify(f *testing.F) {
	e := newEnv(f, nil)
	good := e.token("ep-client")
	f.Add(good)
	f.Add(good[:len(good)-2])
	p := strings.Split(good, ".")
	f.Add(p[0] + "." + b64.EncodeToString([]byte(`{"iss":1,"exp":1e300,"nbf":"x","aud":[[]],"scope":{}}`)) + "." + p[2])
	f.Add(b64.EncodeToString([]byte(`{"alg":"RS256","kid":"`+strings.Repeat("k", 300)+`"}`)) + ".e30.")
	f.Add("a.b.c")
	f.Add("....")
	f.Fuzz(func(t *testing.T, token string) {
		r, _ := http.NewRequest(http.MethodGet, "http://das.test/x", nil)
		r.Header.Set("Authorization", "Bearer "+token)
		_, verr := e.v.Authenticate(r)
		if _, err := e.v.Verify(context.Background(), token); err == nil && token != good {
			t.Fatalf("accepted a token the issuer did not sign: %q", token)
		}
		if verr == nil {
			return
		}
		if verr.CheckID == "" || (verr.Status != 400 && verr.Status != 401 && verr.Status != 403) {
			t.Fatalf("refusal without check id or with status %d: %+v", verr.Status, verr)
		}
		if protocol.SafeDescription(verr.Description) != verr.Description {
			t.Fatalf("description outside the RFC 6750 charset: %q", verr.Description)
		}
	})
}
