package harness

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/faults"
)

// Check states of an observed behaviour.
const (
	Met        = "met"
	Violated   = "violated"
	NotYetSeen = "not yet seen"
)

// Check is one required (or optional) behaviour of a client under test.
type Check struct {
	ID, Title      string
	Rule, Source   string
	Flow, Step, Op string
	Optional       bool
	State          string
	Detail         string // what was seen, or what breaks the rule
	Expected       string
	Actual         string
	Pointer        string
}

// OSFChecklist judges what an OSF under test has done so far through its
// DAS entrance. withNotify says DAS notifies it; withFaults that the
// harness injected a 503 on its first retrieval, a repeated notification
// and an already expired first file location URL.
func (o *Observed) OSFChecklist(withNotify, withFaults bool) []Check {
	s := o.snapshot()
	checks := []Check{
		requested(s), contractKept(s.ex), polledOrNotified(s, withNotify),
		seenCheck(s, "O6", "(2c) gets the file location URL", "files/url-downloads answered 200",
			"OSF retrieves file location URL from WIPO DAS to download the document file content", false,
			http.StatusOK, downloadURLOps...),
		downloaded(s),
		seenCheck(s, "O8", "(2e) deletes the downloaded file from the transit zone", "DELETE files answered 204",
			"Optionally OSF deletes the download files from the DAS transit zone", true, http.StatusNoContent, "deleteFile"),
	}
	if withNotify {
		checks = append(checks, o.notified(s, withFaults))
	}
	if withFaults {
		checks = append(checks, o.retried(s), o.renewedExpiredURL(s))
	}
	return checks
}

// snapshot is what the checks of one OSFChecklist judge: one copy of the
// system's exchanges and of the object store's requests.
type snapshot struct {
	ex      []openapi.Exchange
	objects []ObjectRequest
	urls    []handedURL // the file location URLs DAS handed out, in order
}

func (o *Observed) snapshot() snapshot {
	s := snapshot{ex: o.Log.Exchanges(), objects: o.w.objects.requests()}
	s.urls = handedURLs(s.ex)
	return s
}

// count counts the exchanges of any of ops answered with status.
func (s snapshot) count(status int, ops ...string) int {
	n := 0
	for _, e := range s.ex {
		if e.Status == status && slices.Contains(ops, e.Operation) {
			n++
		}
	}
	return n
}

func requested(s snapshot) Check {
	c := Check{ID: "O1", Title: "(2a) requests a retrieval and receives a request acknowledgement id", Flow: "c1-polling",
		Step: "(2a)", Op: "requestRetrieval", Source: "WIPO DAS exchange flows c.1 step 2a",
		Rule: "OSF sends a document retrieval request to WIPO DAS and receives a request acknowledgement id", State: NotYetSeen}
	for _, e := range s.ex {
		if e.Operation != "requestRetrieval" {
			continue
		}
		switch {
		case e.Status == http.StatusCreated:
			c.State, c.Detail = Met, "POST retrievals answered 201"
			return c
		case e.Status >= 400 && e.Status < 500:
			c.State, c.Expected, c.Actual = Violated, "201 with a requestAckId", fmt.Sprint(e.Status)
			c.Detail = "DAS refused the retrieval: " + clip(e.ResponseBody)
		}
	}
	return c
}

// contractKept is O2: every request the system sent kept das.yaml.
func contractKept(ex []openapi.Exchange) Check {
	c := Check{ID: "O2", Title: "every request keeps the DAS contract", Flow: "c1-polling", Step: "every call",
		Rule: "Requests carry WIPO's field names, formats and a Bearer token, as das.yaml documents", Source: "openapi/das.yaml",
		State: NotYetSeen}
	for _, e := range ex {
		c.State, c.Detail = Met, fmt.Sprintf("%d requests, none breaking the contract", len(ex))
		if len(e.RequestViolations) > 0 {
			v := e.RequestViolations[0]
			c.State, c.Op, c.Pointer, c.Expected, c.Actual = Violated, v.Operation, v.Pointer, v.Expected, v.Actual
			c.Detail = v.String()
			return c
		}
	}
	return c
}

