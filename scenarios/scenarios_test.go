package scenarios

import (
	"flag"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var reportDir = flag.String("dasim.report-dir", "", "write junit.xml, report.json and report.html here")

func TestScenarios(t *testing.T) {
	RegisterFailHandler(Fail)
	Configure(Options{ReportDir: *reportDir})
	RunSpecs(t, "dasim scenarios")
	checkConformanceGolden(t)
}
