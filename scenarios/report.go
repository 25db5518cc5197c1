package scenarios

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/reports"
)

// Report entry names the harness attaches to a spec.
const (
	entryFailure      = "dasim-failure"
	entryExchanges    = "dasim-exchanges"
	entryInapplicable = "dasim-inapplicable"
)

// noteFailure attaches a structured failure (party, step, operation, pointer,
// rule, expected, actual) to the running spec; the reports prefer it to the
// bare assertion text.
func noteFailure(f reports.Failure) {
	AddReportEntry(entryFailure, f, ReportEntryVisibilityNever)
}

// noteExchanges attaches the spec's transcript. The spec each exchange
// carries is the one it is attached to: it is dropped, not repeated.
func noteExchanges(ex []openapi.Exchange) {
	for i := range ex {
		ex[i].Labels.Spec = ""
	}
	if len(ex) > 0 {
		AddReportEntry(entryExchanges, ex, ReportEntryVisibilityNever)
	}
}

// Convert turns Ginkgo's report into the reports model. It reads report
// entries from their JSON form, which survives parallel runs.
func Convert(r types.Report, o Options, rules map[string]Rule) *reports.Run {
	run := &reports.Run{Toolkit: o.Toolkit, SpecSHA256: openapi.DASSpecSHA256(), Target: o.Target,
		Started: r.StartTime, Duration: r.RunTime.Seconds()}
	for _, s := range r.SpecReports {
		if s.LeafNodeType != types.NodeTypeIt || !o.certifies(s) {
			continue
		}
		sc := reports.Scenario{Name: s.FullText(), Labels: s.Labels(), Seconds: s.RunTime.Seconds(), State: state(s.State)}
		if sc.State == "skipped" {
			sc.Skip = s.Failure.Message
		}
		for _, l := range sc.Labels {
			if f, ok := strings.CutPrefix(l, "flow:"); ok {
				sc.Flow = f
			}
			if role, ok := strings.CutPrefix(l, "role:"); ok {
				sc.Roles = append(sc.Roles, role)
			}
		}
		if rule, ok := rules[s.LeafNodeText]; ok {
			sc.Rule = rule.String()
		}
		for _, ev := range s.SpecEvents {
			if ev.SpecEventType == types.SpecEventByStart {
				sc.Steps = append(sc.Steps, ev.Message)
			}
		}
		for _, e := range s.ReportEntries {
			switch e.Name {
			case entryExchanges:
				_ = json.Unmarshal(entryJSON(e.Value), &sc.Exchanges)
			case entryInapplicable:
				sc.Optional = sc.State == "skipped"
			case entryFailure:
				var f reports.Failure
				if json.Unmarshal(entryJSON(e.Value), &f) == nil && sc.State == "failed" {
					sc.Failure = &f
				}
			}
		}
		if sc.State == "failed" {
			if sc.Failure == nil {
				sc.Failure = &reports.Failure{}
			}
			if sc.Failure.Message == "" {
				sc.Failure.Message = s.Failure.Message
			} else {
				sc.Failure.Message += "\n" + s.Failure.Message
			}
			sc.Failure.Location = s.Failure.Location.String()
			if sc.Failure.Step == "" && len(sc.Steps) > 0 {
				sc.Failure.Step = sc.Steps[len(sc.Steps)-1]
			}
		}
		run.Scenarios = append(run.Scenarios, sc)
	}
	// Ginkgo randomises the order specs run in; reports read by flow.
	sort.SliceStable(run.Scenarios, func(i, j int) bool {
		a, b := run.Scenarios[i], run.Scenarios[j]
		if a.Flow != b.Flow {
			return a.Flow < b.Flow
		}
		return a.Name < b.Name
	})
	return run
}

// certifies reports whether spec s belongs in the run's report: every spec
// of a plain run; under certification of a role, only that role's specs
// that were meant to run (a spec the label filter left out is no check of
// the role's, and would read as a skipped one).
func (o Options) certifies(s types.SpecReport) bool {
	if o.Role == "" {
		return true
	}
	if s.State == types.SpecStateSkipped && s.Failure.Message == "" {
		return false // filtered out: Skip() and failed set-ups carry a message
	}
	for _, l := range s.Labels() {
		if l == "role:"+o.Role {
			return true
		}
	}
	return false
}

// entryJSON is an entry's value as JSON: AsJSON is filled only when the
// report travelled between processes (parallel runs); in-process, the raw
// value is marshalled here.
func entryJSON(v types.ReportEntryValue) []byte {
	if v.AsJSON != "" {
		return []byte(v.AsJSON)
	}
	b, _ := json.Marshal(v.GetRawValue())
	return b
}

func state(s types.SpecState) string {
	switch {
	case s == types.SpecStatePassed:
		return "passed"
	case s.Is(types.SpecStateFailureStates):
		return "failed"
	default:
		return "skipped"
	}
}

// WriteReports writes junit.xml, report.json and report.html into o.ReportDir
// and, with a signing key, the signed bundle over them.
func WriteReports(run *reports.Run, o Options) error {
	if o.ReportDir == "" {
		return nil
	}
	if err := os.MkdirAll(o.ReportDir, 0o755); err != nil {
		return err
	}
	write := func(name string, f func(*os.File) error) error {
		file, err := os.Create(filepath.Join(o.ReportDir, name))
		if err != nil {
			return err
		}
		if err := f(file); err != nil {
			file.Close()
			return fmt.Errorf("%s: %w", name, err)
		}
		return file.Close()
	}
	files := []string{"junit.xml", "report.json", "report.html"}
	if err := write(files[0], func(f *os.File) error { return reports.WriteJUnit(f, run) }); err != nil {
		return err
	}
	if err := write(files[1], func(f *os.File) error {
		enc := json.NewEncoder(f)
		enc.SetIndent("", "  ")
		return enc.Encode(run)
	}); err != nil {
		return err
	}
	if err := write(files[2], func(f *os.File) error { return reports.WriteHTML(f, run, openapi.DAS()) }); err != nil {
		return err
	}
	// A bundle left by an earlier run would no longer match.
	_ = os.Remove(filepath.Join(o.ReportDir, reports.BundleFile))
	if o.SignKey == nil || o.SignCert == nil {
		return nil
	}
	m := reports.Manifest{Toolkit: o.Toolkit, SpecSHA256: run.SpecSHA256, Target: o.Target,
		Signed: run.Started.Add(time.Duration(run.Duration * float64(time.Second))).UTC()}
	return reports.SignBundle(o.ReportDir, files, m, o.SignKey, o.SignCert)
}
