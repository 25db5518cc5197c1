// Package priority holds the priority document as an office of first
// filing keeps it (das.yaml RegistrationRequest), where it is hosted and so
// which flow serves it (seeds, "Registration and Retrieval": c.1 library,
// c.2 home, c.3 transit), and the key an office of second filing retrieves
// it by. It is a leaf package: the simulated offices, PCT DAS's rules and
// the harness share it without depending on one another.
package priority

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Document is one priority document of the office's digital library, with
// the metadata of a registration (das.yaml RegistrationRequest).
type Document struct {
	// Kind is the documentKindCategory; default "patent".
	Kind string
	// Number is the documentNumber, led by the office's ST.3 code
	// ("EE P202300012") or a PCT number of its receiving office
	// ("PCT/IB2023/000042").
	Number string
	// FilingDate is the documentDate, YYYY-MM-DD.
	FilingDate string
	// AccessCode is the dasAccessCode, four hexadecimal characters.
	AccessCode string
	// ApplicationNumber and ApplicationFilingDate name the parent application
	// in which the priority document is held (optional).
	ApplicationNumber     string
	ApplicationFilingDate string
	// Email of the applicant (optional).
	Email string
	// Format is the fileFormatCategory, pdf (default) or zip.
	Format string
	// Content is the file. DAS checks a pdf starts with "%PDF-", a zip with "PK\x03\x04".
	Content []byte
	// Hosting; empty means the office's default hosting, or Transit above
	// its transit threshold (HostedAt).
	Hosting Hosting
}

// Hosting is where an OFF keeps a document and so which flow serves it
// (seeds, "Registration and Retrieval"; ARCHITECTURE.md §1).
type Hosting string

const (
	// Library: "OFF uploads the document file content using a presigned url
	// ... OFF requests document registration ... by referring to the uploaded
	// file content by the corresponding file id" (flow c.1).
	Library Hosting = "library"
	// Home: "Documents registered and kept in the OFF digital library"; DAS
	// forwards retrievals, the OFF offers its own download URL (flow c.2).
	Home Hosting = "home"
	// Transit: kept at home, but "big-sized documents can be transmitted
	// through the DAS transit zone" (flow c.3).
	Transit Hosting = "transit"
)

var accessCodePattern = regexp.MustCompile(`^[0-9A-Fa-f]{4}$`)

// KindCategory is the documentKindCategory, "patent" when Kind is empty.
func (d Document) KindCategory() string { return KindOr(d.Kind) }

// FileFormat is the fileFormatCategory, "pdf" when Format is empty.
func (d Document) FileFormat() string {
	if d.Format == "" {
		return "pdf"
	}
	return d.Format
}

// ID identifies d in an office's library: kind of right and number.
func (d Document) ID() string { return ID(d.KindCategory(), d.Number) }

// ID identifies a document by kind of right and number.
func ID(kind, number string) string { return KindOr(kind) + "|" + number }

// KindOr is kind, or "patent" when kind is empty.
func KindOr(kind string) string {
	if kind == "" {
		return "patent"
	}
	return kind
}

// Checksum is the fileChecksum of the content: sha256, lowercase hex.
func (d Document) Checksum() string {
	sum := sha256.Sum256(d.Content)
	return hex.EncodeToString(sum[:])
}

// ContentType is the media type the content is uploaded and served with.
func (d Document) ContentType() string {
	if d.FileFormat() == "zip" {
		return "application/zip"
	}
	return "application/pdf"
}

// Validate reports every problem of d, a document of the office with ST.3
// code code, at once.
func (d Document) Validate(code string) error {
	var errs []error
	if !strings.HasPrefix(d.Number, code) && !strings.HasPrefix(d.Number, "PCT/"+code) {
		errs = append(errs, fmt.Errorf("number %q is not led by the office code %s", d.Number, code))
	}
	if _, err := time.Parse(time.DateOnly, d.FilingDate); err != nil {
		errs = append(errs, fmt.Errorf("filing date %q is not YYYY-MM-DD", d.FilingDate))
	}
	if !accessCodePattern.MatchString(d.AccessCode) {
		errs = append(errs, fmt.Errorf("access code %q is not four hexadecimal characters", d.AccessCode))
	}
	if d.FileFormat() != "pdf" && d.FileFormat() != "zip" {
		errs = append(errs, fmt.Errorf("format %q is neither pdf nor zip", d.Format))
	}
	switch d.Hosting {
	case "", Library, Home, Transit:
	default:
		errs = append(errs, fmt.Errorf("hosting %q is not library, home or transit", d.Hosting))
	}
	if len(d.Content) == 0 {
		errs = append(errs, errors.New("content is empty"))
	}
	return errors.Join(errs...)
}

// HostedAt resolves where d is kept by an office whose documents naming
// no hosting are kept at def, or go through the transit zone when larger
// than transitAbove bytes.
func (d Document) HostedAt(def Hosting, transitAbove int64) Hosting {
	switch {
	case d.Hosting != "":
		return d.Hosting
	case int64(len(d.Content)) > transitAbove:
		return Transit
	default:
		return def
	}
}

// RetrievalKey is what an OSF gives DAS to retrieve a document (W5: office
// code + IP right + number + filing date + access code).
type RetrievalKey struct {
	Kind       string // default "patent"
	Number     string
	FilingDate string
	AccessCode string
	// ExpectSHA256, when set, is checked on download besides what DAS says.
	ExpectSHA256 string
}

// Key is the retrieval key of d.
func (d Document) Key() RetrievalKey {
	return RetrievalKey{Kind: d.KindCategory(), Number: d.Number, FilingDate: d.FilingDate, AccessCode: d.AccessCode,
		ExpectSHA256: d.Checksum()}
}
