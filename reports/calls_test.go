package reports

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/wipo-das/dasim/openapi"
)

// c3Exchanges are the exchanges a c.3 scenario recorded (dasim run, flow
// c3): EE retrieves US's big document through the transit zone.
func c3Exchanges(t *testing.T) []openapi.Exchange {
	t.Helper()
	b, err := os.ReadFile("testdata/c3-exchanges.json")
	if err != nil {
		t.Fatal(err)
	}
	var ex []openapi.Exchange
	if err := json.Unmarshal(b, &ex); err != nil {
		t.Fatal(err)
	}
	return ex
}

func find(t *testing.T, calls []Call, from, to, op string) Call {
	t.Helper()
	for _, c := range calls {
		if c.From == from && c.To == to && (c.Operation == op || c.Method+" object" == op) {
			return c
		}
	}
	t.Fatalf("no call %s → %s %s in %d calls", from, to, op, len(calls))
	return Call{}
}

func TestMergeMakesOneCallOfBothSidesRecords(t *testing.T) {
	ex := c3Exchanges(t)
	calls := Merge(ex)
	// 10 requests recorded by caller and server, 11 authorization-server and
	// 8 object-store requests recorded by the server only.
	if len(ex) != 39 || len(calls) != 29 {
		t.Fatalf("%d exchanges merged into %d calls, want 39 into 29", len(ex), len(calls))
	}
	fwd := find(t, calls, "das", "office US", "requestRetrieval")
	if fwd.Client == nil || fwd.Server == nil || fwd.At.IsZero() {
		t.Fatalf("forwarded retrieval lacks a side or its time: %+v", fwd)
	}
	req := find(t, calls, "office EE", "das", "requestRetrieval")
	if !strings.Contains(req.ResponseBody, "requestAckId") || req.URL != "/das/v1/requests/retrievals" {
		t.Fatalf("OSF's request: %+v", req)
	}
	find(t, calls, "office US", "object store", "PUT object")
	find(t, calls, "office EE", "object store", "GET object")
	for i, c := range calls {
		if c.Seq != i+1 || c.Failed() {
			t.Errorf("call %d: seq %d failed %v", i, c.Seq, c.Failed())
		}
	}
}

func TestRetrievalFollowsBothAckIDsAndTheTransitFile(t *testing.T) {
	calls := Merge(c3Exchanges(t))
	groups := Retrievals(calls)
	if len(groups) != 1 || len(groups[0].Linked) != 1 || !strings.HasPrefix(groups[0].Linked[0], "OFF-US-") {
		t.Fatalf("groups %+v: want EE's retrieval linked to US's own ack id", groups)
	}
	in := map[string]bool{}
	for _, seq := range groups[0].Calls {
		c := calls[seq-1]
		in[c.From+">"+c.To+" "+c.Operation+c.Method] = true
	}
	for _, want := range []string{"office EE>das requestRetrievalPOST", "das>office US requestRetrievalPOST",
		"office US>das createFileUploadUrlPOST", "office US>object store PUT", "office US>das setRetrievalFilePUT",
		"office US>das notifyPOST", "das>office EE notifyPOST", "office EE>das getFileDownloadUrlGET",
		"office EE>object store GET"} {
		if !in[want] {
			t.Errorf("retrieval lacks %s", want)
		}
	}
	for _, not := range []string{"office US>das registerDocumentPOST", ">authz requestAccessTokenPOST"} {
		if in[not] {
			t.Errorf("retrieval holds %s", not)
		}
	}
}

// failingC3 is the c.3 scenario with the OFF's PUT retrievals answered in
// breach of the contract.
func failingC3(t *testing.T) *Run {
	ex := c3Exchanges(t)
	for i, e := range ex {
		if e.Operation == "setRetrievalFile" {
			ex[i].ResponseViolations = []openapi.Violation{{Operation: e.Operation, Side: "response", In: openapi.InBody,
				Pointer: "/fileId", Rule: "required", Expected: "a fileId", Actual: "none", Message: "property fileId is missing"}}
		}
	}
	calls := Merge(ex)
	run := &Run{Toolkit: "test", SpecSHA256: openapi.DASSpecSHA256(), Target: "simulated <world>"}
	run.Count("c3", calls)
	run.Keep("c3 big", calls)
	run.Add(Scenario{Name: "c.3 <big> document", Flow: "c3", Roles: []string{"das", "off"}, State: "failed", Calls: len(calls),
		Transcript: "c3 big", Failure: &Failure{Party: "office US", Operation: "setRetrievalFile", Pointer: "/fileId",
			Rule: "required", Expected: "a fileId", Actual: "none", Location: "/src/dasim/scenarios/expect.go:23"}})
	run.Add(Scenario{Name: "c.2 forwarded", Flow: "c2", Roles: []string{"off"}, State: "passed", Calls: 20})
	run.Add(Scenario{Name: "PCT needs its document", Flow: "pct", State: "skipped", SkipReason: "the OFF declared no transit document"})
	run.Finish(openapi.DAS())
	return run
}

