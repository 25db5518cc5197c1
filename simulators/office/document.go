package office

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
	// Hosting; empty means Config.DefaultHosting, or Transit above
	// Config.TransitThreshold.
	Hosting Hosting
}

var accessCodePattern = regexp.MustCompile(`^[0-9A-Fa-f]{4}$`)

func (d Document) kind() string { return kindOr(d.Kind) }

func (d Document) format() string {
	if d.Format == "" {
		return "pdf"
	}
	return d.Format
}

func (d Document) key() string { return docKey(d.kind(), d.Number) }

func docKey(kind, number string) string { return kind + "|" + number }

func (d Document) checksum() string {
	sum := sha256.Sum256(d.Content)
	return hex.EncodeToString(sum[:])
}

func (d Document) contentType() string {
	if d.format() == "zip" {
		return "application/zip"
	}
	return "application/pdf"
}

func (d Document) validate(code string) error {
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
	if d.format() != "pdf" && d.format() != "zip" {
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

// hosting resolves where d is kept under cfg.
func (d Document) hosting(cfg Config) Hosting {
	switch {
	case d.Hosting != "":
		return d.Hosting
	case int64(len(d.Content)) > cfg.TransitThreshold:
		return Transit
	default:
		return cfg.DefaultHosting
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
	return RetrievalKey{Kind: d.kind(), Number: d.Number, FilingDate: d.FilingDate, AccessCode: d.AccessCode,
		ExpectSHA256: d.checksum()}
}
