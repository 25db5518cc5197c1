package scenarios

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/reports"
	"github.com/wipo-das/dasim/simulators/das"
)

// diagnose reads the spec's records for the first rule the office of first
// filing broke: a token request WIPO's authorization server refused (its
// error_description names the check), a call of DAS the office answered
// against das.yaml or with a server error, or a call DAS made for the
// retrieval ack (forwarding, fetching the document) that failed at the
// office. nil: none. It reads the same records whether the office is
// simulated or under test; failures name off.Party().
func diagnose(e *harness.Env, off harness.OFF, ack string, underTest []string) *reports.Failure {
	f := offFault(e, off, ack, underTest)
	if f != nil && f.Party == "" {
		f.Party = off.Party()
	}
	return f
}

func offFault(e *harness.Env, off harness.OFF, ack string, underTest []string) *reports.Failure {
	ex := e.Exchanges()
	if f := tokenRefusal(append(e.SetUpExchanges(), ex...)); f != nil {
		return f
	}
	peer := "office " + off.Code()
	probe := func(ack string) bool { return e.ProbeAck(off.Code(), ack) }
	if f := dasRefusal(append(e.SetUpExchanges(), ex...), peer, probe, func(ack string) bool { return e.AnsweredAck(off.Code(), ack) }); f != nil {
		return f
	}
	if f := contractFault(ex, underTest); f != nil && (f.Party == peer || strings.HasPrefix(f.Party, peer+" ")) {
		if timedOut(f.Actual) {
			slow := slowFailure(f.Operation, e.DASCallTimeout(), fmt.Sprintf("no answer within %v (%s)", e.DASCallTimeout(), f.Actual))
			slow.Party = f.Party
			return &slow
		}
		return f
	}
	for _, x := range ex {
		if x.Recorder == "client" && x.Labels.Peer == peer && x.Status >= 500 {
			return &reports.Failure{Operation: x.Operation, Step: offCallStep(x.Operation),
				Rule: "documented status: the OFF answers " + x.Operation +
					" with its success status, not a server error (DAS can only retry)",
				Expected: "2xx", Actual: fmt.Sprintf("HTTP %d %s", x.Status, clipText(x.ResponseBody)),
				Message: x.Method + " " + x.URL}
		}
	}
	if ack == "" {
		return nil
	}
	attempts, err := e.Deliveries(ack)
	if err != nil {
		return nil
	}
	for _, a := range attempts {
		if a.Office == off.Code() && a.Error != "" {
			f := attemptFault(ex, a)
			if timedOut(a.Error) {
				f = slowFailure(f.Operation, e.DASCallTimeout(), fmt.Sprintf("no answer within %v: DAS abandoned its call (%s)", e.DASCallTimeout(), a.Error))
			}
			return &f
		}
	}
	return nil
}

// tokenRefusal is the first token request the world's authorization server
// refused. Under certification only the office under test can be refused:
// DAS and the simulated offices authenticate correctly.
func tokenRefusal(ex []openapi.Exchange) *reports.Failure {
	for _, e := range ex {
		if e.Labels.Party != "authz" || e.Recorder != "server" || e.Status < 400 || e.Labels.Deliberate {
			continue
		}
		var oe struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
			URI         string `json:"error_uri"`
		}
		_ = json.Unmarshal([]byte(e.ResponseBody), &oe)
		check, _, _ := strings.Cut(oe.Description, " ")
		return &reports.Failure{Operation: e.Operation, Step: tokenStep,
			Rule:     "private_key_jwt client authentication (RFC 7523): client assertion check " + check + " " + oe.URI,
			Expected: "an access token for the office's client assertion",
			Actual:   fmt.Sprintf("HTTP %d %s: %s", e.Status, oe.Error, oe.Description),
			Message:  "WIPO's authorization server refused the office's token request, so it cannot call DAS"}
	}
	return nil
}

// contractFault is the first exchange of ex that broke das.yaml, or that a
// system under test did not answer, with the party at fault: the sender of
// a broken request, the answerer of a broken response. underTest are the
// parties (as the recorder names them) that are systems under test: a call
// to one of them that got no answer is its fault, while a simulated party
// that does not answer does so because a fault was injected on purpose.
func contractFault(ex []openapi.Exchange, underTest []string) *reports.Failure {
	name := func(party string) string {
		if contains(underTest, party) {
			return party + " (system under test)"
		}
		return party
	}
	for _, x := range ex {
		if x.TransportError != "" && contains(underTest, x.Labels.Peer) {
			return &reports.Failure{Party: name(x.Labels.Peer), Operation: x.Operation, Step: offCallStep(x.Operation),
				Rule: "the OFF answers DAS's calls", Expected: "an HTTP answer", Actual: x.TransportError,
				Message: x.Method + " " + x.URL}
		}
		for _, v := range x.Faults() {
			party, step := x.Labels.Party, x.Labels.SpecStep
			if v.Side == "response" && x.Recorder == "client" {
				party = x.Labels.Peer
				if party == "" {
					party = "das" // the harness's and the offices' clients call DAS
				}
				if x.Labels.Party == "das" {
					step = offCallStep(v.Operation)
				}
			}
			return &reports.Failure{Party: name(party), Operation: v.Operation, Pointer: v.Pointer, Step: step,
				Rule:     "das.yaml " + v.Side + " " + v.In + ": " + v.Rule,
				Expected: v.Expected, Actual: v.Actual, Message: v.String()}
		}
	}
	return nil
}

