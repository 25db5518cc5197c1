package openapi

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
)

func TestBoundedLogKeepsTheLastExchangesCountsAndSpillsAll(t *testing.T) {
	var file bytes.Buffer
	l := NewLog(3, &file)
	for i := range 10 {
		l.Record(Exchange{Method: "GET", URL: fmt.Sprintf("/%d", i)})
	}
	got := l.Exchanges()
	if len(got) != 3 || got[0].URL != "/7" || got[2].URL != "/9" {
		t.Fatalf("kept %+v, want /7 /8 /9", got)
	}
	if s := l.Stats(); s.Kept != 3 || s.Dropped != 7 || s.Spilled != 10 || s.Limit != 3 {
		t.Fatalf("stats %+v", s)
	}
	sc := bufio.NewScanner(&file)
	n := 0
	for sc.Scan() {
		var e Exchange
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.URL != fmt.Sprintf("/%d", n) {
			t.Fatalf("line %d: %s (%v)", n, sc.Bytes(), err)
		}
		n++
	}
	if n != 10 {
		t.Fatalf("%d lines spilled, want 10", n)
	}
	l.Reset()
	if len(l.Exchanges()) != 0 || l.Stats().Dropped != 0 {
		t.Fatal("Reset kept something")
	}
	var unbounded Log
	for range 5 {
		unbounded.Record(Exchange{})
	}
	if len(unbounded.Exchanges()) != 5 || unbounded.Stats().Dropped != 0 {
		t.Fatal("the zero Log must keep everything")
	}
}

type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n++; w.n > 1 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestSpillStopsAtTheFirstFailedAppendAndSaysSo(t *testing.T) {
	l := NewLog(2, &failingWriter{})
	for range 4 {
		l.Record(Exchange{})
	}
	if s := l.Stats(); s.Spilled != 1 || s.SpillError != "disk full" || s.Kept != 2 {
		t.Fatalf("stats %+v", s)
	}
}
