package reports

import (
	_ "embed"
	"html/template"
	"io"

	"github.com/wipo-das/dasim/openapi"
)

//go:embed report.html.tmpl
var reportTemplate string

var reportPage = template.Must(template.New("report").Parse(reportTemplate))

// WriteHTML writes the self-contained certification report (no external
// scripts, styles or fonts: it must open from a CI artifact or an email).
func WriteHTML(w io.Writer, run *Run, contract *openapi.Contract) error {
	passed, failed, skipped := run.Counts()
	return reportPage.Execute(w, map[string]any{
		"Run": run, "Passed": passed, "Failed": failed, "Skipped": skipped,
		"ByFlow": run.ByFlow(), "ByRole": run.ByRole(),
		"Coverage": Coverage(contract, run.Scenarios...),
	})
}
