package scenarios

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	. "github.com/onsi/ginkgo/v2"
)

// Flows are the scenario families; every spec carries exactly one.
var Flows = []string{
	"c1-notification", "c1-polling", "corrections", "content-replacement", "c2", "c3",
	"pct", "expiry", "wipo-errors", "token-endpoint", "resource-token", "isolation", "faults",
	"withdrawal", "off-auth",
}

// Roles are the parties a spec checks; certify runs the specs of one role.
var Roles = []string{"das", "off", "osf", "authz", "token-client", "pctdas"}

// ConformanceLabel marks a spec that checks a rule of WIPO's pages or of an RFC.
const ConformanceLabel = "Conformance"

// registry collects, while a Suite is built, the labels specs use and the
// rule of every conformance spec; its errors fail the suite at start-up.
type registry struct {
	errors []string
	rules  map[string]Rule // spec text → rule
}

func newRegistry() *registry { return &registry{rules: map[string]Rule{}} }

func registered(label string) bool {
	if label == ConformanceLabel {
		return true
	}
	kind, name, ok := strings.Cut(label, ":")
	if !ok {
		return false
	}
	switch kind {
	case "flow":
		return slices.Contains(Flows, name)
	case "role":
		return slices.Contains(Roles, name)
	}
	return false
}

// Flow returns the label of a registered flow; an unknown name is a bug
// reported when the suite starts.
func (s *Suite) Flow(name string) Labels { return s.reg.checked("flow:" + name) }

// Role returns the labels of registered roles.
func (s *Suite) Role(names ...string) Labels {
	var out Labels
	for _, n := range names {
		out = append(out, s.reg.checked("role:"+n)...)
	}
	return out
}

func (r *registry) checked(label string) Labels {
	if !registered(label) {
		r.errors = append(r.errors, fmt.Sprintf("label %q is not registered (scenarios/labels.go)", label))
	}
	return Label(label)
}

// Rule is the block every conformance spec carries: the rule it checks, in
// the source's words where possible, and the source (seed page, RFC section).
type Rule struct {
	Rule   string
	Source string
}

func (r Rule) String() string { return r.Rule + " [" + r.Source + "]" }

// ConformanceIt declares a conformance spec: It with the Conformance label
// and its rule, which the report shows and the golden list records. The
// spec's location is the caller's (Offset), not this file's.
func (s *Suite) ConformanceIt(text string, rule Rule, args ...any) bool {
	if rule.Rule == "" || rule.Source == "" {
		s.reg.errors = append(s.reg.errors, fmt.Sprintf("conformance spec %q lacks its rule or source", text))
	}
	if _, dup := s.reg.rules[text]; dup {
		s.reg.errors = append(s.reg.errors, fmt.Sprintf("conformance spec %q is declared twice", text))
	}
	s.reg.rules[text] = rule
	args = append([]any{Label(ConformanceLabel), Offset(1)}, args...)
	return It(text, args...)
}

// check fails the suite at start-up on an unregistered label, a
// conformance spec without its rule, or a duplicate.
func (r *registry) check() {
	if len(r.errors) > 0 {
		sort.Strings(r.errors)
		Fail("scenario registry: " + strings.Join(r.errors, "; "))
	}
}
