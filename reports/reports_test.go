package reports

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/xml"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wipo-das/dasim/openapi"
)

func sampleRun() *Run {
	return &Run{Toolkit: "test", SpecSHA256: openapi.DASSpecSHA256(), Target: "role off at https://127.0.0.1:1",
		Started: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), Duration: 1.5,
		Scenarios: []Scenario{
			{Name: "c.1 notification", Flow: "c1-notification", Roles: []string{"osf"}, State: "passed", Seconds: 0.2,
				Steps: []string{"(1a) OFF requests a presigned upload URL"},
				Exchanges: []openapi.Exchange{{Contract: "das.yaml", Operation: "requestRetrieval", Method: "POST",
					URL: "/das/v1/requests/retrievals", Status: 201, Labels: openapi.Labels{Flow: "c1-notification"}}}},
			{Name: "c.2 forwarded <retrieval>", Flow: "c2", Roles: []string{"off"}, State: "failed", Seconds: 0.3,
				Failure: &Failure{Party: "office JP", Step: "(2) DAS forwards the retrieval", Operation: "requestRetrieval",
					Pointer: "/requestAckId", Rule: "required", Expected: "the property", Actual: "nothing",
					Message: "response body lacks requestAckId"},
				Exchanges: []openapi.Exchange{{Contract: "das.yaml", Operation: "requestRetrieval", Method: "POST",
					URL: "/das/v1/requests/retrievals", Status: 418}}},
			{Name: "skipped one", Flow: "c3", State: "skipped"},
		}}
}

func TestJUnitHasOneCasePerScenarioAndNamesTheFailure(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, sampleRun()); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != 3 || doc.Failures != 1 || doc.Skipped != 1 || len(doc.Suites) != 3 {
		t.Fatalf("counts: %+v", doc)
	}
	f := doc.Suites[1].Cases[0].Failure
	if f == nil || !strings.Contains(f.Message, "party office JP") || !strings.Contains(f.Message, "at /requestAckId") ||
		!strings.Contains(f.Text, "expected: the property") {
		t.Fatalf("failure: %+v", f)
	}
}

func TestHTMLReportIsSelfContainedAndEscapes(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, sampleRun(), openapi.DAS()); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, want := range []string{"1 passed, 1 failed, 1 skipped", "office JP", "/requestAckId",
		"c.2 forwarded &lt;retrieval&gt;", "418 (undocumented)", "getRetrievalStatuses"} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, external := range []string{"<script src", "<link ", "@import"} {
		if strings.Contains(html, external) {
			t.Errorf("report is not self-contained: %s", external)
		}
	}
}

func TestCoverageMarksSeenUnseenAndUndocumented(t *testing.T) {
	cells := Coverage(openapi.DAS(), sampleRun().Scenarios...)
	var seen201, unseen, undoc bool
	for _, c := range cells {
		switch {
		case c.Operation == "requestRetrieval" && c.Status == "201" && c.Count == 1 && c.Flow == "c1-notification":
			seen201 = true
		case c.Operation == "notify" && c.Status == "204" && c.Count == 0:
			unseen = true
		case c.Operation == "requestRetrieval" && c.Status == "418" && !c.Documented:
			undoc = true
		}
	}
	if !seen201 || !unseen || !undoc {
		t.Fatalf("seen201=%v unseen=%v undocumented=%v in %+v", seen201, unseen, undoc, cells)
	}
}

func selfSigned(t *testing.T, cn string) (*ecdsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Unix(0, 0), NotAfter: time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return key, c
}

func TestSignedBundleVerifiesAndRefusesTampering(t *testing.T) {
	key, cert := selfSigned(t, "EE private_key_jwt authentication")
	_, other := selfSigned(t, "someone else")
	mk := func() string {
		dir := t.TempDir()
		_ = os.WriteFile(filepath.Join(dir, "report.json"), []byte(`{"ok":true}`), 0o644)
		_ = os.WriteFile(filepath.Join(dir, "junit.xml"), []byte(`<testsuites/>`), 0o644)
		m := Manifest{Toolkit: "test", SpecSHA256: openapi.DASSpecSHA256(), Target: "t", Signed: time.Unix(1e9, 0).UTC()}
		if err := SignBundle(dir, []string{"report.json", "junit.xml"}, m, key, cert); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	dir := mk()
	m, signer, err := VerifyBundle(dir, cert)
	if err != nil || len(m.Files) != 2 || m.SpecSHA256 != openapi.DASSpecSHA256() || !signer.Equal(cert) {
		t.Fatalf("good bundle: %v %+v", err, m)
	}
	cases := map[string]func(dir string) string{
		"changed report": func(dir string) string {
			_ = os.WriteFile(filepath.Join(dir, "report.json"), []byte(`{"ok":false}`), 0o644)
			return "report.json was changed"
		},
		"removed report": func(dir string) string {
			_ = os.Remove(filepath.Join(dir, "junit.xml"))
			return "junit.xml"
		},
		"added file": func(dir string) string {
			_ = os.WriteFile(filepath.Join(dir, "extra.html"), []byte(`x`), 0o644)
			return "extra.html is not covered"
		},
		"tampered manifest": func(dir string) string {
			b, _ := os.ReadFile(filepath.Join(dir, BundleFile))
			parts := strings.Split(string(b), ".")
			parts[1] = parts[1][:len(parts[1])-2] + "AA"
			_ = os.WriteFile(filepath.Join(dir, BundleFile), []byte(strings.Join(parts, ".")), 0o644)
			return "signature does not verify"
		},
	}
	for name, tamper := range cases {
		t.Run(name, func(t *testing.T) {
			dir := mk()
			want := tamper(dir)
			if _, _, err := VerifyBundle(dir, cert); err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("want error containing %q, got %v", want, err)
			}
		})
	}
	if _, _, err := VerifyBundle(mk(), other); err == nil || !strings.Contains(err.Error(), "not by the pinned certificate") {
		t.Fatalf("foreign pin accepted: %v", err)
	}
}
