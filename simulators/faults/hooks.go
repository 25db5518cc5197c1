package faults

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/wipo-das/dasim/simulators/lifecycle"
)

// DefaultHoldBack is how long an out-of-order notification waits for a later
// one to overtake it before it goes out anyway.
const DefaultHoldBack = time.Minute

// Outbox sends one party's notifications through the notification faults.
// A party keeps one Outbox and calls Deliver for each notification it would
// send; send does the actual call (with the party's own retries). Delayed
// and held-back notifications wait as tracked timers of the party's
// lifecycle group, so Settle sees them run and Close stops them.
type Outbox struct {
	set   *Set
	party string
	group *lifecycle.Group

	mu   sync.Mutex
	held []func()
}

// Outbox returns the outbox of party, whose timers run in g. A nil Set
// gives an outbox that always sends at once.
func (s *Set) Outbox(party string, g *lifecycle.Group) *Outbox {
	return &Outbox{set: s, party: party, group: g}
}

// Deliver sends a notification of operation (usually "notify") through the
// faults: dropped, duplicated, delayed on the world clock, or held back until
// the next notification of this outbox has gone out ("out of order").
// Immediate sends run in the caller's goroutine; delayed ones on the clock.
func (o *Outbox) Deliver(operation string, send func()) {
	rule, ok := o.set.take(o.party, operation, notifyDetail, NotificationDropped, NotificationDuplicated,
		NotificationDelayed, NotificationOutOfOrder)
	if !ok {
		send()
		o.flush()
		return
	}
	switch rule.Kind {
	case NotificationDropped:
	case NotificationDuplicated:
		for range copies(rule) {
			send()
		}
		o.flush()
	case NotificationDelayed:
		o.group.AfterFunc(time.Duration(rule.Delay), func(context.Context) { send() })
	case NotificationOutOfOrder:
		once := sync.OnceFunc(send)
		o.mu.Lock()
		o.held = append(o.held, once)
		o.mu.Unlock()
		o.group.AfterFunc(holdBack(rule), func(context.Context) { once() })
	}
}

// flush sends the notifications held back, now that a later one went out.
func (o *Outbox) flush() {
	o.mu.Lock()
	held := o.held
	o.held = nil
	o.mu.Unlock()
	for _, f := range held {
		f()
	}
}

func copies(r Rule) int {
	if r.Copies == 0 {
		return 2
	}
	return r.Copies
}

func holdBack(r Rule) time.Duration {
	if r.Delay == 0 {
		return DefaultHoldBack
	}
	return time.Duration(r.Delay)
}

func notifyDetail(r Rule) string {
	switch r.Kind {
	case NotificationDropped:
		return "notification not sent"
	case NotificationDuplicated:
		return fmt.Sprintf("notification sent %d times", copies(r))
	case NotificationDelayed:
		return fmt.Sprintf("notification sent %v late on the world clock", time.Duration(r.Delay))
	case NotificationOutOfOrder:
		return fmt.Sprintf("notification held back until the next one (at most %v)", holdBack(r))
	}
	return string(r.Kind)
}

// ErrTruncatedUpload ends the body of a TruncatedUpload after its kept bytes.
var ErrTruncatedUpload = errors.New("faults: upload truncated on purpose")

// Upload returns what party should send when it PUTs body to an upload URL
// (operation usually OpUploadFile): the body and the Content-Length to
// announce. WrongChecksum alters one byte. TruncatedUpload announces
// len(body) but yields KeepBytes (default half) and then ErrTruncatedUpload,
// on which net/http's client closes the connection: the receiver reads fewer
// bytes than announced, then EOF, as when an uploader dies mid-transfer. (A
// plain short body would leave the connection open and the receiver waiting.)
func (s *Set) Upload(party, operation string, body []byte) (sent io.Reader, contentLength int64) {
	rule, ok := s.take(party, operation, func(r Rule) string {
		if r.Kind == TruncatedUpload {
			return fmt.Sprintf("sent %d of %d announced bytes", keep(r, body), len(body))
		}
		return fmt.Sprintf("one of %d uploaded bytes altered", len(body))
	}, WrongChecksum, TruncatedUpload)
	if !ok {
		return bytes.NewReader(body), int64(len(body))
	}
	if rule.Kind == TruncatedUpload {
		return io.MultiReader(bytes.NewReader(body[:keep(rule, body)]), failingReader{}), int64(len(body))
	}
	return bytes.NewReader(alter(body)), int64(len(body))
}

// Served returns the bytes party should serve for a download (operation
// usually OpDownloadFile), one byte altered under WrongChecksum.
func (s *Set) Served(party, operation string, body []byte) []byte {
	if _, ok := s.take(party, operation, func(Rule) string {
		return fmt.Sprintf("one of %d served bytes altered", len(body))
	}, WrongChecksum); ok {
		return alter(body)
	}
	return body
}

// ExpireURL reports whether the download URL party is handing out (operation
// usually getFileDownloadUrl) must be one that has already expired.
func (s *Set) ExpireURL(party, operation string) bool {
	_, ok := s.take(party, operation, func(Rule) string { return "download URL handed out already expired" },
		ExpiredDownloadURL)
	return ok
}

func keep(r Rule, body []byte) int {
	n := int64(len(body)) / 2
	if r.KeepBytes > 0 && r.KeepBytes < int64(len(body)) {
		n = r.KeepBytes
	}
	return int(n)
}

// alter returns a copy of b with its middle byte inverted (an empty body gets
// one byte), so its sha256 no longer matches.
func alter(b []byte) []byte {
	if len(b) == 0 {
		return []byte{0xFF}
	}
	c := append([]byte(nil), b...)
	c[len(c)/2] ^= 0xFF
	return c
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, ErrTruncatedUpload }
