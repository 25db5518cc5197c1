package reports

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/wipo-das/dasim/openapi"
)

// Run is the outcome of one run of scenarios.
type Run struct {
	Toolkit    string     `json:"toolkit"`    // dasim version
	SpecSHA256 string     `json:"specSha256"` // sha256 of the das.yaml the run was judged by
	Target     string     `json:"target"`     // "simulated world", or the role and URL under test
	Role       string     `json:"role,omitempty"`
	Started    time.Time  `json:"started,omitzero"` // wall time (reports are about real runs)
	Duration   float64    `json:"durationSeconds"`
	Scenarios  []Scenario `json:"scenarios"`
	// Transcripts are the calls of the scenarios that keep theirs (failed
	// ones; checks judged on one shared transcript), each stored once.
	Transcripts []Transcript   `json:"transcripts,omitempty"`
	Coverage    []CoverageCell `json:"coverage,omitempty"`

	seen map[coverageKey]int // calls counted by Count, for Finish
}

// Transcript is the calls of one scenario, or of one observation shared by
// several checks.
type Transcript struct {
	ID    string `json:"id"`
	Calls []Call `json:"calls"`
}

// Scenario is one spec of the suite, or one check of an observed client.
type Scenario struct {
	Name       string   `json:"name"`
	Flow       string   `json:"flow"`  // label flow:… without the prefix
	Roles      []string `json:"roles"` // labels role:…
	Labels     []string `json:"labels"`
	Rule       string   `json:"rule,omitempty"` // the conformance block: rule and source
	State      string   `json:"state"`          // passed, failed, skipped
	SkipReason string   `json:"skipReason,omitempty"`
	// Optional marks a skipped scenario whose obligation does not bind the
	// system under test (another setup's): its skip costs the run nothing.
	// Any other skip leaves a certification incomplete.
	Optional   bool     `json:"optional,omitempty"`
	Seconds    float64  `json:"seconds"`
	Steps      []string `json:"steps,omitempty"` // By(...) texts in order
	Failure    *Failure `json:"failure,omitempty"`
	Calls      int      `json:"calls,omitempty"`      // exchanges it made, kept or not
	Transcript string   `json:"transcript,omitempty"` // ID of its transcript in Run.Transcripts
}

// Failure says who broke what, where and why, and which call proves it.
type Failure struct {
	Party     string `json:"party,omitempty"`
	Step      string `json:"step,omitempty"`
	Operation string `json:"operation,omitempty"`
	Pointer   string `json:"pointer,omitempty"`
	Rule      string `json:"rule,omitempty"`
	Expected  string `json:"expected,omitempty"`
	Actual    string `json:"actual,omitempty"`
	Message   string `json:"message"`
	// Location is the toolkit's source line of the failed assertion, for
	// the toolkit's developers; reports for offices do not show it.
	Location string `json:"location,omitempty"`
	// Proof is the Seq of the call that proves the failure, in the
	// scenario's transcript; 0 when no call does.
	Proof int `json:"proof,omitempty"`
	// Retrieval are the Seqs of the calls of the retrieval the proof
	// belongs to (correlated by request ack id).
	Retrieval []int `json:"retrieval,omitempty"`
}

// Count adds calls made in flow to the contract coverage of the run.
func (r *Run) Count(flow string, calls []Call) {
	if r.seen == nil {
		r.seen = map[coverageKey]int{}
	}
	for _, c := range calls {
		if c.Operation != "" && c.Contract == openapi.DAS().Name() {
			r.seen[coverageKey{c.Operation, fmt.Sprint(c.Status), flow}]++
		}
	}
}

// Keep stores calls as transcript id, once.
func (r *Run) Keep(id string, calls []Call) {
	if r.transcript(id) == nil {
		r.Transcripts = append(r.Transcripts, Transcript{ID: id, Calls: calls})
	}
}

