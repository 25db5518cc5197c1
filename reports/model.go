package reports

import (
	"sort"
	"time"

	"github.com/wipo-das/dasim/openapi"
)

// Run is the outcome of one run of scenarios.
type Run struct {
	Toolkit    string     `json:"toolkit"`    // dasim version
	SpecSHA256 string     `json:"specSha256"` // sha256 of the das.yaml the run was judged by
	Target     string     `json:"target"`     // "simulated world", or the role and URL under test
	Started    time.Time  `json:"started"`    // wall time (reports are about real runs)
	Duration   float64    `json:"durationSeconds"`
	Scenarios  []Scenario `json:"scenarios"`
}

// Scenario is one spec of the suite.
type Scenario struct {
	Name    string   `json:"name"`
	Flow    string   `json:"flow"`  // label flow:… without the prefix
	Roles   []string `json:"roles"` // labels role:…
	Labels  []string `json:"labels"`
	Rule    string   `json:"rule,omitempty"` // the conformance block: rule and source
	State   string   `json:"state"`          // passed, failed, skipped
	Seconds float64  `json:"seconds"`
	Steps   []string `json:"steps,omitempty"` // By(...) texts in order
	Failure *Failure `json:"failure,omitempty"`
	// Skip is why a skipped scenario did not run, in words that say what
	// to add (a document of some hosting, a trigger).
	Skip string `json:"skip,omitempty"`
	// Optional marks a skipped scenario whose obligation does not bind the
	// system under test (another setup's): its skip costs the run nothing.
	// Any other skip leaves a certification incomplete.
	Optional  bool               `json:"optional,omitempty"`
	Exchanges []openapi.Exchange `json:"exchanges,omitempty"`
}

// Failure says who broke what, where and why.
type Failure struct {
	Party     string `json:"party,omitempty"`
	Step      string `json:"step,omitempty"`
	Operation string `json:"operation,omitempty"`
	Pointer   string `json:"pointer,omitempty"`
	Rule      string `json:"rule,omitempty"`
	Expected  string `json:"expected,omitempty"`
	Actual    string `json:"actual,omitempty"`
	Message   string `json:"message"`
	Location  string `json:"location,omitempty"` // file:line of the failed assertion
}

// Counts returns passed, failed and skipped.
func (r *Run) Counts() (passed, failed, skipped int) {
	var all Group
	for _, s := range r.Scenarios {
		all.add(s.State)
	}
	return all.Passed, all.Failed, all.Skipped
}

// Group is a summary row: one flow or one role.
type Group struct {
	Name                    string
	Passed, Failed, Skipped int
}

// add counts one scenario of state; anything neither passed nor failed
// counts as skipped.
func (g *Group) add(state string) {
	switch state {
	case "passed":
		g.Passed++
	case "failed":
		g.Failed++
	default:
		g.Skipped++
	}
}

// ByFlow summarises the scenarios per flow, sorted by name.
func (r *Run) ByFlow() []Group {
	return r.group(func(s Scenario) []string { return []string{s.Flow} })
}

// ByRole summarises the scenarios per role.
func (r *Run) ByRole() []Group {
	return r.group(func(s Scenario) []string { return s.Roles })
}

func (r *Run) group(keys func(Scenario) []string) []Group {
	m := map[string]*Group{}
	for _, s := range r.Scenarios {
		for _, k := range keys(s) {
			if k == "" {
				k = "(none)"
			}
			g := m[k]
			if g == nil {
				g = &Group{Name: k}
				m[k] = g
			}
			g.add(s.State)
		}
	}
	out := make([]Group, 0, len(m))
	for _, g := range m {
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
