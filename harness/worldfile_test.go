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
}

// Issue 13: unknown fields and values of the wrong kind come in the same
// round as every other problem, in the file's own words.
func TestWorldFileReportsShapeAndValueProblemsInOneRoundInItsOwnWords(t *testing.T) {
	_, err := ParseWorldFile([]byte(`clock: sundial
offices:
  - code: EE
    colour: blue
    transitAbove: big
    documents:
      - {number: "EE P1", date: "2023-03-14", accessCode: "AB21", sise: 10}
      - {number: "EE P2", date: "2023-03-14", accessCode: "ZZZZ", size: [1]}
`))
	if err == nil {
		t.Fatal("broken world accepted")
	}
	msg := err.Error()
	for _, want := range []string{
		`offices[0]: unknown field "colour" (line 4); valid fields: code, clientId, setup, transitAbove, documents`,
		`offices[0].transitAbove (line 5): "big" is not a whole number`,
		`offices[0].documents[0]: unknown field "sise" (line 7); valid fields: number, kind, date, accessCode, hosting, size, format`,
		`offices[0].documents[1].size (line 8):`,
		`clock: "sundial" is neither system nor virtual`,
		`offices[0].documents[1].accessCode: "ZZZZ" is not 4 hexadecimal characters`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	for _, never := range []string{"harness.", "int64", "DocumentFile", "not found in type"} {
		if strings.Contains(msg, never) {
			t.Errorf("error speaks Go (%q):\n%s", never, msg)
		}
	}
}

// Issue 15 point 8: an IP5 office's library document passed the file check
// and failed start-up with DAS's 403 (-21); the file check refuses it, with
// every other problem.
func TestWorldFileRefusesLibraryDocumentsOfIP5Offices(t *testing.T) {
	_, err := ParseWorldFile([]byte(`offices:
  - code: JP
    documents:
      - {number: "JP 1", date: "2023-04-02", accessCode: "3F9A", hosting: library}
      - {number: "JP 2", date: "2023-04-02", accessCode: "3F9A"}
  - code: EP
    documents:
      - {number: "EP 1", date: "2023-04-02", accessCode: "nope", hosting: library}
  - code: EE
    documents:
      - {number: "EE 1", date: "2023-04-02", accessCode: "AB21", hosting: library}
`))
	if err == nil {
		t.Fatal("IP5 library documents accepted")
	}
	msg := err.Error()
	for _, want := range []string{"offices[0].documents[0].hosting: office JP is an IP5 office", "detail -21",
		"offices[1].documents[0].hosting: office EP is an IP5 office", "offices[1].documents[0].accessCode"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	for _, never := range []string{"offices[0].documents[1]", "offices[2]"} {
		if strings.Contains(msg, never) {
			t.Errorf("error blames a valid document (%s):\n%s", never, msg)
		}
	}
}
