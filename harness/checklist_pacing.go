package harness

import (
	"fmt"
	"net/http"
	"slices"
	"time"
)

// dasim's pacing rules for an OSF (das.yaml x-dasim-pacing, docs/osf-certification.md).
const (
	// PollWindow and PollMaxInWindow: status polling stays at 1 request per
	// second per retrieval on average — at most 6 in any 5 s (one of slack
	// for timing jitter).
	PollWindow      = 5 * time.Second
	PollMaxInWindow = 6
	// RetryMinWait is the least wait before retrying after a 5xx or 429
	// without Retry-After; with it, the client waits what it says.
	RetryMinWait = time.Second
	// pacingTolerance absorbs the granularity of the times the harness
	// stamps (when the answer is sent, not when the request arrived).
	pacingTolerance = 50 * time.Millisecond
)

// polledAtPace is O5 (Figure B): status polling within PollMaxInWindow per
// PollWindow per retrieval; a status call without requestAckId counts for
// every retrieval of the system.
func (s *snapshot) polledAtPace() Check {
	c := Check{ID: "O5", Title: "(Figure B) checks the status of its retrievals, at most once a second each", Flow: s.flow(),
		Step: "(Figure B)", Op: "getRetrievalStatuses", Optional: s.cfg.NotifyURL != "", State: NotYetSeen,
		Rule: fmt.Sprintf("OSF may check the status of its retrievals on a regular basis; dasim's pacing rule: at most %d "+
			"status requests per retrieval in any %v (1 per second)", PollMaxInWindow, PollWindow),
		Source:   "WIPO DAS exchange flows c.1, Figure B; das.yaml getRetrievalStatuses x-dasim-pacing (inferred)",
		Expected: fmt.Sprintf("at most %d status requests per retrieval in any %v", PollMaxInWindow, PollWindow)}
	byAck, everyAck := map[string][]time.Time{}, []time.Time(nil)
	ok := 0
	for _, e := range s.ex {
		if e.Operation != "getRetrievalStatuses" {
			continue
		}
		if e.Status == http.StatusOK {
			ok++
		}
		if ack := queryOf(e.URL).Get("requestAckId"); ack != "" {
			byAck[ack] = append(byAck[ack], e.At)
		} else {
			everyAck = append(everyAck, e.At)
		}
	}
	if len(byAck) == 0 && len(everyAck) > 0 {
		byAck["(every retrieval of the system)"] = nil
	}
	for ack, times := range byAck {
		times = append(slices.Clone(times), everyAck...)
		slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
		for i := range times {
			j := i
			for j < len(times) && times[j].Sub(times[i]) < PollWindow {
				j++
			}
			if n := j - i; n > PollMaxInWindow {
				span := times[j-1].Sub(times[i])
				rate := float64(n-1) / max(span.Seconds(), 0.001)
				c.violate(times[i+PollMaxInWindow], c.Expected, fmt.Sprintf("%d status requests for retrieval %s within %v: %.1f per second",
					n, ack, span.Round(time.Millisecond), rate), fmt.Sprintf("the system polled the status of retrieval %s at "+
					"%.1f requests per second, above dasim's 1 per second", ack, rate))
				return c
			}
		}
	}
	if ok > 0 {
		c.meet(fmt.Sprintf("%d status requests, none faster than the pacing rule", ok))
	}
	return c
}

// retriedUnavailable is O7: the retrieval DAS answered 503 is the one
// retried — a later POST retrievals of the same document acknowledged.
func (s *snapshot) retriedUnavailable() Check {
	c := Check{ID: "O7", Title: "retries a retrieval DAS answered 503", Flow: "faults", Step: "(2a)", Op: "requestRetrieval",
		Rule: "A 503 is temporary (RFC 9110 section 15.6.4): the client retries the same retrieval", State: NotYetSeen,
		Source: "das.yaml requestRetrieval (503 Unavailable); RFC 9110 section 15.6.4", Expected: "a later POST retrievals of the same document answered 201",
		Detail: "DAS answers the system's first two POST retrievals 503; none has come yet"}
	var waiting []string
	seen := 0
	for _, d := range s.docs {
		last503 := -1
		for i, p := range d.posts {
			if isUnavailable(p.Status) {
				last503 = i
			}
		}
		if last503 < 0 {
			continue
		}
		seen++
		if !slices.ContainsFunc(d.posts[last503:], func(p Stamped) bool { return p.Status == http.StatusCreated }) {
			waiting = append(waiting, fmt.Sprintf("%s (503 at %s)", d.name(), stamp(d.posts[last503].At)))
		}
	}
	switch {
	case seen == 0:
	case len(waiting) > 0:
		c.Actual = "no retry acknowledged yet"
		c.Detail = "DAS answered 503 to POST retrievals and the system has not retrieved again: " + fmt.Sprint(waiting)
	default:
		c.meet(fmt.Sprintf("every retrieval answered 503 (%d document(s)) was retried and acknowledged", seen))
	}
	return c
}

// retryPaced is O11: after a 5xx or 429 the next try of the same request
// waits Retry-After when given, else at least RetryMinWait and no less than
// the wait before it (backing off).
func (s *snapshot) retryPaced() Check {
	c := Check{ID: "O11", Title: "waits before retrying: honours Retry-After, or waits at least 1 s and backs off", Flow: "faults",
		Step: "(2a)", Op: "requestRetrieval", State: NotYetSeen,
		Rule: "After a 5xx or 429 the client waits the Retry-After delay when DAS gives one, otherwise at least 1 s, " +
			"and each further retry of the same request waits no less than the one before",
		Source: "RFC 9110 sections 10.2.3 and 15.6.4; das.yaml requestRetrieval x-dasim-pacing (inferred)"}
	firstUnavailable := slices.IndexFunc(s.ex, func(e Stamped) bool { return e.Status == http.StatusServiceUnavailable })
	retries := 0
	for _, d := range s.docs {
		prevWait := time.Duration(0)
		for i := 0; i+1 < len(d.posts); i++ {
			p, next := d.posts[i], d.posts[i+1]
			if !isUnavailable(p.Status) {
				prevWait = 0
				continue
			}
			want, why := max(RetryMinWait, prevWait), "no Retry-After: at least 1 s, and no less than the wait before"
			if firstUnavailable >= 0 && s.ex[firstUnavailable].At.Equal(p.At) && s.ex[firstUnavailable].Status == p.Status {
				want, why = unavailableRetryAfter, "Retry-After: 1"
			}
			wait := next.At.Sub(p.At)
			retries++
			if wait+pacingTolerance < want {
				c.violate(next.At, fmt.Sprintf("the retry at least %v after the %d (%s)", want.Round(time.Millisecond), p.Status, why),
					fmt.Sprintf("retried after %v", wait.Round(10*time.Microsecond)), fmt.Sprintf("the system retried POST retrievals of %s "+
						"%v after DAS answered %d (%s)", d.name(), wait.Round(10*time.Microsecond), p.Status, why))
				return c
			}
			prevWait = wait
		}
	}
	if retries > 0 {
		c.meet(fmt.Sprintf("%d retries, each after the wait the pacing rule asks", retries))
	}
	return c
}
