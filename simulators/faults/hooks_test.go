package faults

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/lifecycle"
)

// sentLog collects what an outbox sent, in order.
type sentLog struct {
	mu   sync.Mutex
	sent []string
}

func (l *sentLog) send(name string) func() {
	return func() { l.mu.Lock(); l.sent = append(l.sent, name); l.mu.Unlock() }
}

func (l *sentLog) get() []string { l.mu.Lock(); defer l.mu.Unlock(); return slices.Clone(l.sent) }

func TestOutboxFaults(t *testing.T) {
	tests := []struct {
		name   string
		rule   Rule
		before []string // sent right after A and B were delivered
		after  []string // sent once the clock moved 2 minutes
	}{
		{"none", Rule{Party: "office JP", Kind: NotificationDropped}, []string{"A", "B"}, []string{"A", "B"}},
		{"dropped", Rule{Kind: NotificationDropped}, []string{"B"}, []string{"B"}},
		{"duplicated", Rule{Kind: NotificationDuplicated, Copies: 3}, []string{"A", "A", "A", "B"}, []string{"A", "A", "A", "B"}},
		{"delayed", Rule{Kind: NotificationDelayed, Delay: Duration(time.Minute)}, []string{"B"}, []string{"B", "A"}},
		{"out of order", Rule{Kind: NotificationOutOfOrder}, []string{"B", "A"}, []string{"B", "A"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, v := newSet(t)
			if tt.rule.Party == "" {
				tt.rule.Party = "office EE"
			}
			tt.rule.Operation, tt.rule.Remaining = "notify", 1
			mustAdd(t, s, tt.rule)
			var log sentLog
			out := s.Outbox("office EE", lifecycle.New(t.Context(), v))
			out.Deliver("notify", log.send("A"))
			out.Deliver("notify", log.send("B"))
			if got := log.get(); !slices.Equal(got, tt.before) {
				t.Errorf("sent %v, want %v", got, tt.before)
			}
			v.Advance(2 * time.Minute)
			if got := log.get(); !slices.Equal(got, tt.after) {
				t.Errorf("after 2m sent %v, want %v", got, tt.after)
			}
			if want := tt.name != "none"; (len(s.Events()) == 1) != want {
				t.Errorf("events %v, want one: %v", s.Events(), want)
			}
		})
	}
}

func TestOutOfOrderGoesOutAloneAfterItsHoldBack(t *testing.T) {
	s, v := newSet(t)
	mustAdd(t, s, Rule{Party: "das", Operation: "notify", Kind: NotificationOutOfOrder, Delay: Duration(10 * time.Second)})
	var log sentLog
	s.Outbox("das", lifecycle.New(t.Context(), v)).Deliver("notify", log.send("A"))
	v.Advance(9 * time.Second)
	if len(log.get()) != 0 {
		t.Fatal("sent before its hold-back")
	}
	v.Advance(time.Second)
	if got := log.get(); !slices.Equal(got, []string{"A"}) {
		t.Fatalf("sent %v, want [A]", got)
	}
}

func TestUploadFaults(t *testing.T) {
	body := bytes.Repeat([]byte("priority document "), 100)
	s, _ := newSet(t)
	mustAdd(t, s, Rule{Party: "office EE", Operation: OpUploadFile, Kind: WrongChecksum, Remaining: 1})
	r, n := s.Upload("office EE", OpUploadFile, body)
	sent, _ := io.ReadAll(r)
	if n != int64(len(body)) || len(sent) != len(body) || sha256.Sum256(sent) == sha256.Sum256(body) {
		t.Errorf("wrong-checksum: sent %d bytes announcing %d, same hash %v", len(sent), n, sha256.Sum256(sent) == sha256.Sum256(body))
	}
	mustAdd(t, s, Rule{Party: "office EE", Operation: OpUploadFile, Kind: TruncatedUpload, KeepBytes: 100, Remaining: 1})
	r, n = s.Upload("office EE", OpUploadFile, body)
	sent, err := io.ReadAll(r)
	if !errors.Is(err, ErrTruncatedUpload) {
		t.Errorf("truncated body ended with %v, want ErrTruncatedUpload", err)
	}
	if len(sent) != 100 || n != int64(len(body)) {
		t.Errorf("truncated: sent %d announcing %d, want 100 announcing %d", len(sent), n, len(body))
	}
	r, _ = s.Upload("office EE", OpUploadFile, body)
	if sent, _ = io.ReadAll(r); !bytes.Equal(sent, body) {
		t.Error("rules used up, yet the body was altered")
	}
	if ev := onlyEvent(t, s, TruncatedUpload); ev.Detail != "sent 100 of 1800 announced bytes" {
		t.Errorf("detail %q", ev.Detail)
	}
	onlyEvent(t, s, WrongChecksum)
}

