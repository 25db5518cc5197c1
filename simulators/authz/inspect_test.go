package authz

import (
	"testing"
)

func TestInspectCollectsEveryFinding(t *testing.T) {
	w := newWorld(t, ProfileFAPI)
	c := w.claims(clientA)
	delete(c, "jti")
	c["aud"] = w.srv.TokenEndpoint()
	c["exp"] = w.clock.Now().Unix() - 300
	a := sign(t, w.keyA, map[string]any{"typ": "at+jwt"}, mustJSON(t, c))
	var ids []string
	for _, f := range w.srv.Inspect(a, "") {
		ids = append(ids, f.CheckID)
	}
	want := []string{"N29", "N44", "N49", "N53"}
	if len(ids) != len(want) {
		t.Fatalf("findings %v, want %v", ids, want)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("findings %v, want %v", ids, want)
		}
	}
	if f := w.srv.Inspect(w.seedsAssertion(), ""); len(f) != 0 {
		t.Fatalf("valid assertion: %v", f)
	}
}
