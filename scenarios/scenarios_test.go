package scenarios

import (
	"flag"
	"path/filepath"
	"slices"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"
)

var reportDir = flag.String("dasim.report-dir", "", "write junit.xml, report.json and report.html here")

func TestScenarios(t *testing.T) {
	RegisterFailHandler(Fail)
	s, err := Build(Options{ReportDir: *reportDir})
	if err != nil {
		t.Fatal(err)
	}
	var misplaced []string
	ReportAfterSuite("conformance specs report their own file", func(r Report) {
		misplaced = conformanceSpecsNotInTheirFile(r)
	})
	RunSpecs(t, "dasim scenarios")
	checkConformanceGolden(t, s.reg.rules)
	for _, m := range misplaced {
		t.Errorf("conformance spec reported at the wrong place: %s", m)
	}
}

// conformanceSpecsNotInTheirFile lists the conformance specs whose reported
// location is not a spec file of their own (ConformanceIt once reported
// labels.go, the wrapper's file, for every spec).
func conformanceSpecsNotInTheirFile(r types.Report) []string {
	var out []string
	for _, sr := range r.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt || !slices.Contains(sr.Labels(), ConformanceLabel) {
			continue
		}
		loc := sr.LeafNodeLocation
		switch filepath.Base(loc.FileName) {
		case "labels.go", "suite.go", "":
			out = append(out, sr.LeafNodeText+" at "+loc.String())
		}
	}
	return out
}
