package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/openapi"
)

const testAdminToken = "test-admin-token-0123456789"

// adminWorld is a world with its admin endpoint on its own listener.
func adminWorld(t *testing.T, virtual bool) (*harness.World, string) {
	t.Helper()
	w, err := harness.Start(context.Background(), harness.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	url, err := listenAdmin(w, "", adminConfig{Token: testAdminToken, TokenFile: "/run/dasim-admin-token", VirtualClock: virtual})
	if err != nil {
		t.Fatal(err)
	}
	return w, url
}

func adminRequest(t *testing.T, w *harness.World, method, url, token string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := w.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestAdminRefusesRequestsWithoutItsToken(t *testing.T) {
	w, url := adminWorld(t, true)
	for _, c := range []struct{ name, token, challenge, body string }{
		{"no token", "", `Bearer realm="dasim admin"`, "needs Authorization: Bearer with the token in /run/dasim-admin-token"},
		{"wrong token", "guess", `error="invalid_token"`, "does not match"},
	} {
		for _, path := range []string{"/clock", "/exchanges", "/faults", "/events", "/sequence.svg?ack=x"} {
			res, body := adminRequest(t, w, http.MethodGet, url+path, c.token)
			if res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.Header.Get("WWW-Authenticate"), c.challenge) ||
				!strings.Contains(body, c.body) || !strings.Contains(body, `"error":"invalid_token"`) {
				t.Errorf("%s, GET %s: %d %q %s", c.name, path, res.StatusCode, res.Header.Get("WWW-Authenticate"), body)
			}
		}
	}
	if res, _ := adminRequest(t, w, http.MethodPost, url+"/clock/advance?by=168h", ""); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("advancing without the token: %d", res.StatusCode)
	}
	if res, body := adminRequest(t, w, http.MethodGet, url+"/", ""); res.StatusCode != http.StatusOK || !strings.Contains(body, "dasim live console") {
		t.Errorf("console page: %d", res.StatusCode)
	}
	if _, err := adminHandler(w, adminConfig{Token: "short"}); err == nil {
		t.Error("a short admin token was accepted")
	}
}

func TestAdminAdvancesOnlyAVirtualClock(t *testing.T) {
	w, url := adminWorld(t, false)
	before := w.Clock.Now()
	res, body := adminRequest(t, w, http.MethodPost, url+"/clock/advance?by=168h", testAdminToken)
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "--clock virtual") || !w.Clock.Now().Equal(before) {
		t.Fatalf("system clock: %d %s, moved %v", res.StatusCode, body, w.Clock.Now().Sub(before))
	}
	w, url = adminWorld(t, true)
	before = w.Clock.Now()
	res, body = adminRequest(t, w, http.MethodPost, url+"/clock/advance?by=168h", testAdminToken)
	if res.StatusCode != http.StatusOK || w.Clock.Now().Sub(before) != 168*time.Hour {
		t.Fatalf("virtual clock: %d %s, moved %v", res.StatusCode, body, w.Clock.Now().Sub(before))
	}
}

// TestAdminEventsStreamEachNewCall connects as the console does and sees a
// call made after it connected arrive, stamped with the world's clock.
func TestAdminEventsStreamEachNewCall(t *testing.T) {
	w, url := adminWorld(t, true)
	req, _ := http.NewRequest(http.MethodGet, url+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := w.HTTPClient().Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	events := bufio.NewScanner(res.Body)
	next := func() (event, data string) {
		for events.Scan() {
			line := events.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data = strings.TrimPrefix(line, "data: ")
			case line == "" && event != "":
				return event, data
			}
		}
		t.Fatalf("stream ended: %v", events.Err())
		return "", ""
	}
	for ev, _ := next(); ev != "ready"; ev, _ = next() {
	}
	disco, err := w.HTTPClient().Get(w.AuthZ.Issuer() + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	disco.Body.Close()
	ev, data := next()
	var c ConsoleCall
	if err := json.Unmarshal([]byte(data), &c); err != nil || ev != "call" {
		t.Fatalf("event %q %s: %v", ev, data, err)
	}
	if c.Operation != "getOpenIDConfiguration" || c.To != "authz" || !c.At.Equal(w.Clock.Now()) || c.Server == nil {
		t.Fatalf("streamed call %+v, want the discovery request at %v", c, w.Clock.Now())
	}
}

func TestAdminDrawsTheSequenceOfARetrieval(t *testing.T) {
	w, url := adminWorld(t, true)
	res, body := adminRequest(t, w, http.MethodGet, url+"/sequence.svg?ack=nosuch", testAdminToken)
	if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "no recorded call names request ack id nosuch") {
		t.Fatalf("unknown ack: %d %s", res.StatusCode, body)
	}
	if res, _ := adminRequest(t, w, http.MethodGet, url+"/sequence.svg", testAdminToken); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("no ack: %d", res.StatusCode)
	}
	ack := "7d0c1e52-93b4-4a8e-b1f6-2c5d8e9a0b13"
	w.Feed.Record(openapi.Exchange{Recorder: "server", Contract: "das.yaml", Operation: "getRetrievalStatuses", Method: "GET",
		URL: "/das/v1/requests/retrievals/statuses?requestAckId=" + ack, Status: 200, Labels: openapi.Labels{Party: "das", Peer: "office EE"}})
	res, body = adminRequest(t, w, http.MethodGet, url+"/sequence.svg?ack="+ack, testAdminToken)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/svg+xml" ||
		!strings.Contains(body, "getRetrievalStatuses → 200") || !strings.Contains(body, "office EE") {
		t.Fatalf("diagram: %d %s\n%.300s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
}
