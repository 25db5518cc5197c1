package scenarios

import (
	"flag"
	"os"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite reports/conformance-specs.golden from the registered conformance specs")

const goldenPath = "../reports/conformance-specs.golden"

// The list of conformance specs changes only on purpose (Kubernetes keeps
// its conformance.yaml the same way): adding, dropping or rewording a
// conformance spec or its rule fails here until the golden file is
// regenerated with -update and reviewed.
func TestConformanceSpecsMatchGoldenList(t *testing.T) {
	var lines []string
	for text, rule := range rules {
		lines = append(lines, text+"\n    rule: "+rule.Rule+"\n    source: "+rule.Source)
	}
	sort.Strings(lines)
	got := "# Conformance specs of dasim (generated: go test ./scenarios -run Golden -update)\n\n" +
		strings.Join(lines, "\n") + "\n"
	if *update {
		if err := os.WriteFile(goldenPath, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("conformance specs differ from %s; if the change is on purpose, run: go test ./scenarios -run Golden -update\n--- got ---\n%s", goldenPath, got)
	}
}
