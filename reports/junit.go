package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// JUnit XML in the shape CI systems read (Jenkins, GitLab, GitHub actions):
// one <testsuite> per flow, one <testcase> per scenario.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitSkipped struct {
	Message string `xml:"message,attr,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes run as JUnit XML.
func WriteJUnit(w io.Writer, run *Run) error {
	passed, failed, skipped := run.Counts()
	doc := junitSuites{Name: "dasim " + run.Target, Tests: passed + failed + skipped,
		Failures: failed, Skipped: skipped, Time: fmt.Sprintf("%.3f", run.Duration)}
	index := map[string]int{}
	for _, s := range run.Scenarios {
		flow := s.Flow
		if flow == "" {
			flow = "other"
		}
		i, ok := index[flow]
		if !ok {
			i = len(doc.Suites)
			index[flow] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: "flow:" + flow})
		}
		c := junitCase{Name: s.Name, Classname: "dasim.flow." + flow, Time: fmt.Sprintf("%.3f", s.Seconds),
			SystemOut: strings.Join(s.Steps, "\n")}
		suite := &doc.Suites[i]
		suite.Tests++
		switch s.State {
		case "failed":
			suite.Failures++
			f := s.Failure
			if f == nil {
				f = &Failure{Message: "failed"}
			}
			c.Failure = &junitFailure{Message: f.Summary(), Type: f.Rule, Text: f.Detail() + proofText(run.CallsOf(s), f)}
		case "passed":
		default:
			suite.Skipped++
			c.Skipped = &junitSkipped{Message: s.SkipReason}
		}
		suite.Cases = append(suite.Cases, c)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	return enc.Encode(doc)
}

// Summary is a one-line account of the failure: party, step, operation, rule.
func (f *Failure) Summary() string {
	var parts []string
	for _, p := range [][2]string{{"party", f.Party}, {"step", f.Step}, {"operation", f.Operation},
		{"at", f.Pointer}, {"rule", f.Rule}} {
		if p[1] != "" {
			parts = append(parts, p[0]+" "+p[1])
		}
	}
	head := strings.Join(parts, ", ")
	switch {
	case head == "":
		return firstLine(f.Message)
	case f.Message == "":
		return head
	}
	return head + ": " + firstLine(f.Message)
}

// Detail is the full account: summary, expected vs actual, message. The
// toolkit's source location is left out: it names the toolkit's shared
// helper, not anything the certified party can act on.
func (f *Failure) Detail() string {
	var b strings.Builder
	b.WriteString(f.Summary() + "\n")
	if f.Expected != "" {
		fmt.Fprintf(&b, "expected: %s\n", f.Expected)
	}
	if f.Actual != "" {
		fmt.Fprintf(&b, "actual:   %s\n", f.Actual)
	}
	if f.Message != "" {
		b.WriteString(f.Message + "\n")
	}
	return b.String()
}

// proofText quotes the call that proves f, with its world-clock time.
func proofText(calls []Call, f *Failure) string {
	if f.Proof <= 0 || f.Proof > len(calls) {
		return ""
	}
	c := calls[f.Proof-1]
	var b strings.Builder
	fmt.Fprintf(&b, "proved by exchange #%d", c.Seq)
	if !c.At.IsZero() {
		fmt.Fprintf(&b, " at %s (world clock)", c.At.UTC().Format("2006-01-02T15:04:05.000Z"))
	}
	fmt.Fprintf(&b, ": %s -> %s %s %s -> %d %s\n", or(c.From, unknownCaller), or(c.To, "?"), c.Method, c.URL, c.Status, c.TransportError)
	if c.RequestBody != "" {
		b.WriteString("request:  " + c.RequestBody + "\n")
	}
	if c.ResponseBody != "" {
		b.WriteString("response: " + c.ResponseBody + "\n")
	}
	for _, v := range c.Faults() {
		b.WriteString("violation: " + v.String() + "\n")
	}
	return b.String()
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