// TestTruncatedUploadOverHTTP shows what the receiver of a truncated upload
// sees: the announced Content-Length, then the connection ends early.
func TestTruncatedUploadOverHTTP(t *testing.T) {
	got := make(chan string, 1)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		got <- func() string {
			if err != nil {
				return fmt.Sprintf("read %d bytes then %v", len(b), err)
			}
			return "complete"
		}()
	}))
	defer ts.Close()
	s, _ := newSet(t)
	mustAdd(t, s, Rule{Party: "office EE", Kind: TruncatedUpload, KeepBytes: 300})
	sent, n := s.Upload("office EE", OpUploadFile, bytes.Repeat([]byte{'x'}, 1000))
	req, _ := http.NewRequest(http.MethodPut, ts.URL, sent)
	req.ContentLength = n
	if res, err := ts.Client().Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("client: %s, want an error for a body shorter than Content-Length", res.Status)
	}
	if s := <-got; s != "read 300 bytes then unexpected EOF" {
		t.Errorf("server: %s", s)
	}
}

func TestServedAndExpiredURL(t *testing.T) {
	s, _ := newSet(t)
	mustAdd(t, s, Rule{Party: "office EE", Operation: OpDownloadFile, Kind: WrongChecksum, Remaining: 1})
	mustAdd(t, s, Rule{Party: "office EE", Operation: "getFileDownloadUrl", Kind: ExpiredDownloadURL, Remaining: 1})
	if s.ExpireURL("office EE", "requestFileDownloadUrl") {
		t.Error("expired a URL of another operation")
	}
	if !s.ExpireURL("office EE", "getFileDownloadUrl") || s.ExpireURL("office EE", "getFileDownloadUrl") {
		t.Error("ExpireURL should fire exactly once")
	}
	if bytes.Equal(s.Served("office EE", OpDownloadFile, []byte("abc")), []byte("abc")) {
		t.Error("served bytes not altered")
	}
	onlyEvent(t, s, ExpiredDownloadURL)
	onlyEvent(t, s, WrongChecksum)
}

func TestNilSetNeverFires(t *testing.T) {
	var s *Set
	if s.ExpireURL("das", "x") {
		t.Error("nil set fired")
	}
	var log sentLog
	s.Outbox("das", lifecycle.New(t.Context(), clock.System())).Deliver("notify", log.send("A"))
	if len(log.get()) != 1 {
		t.Error("nil set outbox did not send")
	}
}

func TestCountIsExactUnderConcurrency(t *testing.T) {
	s, _ := newSet(t)
	mustAdd(t, s, Rule{Party: Any, Kind: ExpiredDownloadURL, Remaining: 25})
	var wg sync.WaitGroup
	var mu sync.Mutex
	fired := 0
	for range 100 {
		wg.Go(func() {
			if s.ExpireURL("office EE", "getFileDownloadUrl") {
				mu.Lock()
				fired++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if fired != 25 || len(s.Events()) != 25 || len(s.Rules()) != 0 {
		t.Errorf("fired %d, events %d, rules %d; want 25, 25, 0", fired, len(s.Events()), len(s.Rules()))
	}
}