func (r *Run) transcript(id string) []Call {
	for _, t := range r.Transcripts {
		if t.ID == id {
			return t.Calls
		}
	}
	return nil
}

// CallsOf returns the kept transcript of s (nil if it keeps none).
func (r *Run) CallsOf(s Scenario) []Call {
	if s.Transcript == "" {
		return nil
	}
	return r.transcript(s.Transcript)
}

// Add appends s. A failure of a scenario with a kept transcript is pointed
// at the call that proves it and at the calls of that call's retrieval, and
// named by that call's operation if it named none.
func (r *Run) Add(s Scenario) {
	if f := s.Failure; f != nil && s.Transcript != "" {
		calls := r.transcript(s.Transcript)
		if f.Proof == 0 {
			f.Proof = Proof(calls, f)
		}
		if f.Proof > 0 && f.Retrieval == nil {
			f.Retrieval = retrievalOf(calls, f.Proof)
		}
		if f.Proof > 0 && f.Operation == "" {
			// The call the report shows as proof names the operation an
			// assertion about a value (a status, a count) left unnamed.
			f.Operation = calls[f.Proof-1].Operation
		}
	}
	r.Scenarios = append(r.Scenarios, s)
}

// retrievalOf is the retrieval the call seq belongs to: the group of an
// OSF's request that holds it, else everything correlated with its ack ids.
func retrievalOf(calls []Call, seq int) []int {
	for _, g := range Retrievals(calls) {
		if slices.Contains(g.Calls, seq) {
			return g.Calls
		}
	}
	i, ok := seqIndex(calls)[seq]
	if !ok {
		return nil
	}
	var out []int
	for _, ack := range AckIDs(calls[i]) {
		out = append(out, Retrieval(calls, ack)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// RetrievalOfAck is the retrieval a request ack id names, the OSF's or the
// OFF's: the group of the OSF's request that holds a call naming it, else
// everything correlated with it.
func RetrievalOfAck(calls []Call, ack string) []int {
	for _, g := range Retrievals(calls) {
		if g.Ack == ack || slices.Contains(g.Linked, ack) {
			return g.Calls
		}
	}
	return Retrieval(calls, ack)
}

// Finish computes the contract coverage of the counted calls.
func (r *Run) Finish(c *openapi.Contract) { r.Coverage = coverage(c, r.seen) }

// Counts returns passed, failed and skipped.
func (r *Run) Counts() (passed, failed, skipped int) {
	var all Group
	for _, s := range r.Scenarios {
		all.add(s.State)
	}
	return all.Passed, all.Failed, all.Skipped
}

// Verdict is the report's banner: CERTIFIED when every scenario that ran
// passed, else NOT CERTIFIED with the number of failures and their flows.
func (r *Run) Verdict() string {
	passed, failed, _ := r.Counts()
	if failed > 0 {
		var flows []string
		for _, s := range r.Scenarios {
			if t := FlowTitle(s.Flow); s.State == "failed" && !slices.Contains(flows, t) {
				flows = append(flows, t)
			}
		}
		plural := "s"
		if failed == 1 {
			plural = ""
		}
		return fmt.Sprintf("NOT CERTIFIED: %d failure%s in %s", failed, plural, strings.Join(flows, ", "))
	}
	if passed == 0 {
		return "NOT CERTIFIED: no scenario passed"
	}
	return "CERTIFIED"
}

// FlowTitle names a flow label as WIPO's design pages do (c2 → c.2).
func FlowTitle(flow string) string {
	switch flow {
	case "c1-notification":
		return "c.1 (notification)"
	case "c1-polling":
		return "c.1 (polling)"
	case "c2", "c3":
		return "c." + flow[1:]
	}
	return flow
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

// ByRole summarises the scenarios per role; a certification run of one
// role counts that role only (its scenarios may check other roles too).
func (r *Run) ByRole() []Group {
	return r.group(func(s Scenario) []string {
		if r.Role != "" {
			return []string{r.Role}
		}
		return s.Roles
	})
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
