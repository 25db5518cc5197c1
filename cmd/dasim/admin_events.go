package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/wipo-das/dasim/harness"
	"net/http"
	"strconv"
	"time"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/reports"
	"github.com/wipo-das/dasim/simulators/clock"
)

// consoleWindow is how many recent calls a live viewer pairs records in.
const consoleWindow = 512

// eventKeepAlive is how often an idle event stream sends a comment, so
// proxies and the browser keep the connection (real time: it is about the
// connection, not the world).
const eventKeepAlive = 15 * time.Second

// eventWriteGrace bounds each write to a viewer: one that stops reading is
// disconnected instead of holding the stream.
const eventWriteGrace = 10 * time.Second

// ConsoleCall is one call as the live console shows it: the merged call,
// its request ack ids, its faults, and whether it is an update of a call
// already sent (the other side's record arrived).
type ConsoleCall struct {
	reports.Call
	Acks   []string `json:"acks,omitempty"`
	Faults []string `json:"faults,omitempty"`
	Update bool     `json:"update,omitempty"`
}

// serveEvents streams every call as server-sent events (WHATWG HTML, 9.2):
// first the recent ones the feed kept after ?after=N (or Last-Event-ID),
// then each as it is recorded; "dropped" events say how many a slow viewer
// lost. Event ids are the feed's numbers, so a viewer resumes where it
// stopped.
func serveEvents(w *harness.World, rw http.ResponseWriter, r *http.Request) {
	after, err := resumePoint(r)
	if err != nil {
		writeAdminJSON(rw, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	backlog, sub, err := w.Feed.Subscribe(after)
	if errors.Is(err, openapi.ErrTooManySubscribers) {
		writeAdminJSON(rw, http.StatusServiceUnavailable, map[string]string{"error": err.Error() + ": close another console"})
		return
	}
	defer sub.Close()
	rc := http.NewResponseController(rw)
	rw.Header().Set("Content-Type", "text/event-stream")
	rw.Header().Set("Cache-Control", "no-store")
	rw.WriteHeader(http.StatusOK)
	merger := reports.NewMerger(consoleWindow)
	send := func(event string, id uint64, v any) bool {
		_ = rc.SetWriteDeadline(clock.System().Now().Add(eventWriteGrace))
		b, _ := json.Marshal(v)
		if _, err := fmt.Fprintf(rw, "id: %d\nevent: %s\ndata: %s\n\n", id, event, b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	publish := func(n openapi.Numbered) bool {
		c, update := merger.Add(n.Exchange)
		return send("call", n.Seq, consoleCall(c, update))
	}
	for _, n := range backlog {
		if !publish(n) {
			return
		}
	}
	if !send("ready", after, map[string]int{"backlog": len(backlog)}) {
		return
	}
	keepAlive := time.NewTicker(eventKeepAlive)
	defer keepAlive.Stop()
	var reported uint64
	for {
		select {
		case <-r.Context().Done():
			return
		case n, ok := <-sub.C:
			if !ok || !publish(n) {
				return
			}
			if d := sub.Dropped(); d > reported {
				reported = d
				if !send("dropped", n.Seq, map[string]uint64{"dropped": d}) {
					return
				}
			}
		case <-keepAlive.C:
			_ = rc.SetWriteDeadline(clock.System().Now().Add(eventWriteGrace))
			if _, err := fmt.Fprint(rw, ": keep-alive\n\n"); err != nil || rc.Flush() != nil {
				return
			}
		}
	}
}

// resumePoint is the number after which a viewer wants events.
func resumePoint(r *http.Request) (uint64, error) {
	v := r.URL.Query().Get("after")
	if v == "" {
		v = r.Header.Get("Last-Event-ID")
	}
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("after: %q is not an event number", v)
	}
	return n, nil
}

func consoleCall(c reports.Call, update bool) ConsoleCall {
	out := ConsoleCall{Call: c, Acks: reports.AckIDs(c), Update: update}
	for _, v := range c.Faults() {
		out.Faults = append(out.Faults, v.String())
	}
	return out
}

// serveSequence draws the sequence diagram of the retrieval ?ack= names,
// from the calls the world's log holds.
func serveSequence(w *harness.World, rw http.ResponseWriter, r *http.Request) {
	ack := r.URL.Query().Get("ack")
	if ack == "" {
		writeAdminJSON(rw, http.StatusBadRequest, map[string]string{"error": "ack: give the request ack id of a retrieval"})
		return
	}
	calls := reports.Merge(w.Log.Exchanges())
	seqs := reports.RetrievalOfAck(calls, ack)
	if len(seqs) == 0 {
		writeAdminJSON(rw, http.StatusNotFound, map[string]string{"error": "no recorded call names request ack id " + ack})
		return
	}
	var shown []reports.Call
	for _, seq := range seqs {
		shown = append(shown, calls[seq-1])
	}
	rw.Header().Set("Content-Type", "image/svg+xml")
	rw.Header().Set("Cache-Control", "no-store")
	_, _ = rw.Write([]byte(reports.SequenceSVG(shown, 0)))
}
