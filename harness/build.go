package harness

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/office"
)

const defaultDocumentSize = 48 * 1024

// StartWorld starts the world a WorldFile describes: the parties of Start,
// then each office, whose documents are registered at DAS before it returns.
func StartWorld(ctx context.Context, wf *WorldFile, cfg Config) (*World, error) {
	var running *clock.Virtual // made here, so closed with the world
	if cfg.Clock == nil {
		switch wf.Clock {
		case "virtual":
			start := Epoch
			if wf.Start != "" {
				start, _ = time.Parse(time.RFC3339, wf.Start) // checked by Validate
			}
			cfg.Clock = clock.NewVirtual(start)
		default:
			running = clock.NewOffset(0)
			cfg.Clock = running
		}
	}
	if wf.Profile != "" {
		cfg.Profile = authz.Profile(wf.Profile)
	}
	if wf.Retention != "" {
		cfg.Retention, _ = time.ParseDuration(wf.Retention)
	}
	for _, d := range wf.PCT {
		cfg.PCTDocuments = append(cfg.PCTDocuments, d.officeDocument())
	}
	ext, err := wf.tune(&cfg)
	if err != nil {
		if running != nil {
			running.Close()
		}
		return nil, err
	}
	w, err := Start(ctx, cfg)
	if err != nil {
		if running != nil {
			running.Close()
		}
		return nil, err
	}
	w.ownClock = running
	if err := w.joinExternal(ext); err != nil {
		w.Close()
		return nil, err
	}
	for _, of := range wf.Offices {
		if of.URL != "" {
			continue // joined above
		}
		oc := office.Config{Code: of.Code, ClientID: of.ClientID, Setup: office.AuthSetup(of.Setup),
			TransitThreshold: of.TransitAbove}
		if oc.ClientID == "" {
			oc.ClientID = strings.ToLower(of.Code) + "-office"
		}
		for _, d := range of.Documents {
			oc.Documents = append(oc.Documents, d.officeDocument())
		}
		o, err := w.AddOffice(ctx, oc)
		if err != nil {
			w.Close()
			return nil, err
		}
		if err := o.RegisterAll(ctx); err != nil {
			w.Close()
			return nil, fmt.Errorf("office %s registering its documents: %w", of.Code, err)
		}
	}
	w.Settle()
	return w, nil
}

func (d DocumentFile) officeDocument() office.Document {
	size := int(d.Size)
	if size == 0 {
		size = defaultDocumentSize
	}
	content := PDF(d.Number, size)
	if d.Format == "zip" {
		content = ZIP(d.Number, size)
	}
	return office.Document{Kind: kindOr(d.Kind), Number: d.Number, FilingDate: d.Date, AccessCode: d.AccessCode,
		Format: d.Format, Content: content, Hosting: office.Hosting(d.Hosting)}
}

// ZIP makes a real ZIP archive (an ST.92 package stand-in) holding about
// size bytes of deterministic content.
func ZIP(label string, size int) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	f, _ := zw.CreateHeader(&zip.FileHeader{Name: "priority-document.pdf", Method: zip.Store})
	_, _ = f.Write(PDF(label, size))
	_ = zw.Close()
	return buf.Bytes()
}

// WriteIdentity writes the files of WIPO's keygen script for id into dir
// (es256_private.pem, es256_public.pem, es256_cert.pem) and a README naming
// the client id and office, so curl or an office's own client can join.
func WriteIdentity(dir string, id *Identity) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files := map[string][]byte{
		"es256_private.pem": id.Files.PrivatePEM,
		"es256_public.pem":  id.Files.PublicPEM,
		"es256_cert.pem":    id.Files.CertPEM,
		"client_id":         []byte(id.ClientID + "\n"),
		"office":            []byte(id.Office + "\n"),
	}
	for name, b := range files {
		mode := os.FileMode(0o644)
		if name == "es256_private.pem" {
			mode = 0o600
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, mode); err != nil {
			return err
		}
	}
	return nil
}