func polledOrNotified(s snapshot, withNotify bool) Check {
	c := seenCheck(s, "O5", "(Figure B) checks the status of its retrieval", "GET retrievals/statuses answered 200",
		"OSF may use the check status to download the document content when it is reported as available", withNotify,
		http.StatusOK, "getRetrievalStatuses")
	c.Source = "WIPO DAS exchange flows c.1, Figure B"
	return c
}

// seenCheck is met once any of ops (the first names the check) was
// answered with status.
func seenCheck(s snapshot, id, title, met, rule string, optional bool, status int, ops ...string) Check {
	c := Check{ID: id, Title: title, Flow: "c1-polling", Step: stepOf(title), Op: ops[0],
		Rule: rule, Source: "WIPO DAS exchange flows c.1", Optional: optional, State: NotYetSeen}
	if s.count(status, ops...) > 0 {
		c.State, c.Detail = Met, met
	}
	return c
}

// stepOf is the step a check's title opens with: "(2c)", "(Figure B)".
func stepOf(title string) string {
	if step, _, ok := strings.Cut(title, ")"); ok && strings.HasPrefix(title, "(") {
		return step + ")"
	}
	return ""
}

// notified is O3 (and O4 with faults): DAS's notifications were answered 204.
func (o *Observed) notified(s snapshot, withFaults bool) Check {
	c := Check{ID: "O3", Title: "(2b) takes DAS's notification, and a repeat of it, with 204", Flow: "c1-notification",
		Step: "(2b)", Op: "notify", Source: "WIPO DAS exchange flows c.1 step 2b; das.yaml notify (receivers must accept a repeat)",
		Rule: "WIPO DAS notifies the OSF of the document availability (POST notifications, answered 204)", State: NotYetSeen}
	attempts := o.notifications(s.ex)
	ok := 0
	for _, a := range attempts {
		if a.Error != "" || (a.Status != 0 && a.Status != http.StatusNoContent) {
			c.State, c.Expected, c.Actual = Violated, "204", fmt.Sprintf("%d %s", a.Status, a.Error)
			c.Detail = fmt.Sprintf("attempt %d of DAS's notification failed: %d %s", a.Number, a.Status, a.Error)
			return c
		}
		ok++
	}
	need := 1
	if withFaults {
		need = 2 // the first notification was sent twice on purpose
	}
	if ok >= need {
		c.State, c.Detail = Met, fmt.Sprintf("%d notifications answered 204", ok)
	}
	return c
}

// retried is O7: after a 503 on its first POST retrievals, the system tried again.
func (o *Observed) retried(s snapshot) Check {
	c := Check{ID: "O7", Title: "retries a retrieval DAS answered 503", Flow: "faults", Step: "(2a)", Op: "requestRetrieval",
		Rule: "A 503 is temporary (RFC 9110 section 15.6.4): the client retries", Source: "das.yaml (503 Unavailable); RFC 9110",
		State: NotYetSeen, Expected: "a later POST retrievals answered 201"}
	// The 503 is answered by the fault in front of the recorder, so it is
	// known from the fault's event; it fires on the first POST retrievals,
	// so any 201 after it is a retry.
	unavailable := false
	for _, ev := range o.w.Faults.EventsOf(faults.ServerError) {
		unavailable = unavailable || (ev.Party == ObservedParty && ev.Operation == "requestRetrieval")
	}
	if !unavailable {
		return c
	}
	c.State, c.Actual, c.Detail = Violated, "no retry yet", "DAS answered 503 to its POST retrievals and it has not retried"
	if s.count(http.StatusCreated, "requestRetrieval") > 0 {
		c.State, c.Actual, c.Detail = Met, "retried", "retried after the 503 and got 201"
	}
	return c
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}
