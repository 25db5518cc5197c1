package harness

import (
	"os"
	"strings"
	"testing"
)

func TestDemoWorldIsValidAndDocumentedInREADME(t *testing.T) {
	w := DemoWorld()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	docs := append([]DocumentFile(nil), w.PCT...)
	for _, o := range w.Offices {
		docs = append(docs, o.Documents...)
	}
	for _, d := range docs {
		row := "| " + d.Number + " |"
		if !strings.Contains(string(readme), row) || !strings.Contains(string(readme), d.AccessCode) {
			t.Errorf("README's demo table lacks %s (access code %s)", d.Number, d.AccessCode)
		}
	}
}

func TestWorldFileReportsEveryProblem(t *testing.T) {
	_, err := ParseWorldFile([]byte(`
clock: sundial
offices:
  - code: ee
    setup: C
    documents:
      - {number: "JP 1", date: "2023-02-30", accessCode: "XYZ1", hosting: cloud}
  - code: IB
pct:
  - {number: "PCT/EP2023/000001", date: "2023-01-01", accessCode: "0000"}
`))
	if err == nil {
		t.Fatal("broken world accepted")
	}
	for _, want := range []string{"clock:", "offices[0].code", "offices[0].setup",
		"offices[0].documents[0].date", "offices[0].documents[0].accessCode", "offices[0].documents[0].hosting",
		"offices[1].code: IB is PCT DAS", "pct[0].number"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q:\n%v", want, err)
		}
	}
	if _, err := ParseWorldFile([]byte("offices:\n  - code: EE\n    colour: blue\n")); err == nil ||
		!strings.Contains(err.Error(), "colour") {
		t.Errorf("unknown field accepted: %v", err)
	}
}
