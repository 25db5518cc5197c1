package scenarios

import (
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite reports/conformance-specs.golden from the registered conformance specs")

// goldenPath is found from this source file, so a test binary run from
// another directory (ginkgo -p with a precompiled binary) still finds it.
var goldenPath = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "reports", "conformance-specs.golden")
}()

// checkConformanceGolden compares the registered conformance specs with the
// golden list: it changes only on purpose (Kubernetes keeps its
// conformance.yaml the same way), so adding, dropping or rewording a
// conformance spec or its rule fails until the file is regenerated with
// -update and reviewed. Ginkgo builds the spec tree inside RunSpecs, so
// TestScenarios calls this after the run.
func checkConformanceGolden(t *testing.T, rules map[string]Rule) {
	if len(rules) == 0 {
		t.Fatal("no conformance spec registered: the spec tree was not built")
	}
	var lines []string
	for text, rule := range rules {
		lines = append(lines, text+"\n    rule: "+rule.Rule+"\n    source: "+rule.Source)
	}
	sort.Strings(lines)
	got := "# Conformance specs of dasim (generated: go test ./scenarios -update)\n\n" +
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
		t.Errorf("conformance specs differ from %s; if the change is on purpose, run: go test ./scenarios -update\n--- got ---\n%s", goldenPath, got)
	}
}
