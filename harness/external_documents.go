package harness

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/wipo-das/dasim/simulators/office"
)

// DocumentsFile is the list of test documents an office under test holds and
// registers at the certifying world's DAS (dasim certify --documents, and
// dasim office --documents for the toolkit's own office). YAML or JSON:
//
//	documents:
//	  - {number: "EE P202300012", date: "2023-03-14", accessCode: "AB21", hosting: library, size: 65536}
//	  - {number: "EE P202300013", date: "2023-04-02", accessCode: "3F9A", hosting: home, file: ee-13.pdf}
//
// The scenarios take their documents from it: one per hosting (library: flow
// c.1, home: c.2, transit: c.3); a flow whose hosting is missing is skipped.
type DocumentsFile struct {
	Documents []DeclaredDocument `yaml:"documents" json:"documents"`
}

// DeclaredDocument is a DocumentFile whose bytes are either a file (a real
// office's test document) or Size bytes of dasim's generated content.
type DeclaredDocument struct {
	DocumentFile `yaml:",inline"`
	// File holds the document's bytes, relative to the documents file.
	File string `yaml:"file"`
}

var declaredAccessCode = regexp.MustCompile(`^[0-9A-Fa-f]{4}$`)

// ReadDocumentsFile reads path and returns its documents with their bytes;
// it reports every problem at once.
func ReadDocumentsFile(path string) ([]office.Document, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var df DocumentsFile
	errs := decodeYAML(b, &df)
	var docs []office.Document
	for i, d := range df.Documents {
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("documents[%d] %q: %s", i, d.Number, fmt.Sprintf(format, args...)))
		}
		if d.Number == "" {
			bad("number is required")
		}
		if _, err := time.Parse(time.DateOnly, d.Date); err != nil {
			bad("date %q is not YYYY-MM-DD", d.Date)
		}
		if !declaredAccessCode.MatchString(d.AccessCode) {
			bad("accessCode %q is not four hexadecimal characters", d.AccessCode)
		}
		switch office.Hosting(d.Hosting) {
		case office.Library, office.Home, office.Transit:
		default:
			bad("hosting %q is not library, home or transit", d.Hosting)
		}
		doc := d.officeDocument()
		if d.File != "" {
			f := d.File
			if !filepath.IsAbs(f) {
				f = filepath.Join(filepath.Dir(path), f)
			}
			if doc.Content, err = os.ReadFile(f); err != nil {
				bad("file: %v", err)
			}
		}
		docs = append(docs, doc)
	}
	if len(df.Documents) == 0 {
		errs = append(errs, fmt.Errorf("lists no documents"))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("documents file %s: %w", path, errors.Join(errs...))
	}
	return docs, nil
}