// attemptFault explains a call DAS made for a retrieval that failed at the
// office under test.
func attemptFault(ex []openapi.Exchange, a das.Attempt) reports.Failure {
	f := reports.Failure{Operation: "requestRetrieval", Step: offCallStep("requestRetrieval"), Rule: "the OFF answers the retrieval DAS forwards (POST retrievals)",
		Expected: "201 with its request ack id", Actual: a.Error}
	if a.Call != "office download URL" {
		return f
	}
	f.Operation, f.Expected = "getFileDownloadUrl", "DAS fetches the document the OFF offers"
	f.Step = offCallStep(f.Operation)
	f.Rule = "the OFF offers its document through files/url-downloads and a download URL DAS can fetch"
	switch {
	case strings.Contains(a.Error, "sha256"):
		f.Pointer = "/fileChecksum"
		f.Rule = "fileChecksum: the bytes behind the OFF's fileDownloadUrl have the SHA-256 it announced"
	case strings.Contains(a.Error, "HTTP 403"):
		if exp, ok := lastDownloadURLExpiry(ex); ok && !exp.After(a.At) {
			f.Pointer = "/fileDownloadUrlExpiryDate"
			f.Rule = "fileDownloadUrlExpiryDate: the download URL the OFF hands out is still valid"
			f.Expected = "an expiry after " + a.At.UTC().Format(time.RFC3339)
			f.Actual = "expired at " + exp.UTC().Format(time.RFC3339) + "; " + a.Error
		}
	}
	return f
}

// lastDownloadURLExpiry is the expiry of the last download URL the office
// under test handed DAS.
func lastDownloadURLExpiry(ex []openapi.Exchange) (time.Time, bool) {
	for i := len(ex) - 1; i >= 0; i-- {
		if ex[i].Operation != "getFileDownloadUrl" || ex[i].Recorder != "client" || ex[i].Labels.Party != "das" {
			continue
		}
		var dl struct {
			Expiry string `json:"fileDownloadUrlExpiryDate"`
		}
		if json.Unmarshal([]byte(ex[i].ResponseBody), &dl) == nil {
			if t, err := time.Parse(time.RFC3339, dl.Expiry); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// silentOFF is the failure of an OFF that let the spec's patience pass:
// DAS's status of the retrieval says what it is still waiting for.
func silentOFF(ctx context.Context, off harness.OFF, osf harness.OSF, ack string, patience time.Duration) reports.Failure {
	actual := "no notification reached the OSF"
	if st, err := osf.Status(ctx, ack); err == nil && st.StatusMessage != nil {
		actual = fmt.Sprintf("after %v DAS still says %q (%s)", patience, *st.StatusMessage, st.RequestStatusCategory)
	}
	return reports.Failure{Party: off.Party(), Operation: "notify", Step: notifyStep,
		Rule:     "the OFF notifies WIPO DAS (POST notifications) by its own request ack id once the document is available",
		Expected: fmt.Sprintf("POST notifications from the OFF within %v", patience), Actual: actual,
		Message: "retrieval " + ack + ": the OFF accepted the forwarded retrieval but never notified DAS"}
}

// The steps of the exchange in which an OFF under test fails. The spec's
// own steps are told from the OSF's side ("WIPO DAS notifies the OSF"), and
// everything between the OSF's request and its notification happens inside
// one of them; a failure names the OFF's part of it instead.
const (
	tokenStep  = "the OFF authenticates at WIPO's authorization server (private_key_jwt) before calling DAS"
	notifyStep = "(c.2/c.3) the OFF notifies WIPO DAS that the document is available (POST notifications)"
)

// offCallStep names the step in which WIPO DAS made the call op to the OFF.
func offCallStep(op string) string {
	switch op {
	case "requestRetrieval":
		return "(c.2/c.3) WIPO DAS forwards the OSF's retrieval to the OFF (POST retrievals at the OFF)"
	case "getFileDownloadUrl", "requestFileDownloadUrl":
		return "(c.2) WIPO DAS gets the OFF's file location URL and fetches the document"
	default:
		return "WIPO DAS calls the OFF (" + op + ")"
	}
}

func clipText(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}
