package scenarios

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/reports"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// dasRefusal is the first call of the office under test that WIPO DAS
// refused (DAS's own record of it, labelled with the calling office): the
// office's step, operation and DAS's exact answer — status, WIPO error
// code, each detail code and message, and for a request that broke
// das.yaml the JSON pointer, expected and actual. An office that calls DAS
// wrongly otherwise shows up much later as a symptom at the OSF ("-7 not
// registered", "never notified").
//
// probe tells the ack ids the office answered the harness's own direct
// calls with: DAS never heard of those, so its refusal of a notification or
// PUT retrievals by one is no fault of the office.
//
// answered (nil: not known) tells the ack ids the office ever answered a
// retrieval with: a call about another one is named as such.
func dasRefusal(ex []openapi.Exchange, peer string, probe, answered func(ack string) bool) *reports.Failure {
	for _, x := range ex {
		if x.Recorder != "server" || x.Labels.Party != "das" || x.Labels.Peer != peer || x.Status < 400 || x.Labels.Deliberate {
			continue
		}
		if ack := ackOf(x.RequestBody); ack != "" && probe(ack) {
			continue
		}
		rule := officeCallRule(x)
		if ack := ackOf(x.RequestBody); ack != "" && answered != nil && !answered(ack) {
			rule = fmt.Sprintf("the OFF calls DAS only about retrievals it acknowledged: %s is no ack id it answered a retrieval with, so it made the id up or acted on a call it refused; ", ack) + rule
		}
		f := &reports.Failure{Operation: x.Operation, Step: officeCallStep(x.Operation),
			Rule: rule, Expected: "WIPO DAS accepts the call (2xx)",
			Actual: "HTTP " + fmt.Sprint(x.Status) + " " + wipoAnswer(x.ResponseBody), Message: x.Method + " " + x.URL}
		if len(x.RequestViolations) > 0 {
			v := x.RequestViolations[0]
			f.Pointer = v.Pointer
			f.Rule = "das.yaml request " + v.In + ": " + v.Rule + " (WIPO DAS refused the OFF's " + x.Method + " " + path(x.URL) + ")"
			f.Expected, f.Actual = v.Expected, v.Actual+"; DAS answered HTTP "+fmt.Sprint(x.Status)+" "+wipoAnswer(x.ResponseBody)
		}
		return f
	}
	return nil
}

// ackOf is the requestAckId of a JSON request body, if any.
func ackOf(body string) string {
	var m struct {
		RequestAckID string `json:"requestAckId"`
	}
	_ = json.Unmarshal([]byte(body), &m)
	return m.RequestAckID
}

// wipoAnswer renders a WIPO error body as "CODE: detail -7 message; ...",
// or the raw text when it is not one.
func wipoAnswer(body string) string {
	de, _, ok := protocol.ParseDASError([]byte(body))
	if !ok {
		return clipText(strings.TrimSpace(body))
	}
	parts := []string{de.Code}
	for _, d := range de.Details {
		parts = append(parts, fmt.Sprintf("detail %d %s", d.Code, d.Message))
	}
	return clipText(strings.Join(parts, ": "))
}

func path(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Path
	}
	return raw
}

// officeCallRule is the rule an office's call to DAS keeps, by operation.
func officeCallRule(x openapi.Exchange) string {
	switch x.Operation {
	case "notify":
		return "the OFF notifies WIPO DAS by the request acknowledgement id it answered the forwarded retrieval with, with a body DAS accepts (c.2 step 3, c.3 step 6)"
	case "setRetrievalFile":
		return "c.3 step 5: the OFF updates the retrieval file id referring to the request acknowledgement id issued by the OFF, and a file it uploaded into the transit zone (PUT retrievals)"
	case "registerDocument":
		return "(1c) the OFF registers its document with attributes and an uploaded, accepted file DAS accepts (POST registrations)"
	case "correctRegistration":
		return "(1c) the OFF corrects its registration with attributes DAS accepts (PUT registrations)"
	case "withdrawRegistration":
		return "the OFF withdraws a document it registered (DELETE registrations)"
	case "createFileUploadUrl", "refreshFileUploadUrl":
		return "(1a) the OFF requests a presigned upload URL with fileFormatCategory and the SHA-256 fileChecksum of its file (POST files/url-uploads)"
	}
	return "WIPO DAS accepts the OFF's " + x.Method + " " + path(x.URL)
}

// officeCallStep names the step of the office in which it made op.
func officeCallStep(op string) string {
	switch op {
	case "notify":
		return notifyStep
	case "setRetrievalFile":
		return "(c.3 step 5) the OFF sets the file id of the forwarded retrieval (PUT retrievals)"
	case "registerDocument":
		return "(1c) the OFF registers its document (POST registrations)"
	case "correctRegistration":
		return "(1c) the OFF corrects its registration (PUT registrations)"
	case "withdrawRegistration":
		return "the OFF withdraws its registration (DELETE registrations)"
	case "createFileUploadUrl", "refreshFileUploadUrl", "getFileStatus":
		return "(1a)(1b) the OFF uploads its file through a presigned URL (POST files/url-uploads)"
	}
	return "the OFF calls WIPO DAS (" + op + ")"
}

// timedOut reports whether a failed call's error says the caller gave up
// waiting (Go's client and context deadlines).
func timedOut(msg string) bool {
	return strings.Contains(msg, "context deadline exceeded") || strings.Contains(msg, "Client.Timeout") ||
		strings.Contains(msg, "timeout awaiting")
}

// slowFailure names an office slower than DAS's timeout for op.
func slowFailure(op string, limit time.Duration, actual string) reports.Failure {
	return reports.Failure{Operation: op, Step: offCallStep(op),
		Rule:     fmt.Sprintf("the OFF answers DAS's %s within DAS's timeout (%v); DAS abandons a slower call and the retrieval waits for its retries", op, limit),
		Expected: fmt.Sprintf("an answer within %v", limit), Actual: actual}
}
