package reports

import (
	_ "embed"
	"html/template"
	"io"
	"slices"

	"github.com/wipo-das/dasim/openapi"
)

//go:embed report.html.tmpl
var reportTemplate string

var reportPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"flowTitle": FlowTitle,
	"time": func(c Call) string {
		if c.At.IsZero() {
			return ""
		}
		return c.At.UTC().Format("2006-01-02 15:04:05.000")
	},
	"party": func(p string) string {
		if p == "" {
			return unknownCaller
		}
		return p
	},
}).Parse(reportTemplate))

// scenarioView is a scenario as the report shows it: the call that proves
// its failure, the calls of that retrieval, and its sequence diagram.
type scenarioView struct {
	Scenario
	Proof     *Call
	Retrieval []Call
	Scope     string // "this retrieval", or "this scenario" when no call proves the failure
	Diagram   template.HTML
	Kept      int // calls in its kept transcript
}

// WriteHTML writes the self-contained certification report (no external
// scripts, styles or fonts: it must open from a CI artifact or an email).
func WriteHTML(w io.Writer, run *Run, contract *openapi.Contract) error {
	passed, failed, skipped := run.Counts()
	if run.Coverage == nil {
		run.Finish(contract)
	}
	rows, exercised, documented := CoverageByOperation(run.Coverage)
	views := make([]scenarioView, len(run.Scenarios))
	for i, s := range run.Scenarios {
		views[i] = viewOf(run, s)
	}
	return reportPage.Execute(w, map[string]any{
		"Run": run, "Verdict": run.Verdict(), "Passed": passed, "Failed": failed, "Skipped": skipped,
		"ByFlow": run.ByFlow(), "ByRole": run.ByRole(), "Scenarios": views,
		"Coverage": rows, "Exercised": exercised, "Documented": documented,
	})
}

func viewOf(run *Run, s Scenario) scenarioView {
	v := scenarioView{Scenario: s}
	calls := run.CallsOf(s)
	v.Kept = len(calls)
	if s.Failure == nil || len(calls) == 0 {
		return v
	}
	mark := s.Failure.Proof
	if mark > 0 && mark <= len(calls) {
		v.Proof = &calls[mark-1]
	}
	shown := calls
	v.Scope = "this scenario"
	if len(s.Failure.Retrieval) > 0 {
		v.Scope = "this retrieval"
		shown = nil
		for _, c := range calls {
			if slices.Contains(s.Failure.Retrieval, c.Seq) {
				shown = append(shown, c)
			}
		}
	}
	v.Retrieval = shown
	v.Diagram = template.HTML(SequenceSVG(shown, mark)) // generated and escaped by SequenceSVG
	return v
}
