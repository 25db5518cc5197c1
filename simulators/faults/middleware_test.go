package faults

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/protocol"
)

func serve(t *testing.T, s *Set) *httptest.Server {
	t.Helper()
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	ts := httptest.NewServer(s.Middleware("office EE", nil, ok, nil))
	t.Cleanup(ts.Close)
	return ts
}

func notify(ts *httptest.Server) (*http.Response, error) {
	return ts.Client().Post(ts.URL+"/das/v1/requests/notifications", "application/json", nil)
}

func TestUnreachableClosesTheConnection(t *testing.T) {
	s, v := newSet(t)
	ts := serve(t, s)
	mustAdd(t, s, Rule{Party: "office EE", Operation: "notify", Kind: Unreachable, Remaining: 1})
	v.Advance(time.Hour)

	if res, err := notify(ts); err == nil {
		res.Body.Close()
		t.Fatalf("got %s, want a transport error", res.Status)
	}
	ev := onlyEvent(t, s, Unreachable)
	if !ev.At.Equal(epoch.Add(time.Hour)) || ev.Operation != "notify" || ev.Party != "office EE" {
		t.Errorf("event %+v: want notify by office EE at %v", ev, epoch.Add(time.Hour))
	}
	res, err := notify(ts)
	if err != nil || res.StatusCode != http.StatusNoContent {
		t.Fatalf("after the one use: %v %v, want 204", res, err)
	}
	res.Body.Close()
	if len(s.Rules()) != 0 {
		t.Errorf("rule with Remaining 1 still on: %v", s.Rules())
	}
}

func TestServerErrorAnswersTheWIPOBody(t *testing.T) {
	s, _ := newSet(t)
	ts := serve(t, s)
	mustAdd(t, s, Rule{Party: "office EE", Operation: "notify", Kind: ServerError, Status: 502})

	for range 2 { // Remaining 0: fires until cleared
		res, err := notify(ts)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		e, _, ok := protocol.ParseDASError(body)
		if res.StatusCode != 502 || !ok || e.Code != protocol.CodeSystemError || !e.HasDetail(protocol.DetailInternal) {
			t.Fatalf("got %d %s, want 502 SYSTEM_ERROR -199", res.StatusCode, body)
		}
	}
	if n := len(s.EventsOf(ServerError)); n != 2 {
		t.Errorf("%d events, want 2", n)
	}
}

func TestOtherOperationsAndPartiesAreUntouched(t *testing.T) {
	s, _ := newSet(t)
	ts := serve(t, s)
	mustAdd(t, s, Rule{Party: "office EE", Operation: "requestRetrieval", Kind: ServerError})
	mustAdd(t, s, Rule{Party: "office JP", Kind: Unreachable})
	res, err := notify(ts)
	if err != nil || res.StatusCode != http.StatusNoContent {
		t.Fatalf("%v %v, want 204", res, err)
	}
	res.Body.Close()
	if ev := s.Events(); len(ev) != 0 {
		t.Errorf("events %v, want none", ev)
	}
}

func TestSlowWaitsForTheWorldClock(t *testing.T) {
	s, v := newSet(t)
	ts := serve(t, s)
	mustAdd(t, s, Rule{Party: Any, Kind: Slow, Delay: Duration(30 * time.Second)})
	got := make(chan int, 1)
	go func() {
		res, err := notify(ts)
		if err != nil {
			got <- -1
			return
		}
		res.Body.Close()
		got <- res.StatusCode
	}()
	waitPending(t, v, 1)
	select {
	case c := <-got:
		t.Fatalf("answered %d before the clock moved", c)
	default:
	}
	v.Advance(29 * time.Second)
	if v.Pending() != 1 {
		t.Fatal("request released before its 30s")
	}
	v.Advance(time.Second)
	if c := <-got; c != http.StatusNoContent {
		t.Fatalf("status %d, want 204 after the delay", c)
	}
	if ev := onlyEvent(t, s, Slow); ev.Detail != "held 30s on the world clock" {
		t.Errorf("detail %q", ev.Detail)
	}
}

func TestSlowInRealTime(t *testing.T) {
	s, v := newSet(t)
	ts := serve(t, s)
	mustAdd(t, s, Rule{Party: "office EE", Kind: Slow, Delay: Duration(20 * time.Millisecond), RealTime: true})
	res, err := notify(ts)
	if err != nil || res.StatusCode != http.StatusNoContent {
		t.Fatalf("%v %v", res, err)
	}
	res.Body.Close()
	if v.Pending() != 0 {
		t.Error("a real-time delay used the world clock")
	}
	onlyEvent(t, s, Slow)
}