func TestFailurePointsAtTheCallThatProvesItAndItsRetrieval(t *testing.T) {
	run := failingC3(t)
	f := run.Scenarios[0].Failure
	calls := run.CallsOf(run.Scenarios[0])
	if f.Proof == 0 || calls[f.Proof-1].Operation != "setRetrievalFile" {
		t.Fatalf("proof %d, want the setRetrievalFile call", f.Proof)
	}
	if !slices.Contains(f.Retrieval, f.Proof) || len(f.Retrieval) >= len(calls) {
		t.Fatalf("retrieval %v of %d calls should hold the proof %d and not everything", f.Retrieval, len(calls), f.Proof)
	}
	if got := run.Verdict(); got != "NOT CERTIFIED: 1 failure in c.3" {
		t.Fatalf("verdict %q", got)
	}
	if len(run.Transcripts) != 1 {
		t.Fatalf("%d transcripts, want the failed scenario's only", len(run.Transcripts))
	}
}

func TestSequenceDiagramHasEveryPartyAndMarksTheFailingArrow(t *testing.T) {
	run := failingC3(t)
	f := run.Scenarios[0].Failure
	svg := SequenceSVG(run.CallsOf(run.Scenarios[0]), f.Proof)
	for _, want := range []string{`<svg xmlns="http://www.w3.org/2000/svg"`, "authorization server", ">DAS<", ">OFF<",
		">OSF<", "office US", "office EE", "object store", "R1: request ack id", "OFF-US-", "✗ setRetrievalFile → 200 [R1]",
		`marker-end="url(#arrow-mark)"`, "09:00:02"} {
		if !strings.Contains(svg, want) {
			t.Errorf("diagram lacks %q", want)
		}
	}
	for _, external := range []string{"<script", "href=", "@import", "url(http"} {
		if strings.Contains(svg, external) {
			t.Errorf("diagram is not self-contained: %s", external)
		}
	}
	if strings.Count(svg, "arrow-mark)") != 1 {
		t.Errorf("want exactly one marked arrow")
	}
}

func TestCoverageCountsEachCallOnceUnderTheScenarioFlow(t *testing.T) {
	run := failingC3(t)
	var retrievals, unseen, undoc bool
	for _, c := range run.Coverage {
		switch {
		case c.Operation == "requestRetrieval" && c.Status == "201":
			retrievals = c.Count == 2 && c.Flow == "c3"
		case c.Operation == "withdrawRegistration" && c.Status == "200":
			unseen = c.Count == 0 && c.Flow == "-"
		case !c.Documented:
			undoc = true
		}
	}
	if !retrievals || !unseen || undoc {
		t.Fatalf("requestRetrieval 201 ×2 in c3: %v; withdrawal unseen: %v; undocumented seen: %v", retrievals, unseen, undoc)
	}
	ops, exercised, documented := CoverageByOperation(run.Coverage)
	if exercised == 0 || exercised >= documented || len(ops) != len(openapi.DAS().Routes()) {
		t.Fatalf("%d of %d exercised in %d operations", exercised, documented, len(ops))
	}
}

func TestMergerPairsEitherOrderAndForgetsPastItsWindow(t *testing.T) {
	server := openapi.Exchange{Recorder: "server", Contract: "das.yaml", Method: "GET", URL: "/das/v1/requests/retrievals/statuses",
		Status: 200, Labels: openapi.Labels{Party: "das"}}
	client := server
	client.Recorder, client.URL, client.Labels = "client", "https://127.0.0.1:1/das/v1/requests/retrievals/statuses", openapi.Labels{Party: "office EE"}
	m := NewMerger(2)
	if c, update := m.Add(client); update || c.Seq != 1 || c.From != "office EE" || c.To != "das" {
		t.Fatalf("first record: %+v update %v", c, update)
	}
	if c, update := m.Add(server); !update || c.Seq != 1 || c.Client == nil || c.Server == nil {
		t.Fatalf("its other side: %+v update %v", c, update)
	}
	m.Add(server) // call 2, waiting for its client
	m.Add(openapi.Exchange{Recorder: "server", Method: "POST", URL: "/x", Status: 204})
	m.Add(openapi.Exchange{Recorder: "server", Method: "POST", URL: "/y", Status: 204}) // call 2 leaves the window
	if c, update := m.Add(client); update || c.Seq != 5 {
		t.Fatalf("a record whose partner left the window must start a call of its own: %+v update %v", c, update)
	}
	if n := len(m.Calls()); n != 2 {
		t.Fatalf("kept %d calls, want the window of 2", n)
	}
}
