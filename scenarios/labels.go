package scenarios

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
)

// Flows are the scenario families; every spec carries exactly one.
var Flows = []string{
	"c1-notification", "c1-polling", "corrections", "content-replacement", "c2", "c3",
	"pct", "expiry", "wipo-errors", "token-endpoint", "resource-token", "isolation", "faults",
}

// Roles are the parties a spec checks; certify runs the specs of one role.
var Roles = []string{"das", "off", "osf", "authz", "token-client", "pctdas"}

// ConformanceLabel marks a spec that checks a rule of WIPO's pages or of an RFC.
const ConformanceLabel = "Conformance"

var (
	registryMu     sync.Mutex
	registryErrors []string
	rules          = map[string]Rule{} // spec text → rule
)

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
func Flow(name string) Labels { return checked("flow:" + name) }

// Role returns the labels of registered roles.
func Role(names ...string) Labels {
	var out Labels
	for _, n := range names {
		out = append(out, checked("role:"+n)...)
	}
	return out
}

func checked(label string) Labels {
	if !registered(label) {
		registryMu.Lock()
		registryErrors = append(registryErrors, fmt.Sprintf("label %q is not registered (scenarios/labels.go)", label))
		registryMu.Unlock()
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
// and its rule, which the report shows and the golden list records.
func ConformanceIt(text string, rule Rule, args ...any) bool {
	registryMu.Lock()
	if rule.Rule == "" || rule.Source == "" {
		registryErrors = append(registryErrors, fmt.Sprintf("conformance spec %q lacks its rule or source", text))
	}
	if _, dup := rules[text]; dup {
		registryErrors = append(registryErrors, fmt.Sprintf("conformance spec %q is declared twice", text))
	}
	rules[text] = rule
	registryMu.Unlock()
	args = append([]any{Label(ConformanceLabel)}, args...)
	return It(text, args...)
}

// checkRegistry fails the suite at start-up on an unregistered label, a
// conformance spec without its rule, or a duplicate.
var _ = BeforeSuite(func() {
	registryMu.Lock()
	defer registryMu.Unlock()
	if len(registryErrors) > 0 {
		sort.Strings(registryErrors)
		Fail("scenario registry: " + strings.Join(registryErrors, "; "))
	}
})
