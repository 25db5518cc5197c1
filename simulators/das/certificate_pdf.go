package das

import (
	"bytes"
	"fmt"
	"strings"
)

// certificate is what a certificate of registration states.
type certificate struct {
	kind, number, date, office, ackID string
	registeredAt                      string // RFC 3339
	hosting                           string // where DAS keeps the document
}

// certificatePDF lays out a one-page PDF 1.4 document (ISO 32000-1) by
// hand: a catalog, a page tree, one A4 page with its content stream, the two
// standard Helvetica fonts (§9.6.2.2: every reader has them, nothing is
// embedded), an information dictionary, and a cross-reference table whose
// offsets are counted as the objects are written (§7.5.4), so any reader
// (pdftotext, qpdf --check) opens it without repair.
func certificatePDF(c certificate) []byte {
	lines := []string{
		"Document: " + c.number,
		"Kind of right: " + c.kind,
		"Filing date of the priority application: " + c.date,
		"Office of first filing: " + c.office,
		"Registration acknowledgement id (requestAckId): " + c.ackID,
		"Registered with DAS on: " + c.registeredAt,
		"Document kept: " + c.hosting,
	}
	var content strings.Builder
	content.WriteString("BT /F1 18 Tf 72 770 Td (Certificate of registration) Tj ET\n")
	content.WriteString("BT /F2 10 Tf 72 750 Td (WIPO Digital Access Service - simulated by dasim, not issued by WIPO) Tj ET\n")
	content.WriteString("BT /F2 12 Tf 18 TL 72 710 Td\n")
	for _, l := range lines {
		fmt.Fprintf(&content, "(%s) Tj T*\n", pdfText(l))
	}
	content.WriteString("ET\n")

	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		fmt.Sprintf("<< /Title (Certificate of registration %s) /Producer (dasim) >>", pdfText(c.number)),
	}
	var b bytes.Buffer
	// The comment of high bytes tells transfer programs the file is binary (§7.5.2).
	b.WriteString("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	// Each entry is exactly 20 bytes, ending in space + LF (§7.5.4).
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, len(objects), xref)
	return b.Bytes()
}

// pdfText escapes s as the body of a PDF literal string (§7.3.4.2):
// backslash and parentheses are escaped; anything outside printable ASCII
// becomes '?' (the standard fonts' WinAnsi encoding has no other glyphs in
// common with what a caller can send).
func pdfText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\' || r == '(' || r == ')':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r > 0x7e:
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
