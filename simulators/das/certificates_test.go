package das

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// certificateQuery is the query of WIPO's Java sample's certificate request.
func certificateQuery(d doc) string {
	return "/registrations/certificates?" + url.Values{"documentKindCategory": {d.kind}, "documentNumber": {d.number},
		"documentDate": {d.date}, "dasAccessCode": {d.code}}.Encode()
}

// getCertificate sends the request as the Java sample does: a GET carrying
// Content-Type: application/pdf and a bearer token.
func (o *office) getCertificate(t *testing.T, d doc) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, o.base+certificateQuery(d), nil)
	must(t, err)
	req.Header.Set("Content-Type", "application/pdf")
	req.Header.Set("Authorization", "Bearer "+o.bearer())
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

func TestCertificateOfRegistrationIsAPDFNamingTheRegistration(t *testing.T) {
	w := newWorld(t, worldOptions{eager: true})
	ee := w.office("EE")
	d := doc{"patent", "EE P202300012", "2023-03-14", "AB21"}
	id := ee.upload(t, "pdf", pdf("cert"), sha(pdf("cert")))
	var ack protocol.RegistrationAck
	ee.expect(t, 201, "POST", "/registrations", d.registration(id), &ack)

	status, h, body := ee.getCertificate(t, d)
	if status != 200 || h.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF-")) {
		t.Fatalf("certificate: %d %s %.40q", status, h.Get("Content-Type"), body)
	}
	checkPDFStructure(t, body)
	for _, want := range []string{"EE P202300012", "Office of first filing: EE", "2023-03-14", ack.RequestAckID} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("certificate does not name %q", want)
		}
	}
	if text := pdfToText(t, body); text != "" {
		for _, want := range []string{"Certificate of registration", "EE P202300012", ack.RequestAckID} {
			if !strings.Contains(text, want) {
				t.Errorf("pdftotext output lacks %q:\n%s", want, text)
			}
		}
	}
}

func TestCertificateRefusesAWrongKeyWithWIPOsCodes(t *testing.T) {
	w := newWorld(t, worldOptions{eager: true})
	ee, lv := w.office("EE"), w.office("LV")
	d := doc{"patent", "EE P202300012", "2023-03-14", "AB21"}
	ee.deposit(t, d, pdf("cert"))
	cases := []struct {
		name    string
		by      *office
		d       doc
		details []int
	}{
		{"wrong number", ee, doc{"patent", "EE P202399999", d.date, d.code}, []int{-7}},
		{"wrong kind", ee, doc{"design", d.number, d.date, d.code}, []int{-7}},
		{"wrong date", ee, doc{"patent", d.number, "2023-03-15", d.code}, []int{-12}},
		{"wrong access code", ee, doc{"patent", d.number, d.date, "FFFF"}, []int{-14}},
		{"both wrong", ee, doc{"patent", d.number, "2023-03-15", "FFFF"}, []int{-12, -14}},
		{"another office's document, right key", lv, d, []int{-7}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.by.expectError(t, 400, "INVALID_INPUT_DATA", c.details, "GET", certificateQuery(c.d), nil)
		})
	}
}

// checkPDFStructure follows the cross-reference table as a reader does:
// startxref points at "xref", and every in-use entry at "N 0 obj".
func checkPDFStructure(t *testing.T, b []byte) {
	t.Helper()
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(b)
	if m == nil {
		t.Fatal("no startxref at the end")
	}
	at, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(b[at:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d does not point at the xref table", at)
	}
	entries := regexp.MustCompile(`(\d{10}) 00000 n \n`).FindAllSubmatch(b[at:], -1)
	if len(entries) == 0 {
		t.Fatal("no object in the xref table")
	}
	for i, e := range entries {
		off, _ := strconv.Atoi(string(e[1]))
		if want := strconv.Itoa(i+1) + " 0 obj\n"; !bytes.HasPrefix(b[off:], []byte(want)) {
			t.Errorf("xref entry %d: offset %d holds %.12q, want %q", i+1, off, b[off:], want)
		}
	}
}

// pdfToText runs poppler's pdftotext, and qpdf --check, when installed
// (.ci/run installs both); "" when pdftotext is not there.
func pdfToText(t *testing.T, b []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext not installed: the PDF is checked structurally only")
		return ""
	}
	p := filepath.Join(t.TempDir(), "c.pdf")
	must(t, os.WriteFile(p, b, 0o600))
	out, err := exec.Command("pdftotext", "-layout", p, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v: %s", err, out)
	}
	if _, err := exec.LookPath("qpdf"); err == nil {
		// qpdf exits 0 only for a file without errors or warnings.
		if check, err := exec.Command("qpdf", "--check", p).CombinedOutput(); err != nil {
			t.Errorf("qpdf --check: %v: %s", err, check)
		}
	}
	return string(out)
}
