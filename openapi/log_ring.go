package openapi

import (
	"encoding/json"
	"io"
)

// ring is what a bounded Log adds: its size, where the oldest exchange
// sits once the ring is full, how many it has forgotten, and the JSON-lines
// file every exchange is appended to.
type ring struct {
	limit   int
	start   int
	dropped int64
	spill   io.Writer
	written int64
	failed  error // the first failed append; appends stop there
}

// NewLog returns a Log that keeps the last limit exchanges (limit <= 0:
// all of them) and, when spill is not nil, appends every exchange to it as
// one JSON object per line, as it is recorded, so nothing is lost to the
// ring. A world that serves for days (dasim serve) then holds a bounded
// log: at about 1 KB per exchange, an unbounded one grew 350 MB over
// 300,000 requests (issue 15).
func NewLog(limit int, spill io.Writer) *Log {
	return &Log{ring: ring{limit: max(limit, 0), spill: spill}}
}

// spillLocked appends e to the spill file; l.mu is held.
func (r *ring) spillLocked(e Exchange) {
	if r.spill == nil || r.failed != nil {
		return
	}
	b, err := json.Marshal(e)
	if err == nil {
		_, err = r.spill.Write(append(b, '\n'))
	}
	if err != nil {
		r.failed = err
		return
	}
	r.written++
}

// LogStats counts what a Log recorded beyond what it keeps.
type LogStats struct {
	Kept    int   `json:"kept"`
	Limit   int   `json:"limit"`   // 0: unbounded
	Dropped int64 `json:"dropped"` // forgotten by the ring, oldest first
	Spilled int64 `json:"spilled"` // appended to the JSON-lines file
	// SpillError is the append that failed, after which none is made.
	SpillError string `json:"spillError,omitempty"`
}

// Stats returns the counts of l.
func (l *Log) Stats() LogStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := LogStats{Kept: len(l.exchanges), Limit: l.ring.limit, Dropped: l.ring.dropped, Spilled: l.ring.written}
	if l.ring.failed != nil {
		s.SpillError = l.ring.failed.Error()
	}
	return s
}
