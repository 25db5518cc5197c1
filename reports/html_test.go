package reports

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/wipo-das/dasim/openapi"
)

func TestHTMLReportShowsVerdictProofRetrievalAndDiagram(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, failingC3(t), openapi.DAS()); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, want := range []string{"NOT CERTIFIED: 1 failure in c.3", "1 passed, 1 failed, 1 skipped",
		"The exchange that proves it", "(world clock)", "setRetrievalFile", "property fileId is missing",
		"Exchanges of this retrieval", `<svg xmlns="http://www.w3.org/2000/svg"`, "arrow-mark",
		"c.3 &lt;big&gt; document", "simulated &lt;world&gt;", "Skipped: the OFF declared no transit document",
		`id="failed-only"`, "documented operation × status pairs exercised", "documented, not exercised"} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, never := range []string{"<script src", "<link ", "@import", "expect.go", "0001-01-01"} {
		if strings.Contains(html, never) {
			t.Errorf("report holds %q", never)
		}
	}
}

func TestJUnitHasOneCasePerScenarioSkipReasonsAndTheProof(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, failingC3(t)); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != 3 || doc.Failures != 1 || doc.Skipped != 1 || len(doc.Suites) != 3 {
		t.Fatalf("counts: %+v", doc)
	}
	var failure *junitFailure
	var skipped *junitSkipped
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			failure, skipped = cmpOr(failure, c.Failure), cmpOr(skipped, c.Skipped)
		}
	}
	if failure == nil || !strings.Contains(failure.Message, "party office US") || !strings.Contains(failure.Message, "at /fileId") ||
		!strings.Contains(failure.Text, "expected: a fileId") || !strings.Contains(failure.Text, "proved by exchange #") ||
		!strings.Contains(failure.Text, "(world clock): office US -> das PUT /das/v1/requests/retrievals -> 200") ||
		strings.Contains(failure.Text, "expect.go") {
		t.Fatalf("failure: %+v", failure)
	}
	if skipped == nil || skipped.Message != "the OFF declared no transit document" {
		t.Fatalf("skip reason: %+v", skipped)
	}
}

func cmpOr[T any](a, b *T) *T {
	if a != nil {
		return a
	}
	return b
}
