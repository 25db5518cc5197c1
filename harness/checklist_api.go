package harness

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// flow is the report flow of the system's main line: notification or polling.
func (s *snapshot) flow() string {
	if s.cfg.NotifyURL != "" {
		return "c1-notification"
	}
	return "c1-polling"
}

// stepOf names the flow step of a DAS operation the OSF calls.
func stepOf(op string) string {
	switch op {
	case "requestRetrieval":
		return "(2a)"
	case "getRetrievalStatuses":
		return "(Figure B)"
	case "getFileDownloadUrl", "requestFileDownloadUrl":
		return "(2c)"
	case "deleteFile":
		return "(2e)"
	}
	return "every call"
}

// pending lists the listed documents for which done is false.
func (s *snapshot) pending(done func(*docView) bool) []string {
	var out []string
	for _, d := range s.docs {
		if !done(d) {
			out = append(out, d.name())
		}
	}
	return out
}

// everyDocument is met when done holds for every listed document.
func (s *snapshot) everyDocument(c Check, what string, done func(*docView) bool) Check {
	missing := s.pending(done)
	if len(missing) == 0 {
		c.meet(fmt.Sprintf("%s for each of the %d listed documents", what, len(s.docs)))
		return c
	}
	c.Detail = fmt.Sprintf("%s for %d of %d listed documents; not yet for: %s", what, len(s.docs)-len(missing),
		len(s.docs), strings.Join(missing, ", "))
	return c
}

// requestedAll is O1 (flow c.1 step 2a; c.2 and c.3 alike for the OSF).
func (s *snapshot) requestedAll() Check {
	c := Check{ID: "O1", Title: "(2a) requests a retrieval of every listed document and receives a request acknowledgement id",
		Flow: s.flow(), Step: "(2a)", Op: "requestRetrieval", Source: "WIPO DAS exchange flows c.1, c.2, c.3 step 2a",
		Rule:  "OSF sends a document retrieval request to WIPO DAS and receives a request acknowledgement id",
		State: NotYetSeen, Expected: "POST retrievals answered 201 for every listed document"}
	return s.everyDocument(c, "a retrieval acknowledged", func(d *docView) bool { return len(d.retrievals) > 0 })
}

// gotURLs is O6 (step 2c), per listed document.
func (s *snapshot) gotURLs() Check {
	c := Check{ID: "O6", Title: "(2c) gets the file location URL of every retrieval", Flow: s.flow(), Step: "(2c)",
		Op: "getFileDownloadUrl", Source: "WIPO DAS exchange flows c.1 step 2c; das.yaml getFileDownloadUrl",
		Rule:  "OSF retrieves file location URL from WIPO DAS to download the document file content",
		State: NotYetSeen, Expected: "files/url-downloads answered 200 for every listed document"}
	return s.everyDocument(c, "a file location URL obtained", func(d *docView) bool {
		for _, rv := range d.retrievals {
			if len(rv.urls) > 0 {
				return true
			}
		}
		return false
	})
}

// contractKept is O2: every request the system sent kept das.yaml, and DAS
// refused none (a contract violation, a resource-server check on its
// token, a lookup error): the first refusal is quoted as DAS answered it.
func (s *snapshot) contractKept() Check {
	c := Check{ID: "O2", Title: "every request keeps the DAS contract and DAS refuses none", Flow: s.flow(), Step: "every call",
		Rule: "Requests carry WIPO's field names and formats and a valid Bearer token in the Authorization header, " +
			"name the system's own retrievals and come when the document is ready, as das.yaml documents: DAS answers none with 4xx",
		Source: "openapi/das.yaml; RFC 6750 section 2.1", State: NotYetSeen}
	for _, e := range s.ex {
		if len(e.RequestViolations) > 0 {
			v := e.RequestViolations[0]
			c.Op, c.Step, c.Pointer = e.Operation, stepOf(e.Operation), v.Pointer
			actual := fmt.Sprintf("%s; DAS answered %d: %s", or(v.Actual, "nothing"), e.Status, clip(e.ResponseBody))
			c.violate(e.At, v.Expected, actual, fmt.Sprintf("%s %s broke the contract: %s; DAS answered %d: %s",
				e.Method, pathOf(e.URL), v.String(), e.Status, clip(e.ResponseBody)))
			return c
		}
		if e.Status >= 400 && e.Status < 500 {
			c.Op, c.Step = e.Operation, stepOf(e.Operation)
			c.violate(e.At, "DAS accepts the request (2xx)", fmt.Sprintf("%d %s", e.Status, clip(e.ResponseBody)),
				fmt.Sprintf("DAS refused the system's %s %s with %d: %s", e.Method, pathOf(e.URL), e.Status, clip(e.ResponseBody)))
			return c
		}
	}
	if len(s.ex) > 0 {
		c.meet(fmt.Sprintf("%d requests, none breaking the contract or refused by DAS", len(s.ex)))
	}
	return c
}

// pathOf is a request URI without its query (which may name secrets).
func pathOf(uri string) string {
	if u, err := url.Parse(uri); err == nil {
		return u.Path
	}
	return uri
}

// isUnavailable tells a 5xx or 429 answer, after which a client retries
// under the pacing rules.
func isUnavailable(status int) bool {
	return status >= 500 || status == http.StatusTooManyRequests
}
