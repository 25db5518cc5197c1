package scenarios

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
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
	entryFailure   = "dasim-failure"
	entryExchanges = "dasim-exchanges"
	// entryInapplicable marks a spec skipped because its obligation does
	// not bind the system under test (harness.Missing.Inapplicable).
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
// entries from their JSON form, which survives parallel runs. Specs the
// label filter did not select are left out (Ginkgo reports them as
// skipped), except, in a certification run, those of the certified role,
// which are skipped with the filter as reason; a spec that skipped itself
// keeps its reason. The exchanges of a
// spec become calls (each request once, both sides' verdicts) that count
// toward the contract coverage; a failed spec keeps them as its transcript.
func Convert(r types.Report, o Options, rules map[string]Rule) *reports.Run {
	run := &reports.Run{Toolkit: o.Toolkit, SpecSHA256: openapi.DASSpecSHA256(), Target: o.Target,
		Role: certifiedRole(r.SuiteConfig.LabelFilter), Started: r.StartTime, Duration: r.RunTime.Seconds()}
	specs := slices.Clone(r.SpecReports)
	// Ginkgo randomises the order specs run in; reports read by flow.
	sort.SliceStable(specs, func(i, j int) bool {
		a, b := flowOf(specs[i].Labels()), flowOf(specs[j].Labels())
		if a != b {
			return a < b
		}
		return specs[i].FullText() < specs[j].FullText()
	})
	for _, s := range specs {
		if s.LeafNodeType != types.NodeTypeIt || (!selected(s) && !slices.Contains(s.Labels(), "role:"+run.Role)) {
			continue
		}
		sc := reports.Scenario{Name: s.FullText(), Labels: s.Labels(), Flow: flowOf(s.Labels()), Seconds: s.RunTime.Seconds(), State: state(s.State)}
		for _, l := range sc.Labels {
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
		var exchanges []openapi.Exchange
		for _, e := range s.ReportEntries {
			switch e.Name {
			case entryExchanges:
				_ = json.Unmarshal(entryJSON(e.Value), &exchanges)
			case entryInapplicable:
				sc.Optional = sc.State == "skipped"
			case entryFailure:
				var f reports.Failure
				if json.Unmarshal(entryJSON(e.Value), &f) == nil && sc.State == "failed" {
					sc.Failure = &f
				}
			}
		}
		switch sc.State {
		case "failed":
			sc.Failure = failureOf(s, sc.Failure, sc.Steps)
			if sut := systemUnderTest(o); sc.Failure.Party == "" || sc.Failure.Party+" (system under test)" == sut {
				sc.Failure.Party = sut
			}
			if sc.Failure.Rule == "" {
				sc.Failure.Rule = sc.Rule
			}
		case "skipped":
			sc.SkipReason = s.Failure.Message
			if !selected(s) {
				sc.SkipReason = fmt.Sprintf("this certification of role %s does not run it (label filter %q)", run.Role, r.SuiteConfig.LabelFilter)
			}
		}
		calls := reports.Merge(exchanges)
		run.Count(sc.Flow, calls)
		sc.Calls = len(calls)
		if sc.State == "failed" && len(calls) > 0 {
			sc.Transcript = fmt.Sprintf("%s/%d", sc.Flow, len(run.Scenarios)+1)
			run.Keep(sc.Transcript, calls)
		}
		run.Add(sc)
	}
	run.Finish(openapi.DAS())
	return run
}

// selected tells a spec the run chose from one the label filter or focus
// left out: Ginkgo reports both as skipped, but never attempted the latter.
func selected(s types.SpecReport) bool {
	return s.State != types.SpecStateSkipped || s.NumAttempts > 0
}

// Selected returns how many specs of r the run chose to run.
func Selected(r types.Report) int {
	n := 0
	for _, s := range r.SpecReports {
		if s.LeafNodeType == types.NodeTypeIt && selected(s) {
			n++
		}
	}
	return n
}

func flowOf(labels []string) string {
	for _, l := range labels {
		if f, ok := strings.CutPrefix(l, "flow:"); ok {
			return f
		}
	}
	return ""
}

// failureOf completes the structured failure a spec noted (or makes one of
// Ginkgo's): Ginkgo's message is kept only when the note does not already
// say expected and actual, which that message merely restates.
func failureOf(s types.SpecReport, noted *reports.Failure, steps []string) *reports.Failure {
	f := noted
	if f == nil {
		f = &reports.Failure{}
	}
	switch {
	case f.Message == "" && (f.Expected == "" || f.Actual == ""):
		f.Message = s.Failure.Message
	case f.Expected == "" || f.Actual == "":
		f.Message += "\n" + s.Failure.Message
	}
	f.Location = s.Failure.Location.String()
	if f.Expected == "" && f.Actual == "" {
		f.Expected, f.Actual = gomegaExpectation(s.Failure.Message)
	}
	if f.Step == "" && len(steps) > 0 {
		f.Step = steps[len(steps)-1]
	}
	return f
}

// systemUnderTest names the party a run certifies, for the failures that
// name none of their own (an assertion of a spec): when a system is under
// test, every other party is a simulator the run trusts.
func systemUnderTest(o Options) string {
	switch b := o.Roles.Bindings; {
	case b.DAS != nil:
		return "das (system under test)"
	case b.OFF != nil:
		return "office " + b.OFF.Office + " (system under test)"
	}
	return ""
}

// gomegaExpectation reads what an assertion expected and what it got from
// Gomega's message ("Expected\n    <int>: -101\nto equal\n    <int>: -104"),
// so that a failure without a note still says both.
func gomegaExpectation(msg string) (expected, actual string) {
	m := gomegaMessage.FindStringSubmatch(msg)
	if m == nil {
		return "", ""
	}
	value := func(v string) string { return strings.TrimSpace(gomegaType.ReplaceAllString(v, "")) }
	if m[3] == "" {
		return m[2], value(m[1])
	}
	return m[2] + " " + value(m[3]), value(m[1])
}

var (
	gomegaMessage = regexp.MustCompile(`(?s)Expected\n\s+(.+?)\n((?:not )?to [^\n]+)(?:\n\s+(.+?))?(?:\n|$)`)
	gomegaType    = regexp.MustCompile(`^<[^>]+>: `)
)

// certifiedRole is the role a certification run selects by its label
// filter ("role:off", "role:das && (...)"); empty for any other run.
func certifiedRole(filter string) string {
	m := roleFilter.FindStringSubmatch(filter)
	if m == nil {
		return ""
	}
	return m[1]
}

var roleFilter = regexp.MustCompile(`^\s*role:([a-z-]+)\s*(?:$|&&)`)

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
