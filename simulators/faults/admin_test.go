package faults

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/lifecycle"
)

func call(t *testing.T, ts *httptest.Server, method, path, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	res, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestAdminEndpoint(t *testing.T) {
	s, _ := newSet(t)
	ts := httptest.NewServer(s.AdminHandler())
	defer ts.Close()

	code, body := call(t, ts, http.MethodPut, "/", `[{"party":"office EE","operation":"notify","kind":"notification-delayed","delay":"90s","remaining":2},
		{"party":"das","kind":"server-error","status":503}]`)
	if code != http.StatusOK {
		t.Fatalf("PUT: %d %s", code, body)
	}
	var added []Rule
	if err := json.Unmarshal([]byte(body), &added); err != nil || len(added) != 2 || added[0].ID == "" {
		t.Fatalf("PUT answer %s (%v)", body, err)
	}
	if added[0].Delay.String() != "1m30s" {
		t.Errorf("delay %v, want 1m30s", added[0].Delay)
	}

	s.ExpireURL("x", "y") // no rule: no event
	s.Outbox("office EE", lifecycle.New(t.Context(), clock.System())).Deliver("notify", func() {})
	code, body = call(t, ts, http.MethodGet, "/", "")
	var st State
	if err := json.Unmarshal([]byte(body), &st); err != nil || code != 200 {
		t.Fatalf("GET: %d %s", code, body)
	}
	if len(st.Rules) != 2 || st.Rules[0].Remaining != 1 || len(st.Events) != 1 || st.Events[0].Kind != NotificationDelayed {
		t.Errorf("GET state %s", body)
	}

	if code, body = call(t, ts, http.MethodDelete, "/?id="+added[1].ID, ""); code != http.StatusNoContent {
		t.Errorf("DELETE one: %d %s", code, body)
	}
	if code, _ = call(t, ts, http.MethodDelete, "/?id=nope", ""); code != http.StatusNotFound {
		t.Errorf("DELETE unknown: %d, want 404", code)
	}
	if code, _ = call(t, ts, http.MethodDelete, "/", ""); code != http.StatusNoContent || len(s.Rules()) != 0 {
		t.Errorf("DELETE all: %d, rules %v", code, s.Rules())
	}
}

func TestAdminRefusesBadRules(t *testing.T) {
	s, _ := newSet(t)
	ts := httptest.NewServer(s.AdminHandler())
	defer ts.Close()
	code, body := call(t, ts, http.MethodPut, "/", `[{"party":"das","kind":"slow"},{"kind":"explode","status":200}]`)
	if code != http.StatusBadRequest {
		t.Fatalf("got %d, want 400", code)
	}
	var answer struct{ Error string }
	_ = json.Unmarshal([]byte(body), &answer)
	for _, want := range []string{"rule 0: slow needs a delay", "rule 1: party is required", `kind "explode" is not one of`} {
		if !strings.Contains(answer.Error, want) {
			t.Errorf("answer %s lacks %q", body, want)
		}
	}
	if len(s.Rules()) != 0 {
		t.Error("a refused PUT switched rules on")
	}
	if code, _ = call(t, ts, http.MethodPost, "/", "{}"); code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", code)
	}
}
