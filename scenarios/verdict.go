package scenarios

import (
	"fmt"
	"strings"

	"github.com/wipo-das/dasim/reports"
)

// Verdict is a certification's judgement of a run: of the role's checks
// (the run's scenarios that bind the system under test), how many passed;
// the failed ones; and the required ones skipped, each with what to add.
// A certification passes only with no failure and no required skip.
type Verdict struct {
	Role         string
	Passed       int
	Checks       int // the role's checks that bind the system: all but the optional skips
	Failed       []reports.Scenario
	Skipped      []reports.Scenario // required checks that did not run
	Inapplicable int                // optional skips: obligations of another setup
}

// Judge is the verdict on run for role.
func Judge(run *reports.Run, role string) Verdict {
	v := Verdict{Role: role}
	for _, s := range run.Scenarios {
		switch {
		case s.State == "passed":
			v.Passed++
		case s.State == "failed":
			v.Failed = append(v.Failed, s)
		case s.Optional:
			v.Inapplicable++
			continue
		default:
			v.Skipped = append(v.Skipped, s)
		}
		v.Checks++
	}
	return v
}

// OK reports whether the certification passed.
func (v Verdict) OK() bool { return len(v.Failed) == 0 && len(v.Skipped) == 0 }

// String is the verdict as the CLI prints it.
func (v Verdict) String() string {
	var b strings.Builder
	role := strings.ToUpper(v.Role)
	fmt.Fprintf(&b, "%d of the %s's %d checks passed", v.Passed, role, v.Checks)
	if v.Inapplicable > 0 {
		fmt.Fprintf(&b, " (%d more do not apply to it)", v.Inapplicable)
	}
	if len(v.Failed) > 0 {
		fmt.Fprintf(&b, "; %d failed", len(v.Failed))
	}
	if len(v.Skipped) > 0 {
		fmt.Fprintf(&b, "; %d required checks were skipped, so the certification is incomplete:", len(v.Skipped))
		for _, s := range v.Skipped {
			fmt.Fprintf(&b, "\n  - %s: %s", s.Name, s.SkipReason)
		}
	}
	return b.String()
}
