package office

import (
	"context"
	"errors"
	"fmt"

	"github.com/wipo-das/dasim/simulators/priority"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// docState is a document of the library and what DAS knows of it.
type docState struct {
	doc        Document
	hosting    Hosting
	registered bool
	withdrawn  bool
	fileID     string // the upload registered (library)
	ackID      string // DAS's ack of the last registration call
}

// Registration is what the office knows of one of its registrations.
type Registration struct {
	Document   Document
	Hosting    Hosting
	Registered bool
	Withdrawn  bool
	FileID     string
	AckID      string
}

// Registration returns the state of a document of the library.
func (o *Office) Registration(kind, number string) (Registration, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	d, ok := o.docs[priority.ID(kindOr(kind), number)]
	if !ok {
		return Registration{}, false
	}
	return Registration{Document: d.doc, Hosting: d.hosting, Registered: d.registered, Withdrawn: d.withdrawn,
		FileID: d.fileID, AckID: d.ackID}, true
}

// Documents returns the library's documents, in the order they joined it.
func (o *Office) Documents() []Document {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]Document, 0, len(o.order))
	for _, id := range o.order {
		out = append(out, o.docs[id].doc)
	}
	return out
}

// Add puts a document into the library (not yet registered).
func (o *Office) Add(d Document) error {
	if err := d.Validate(o.cfg.Code); err != nil {
		return fmt.Errorf("office %s: %w", o.cfg.Code, err)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.addLocked(d)
	return nil
}

// addLocked puts d into the library, keeping the order documents joined
// it; o.mu is held (or o not yet shared).
func (o *Office) addLocked(d Document) {
	if _, ok := o.docs[d.ID()]; !ok {
		o.order = append(o.order, d.ID())
	}
	o.docs[d.ID()] = &docState{doc: d, hosting: d.HostedAt(o.cfg.DefaultHosting, o.cfg.TransitThreshold)}
}

// RegisterAll registers every document of the library not yet registered,
// and returns every failure at once.
func (o *Office) RegisterAll(ctx context.Context) error {
	var errs []error
	for _, d := range o.Documents() {
		if r, _ := o.Registration(d.KindCategory(), d.Number); r.Registered {
			continue
		}
		if err := o.Register(ctx, d); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Register adds d to the library if needed and registers it at DAS: flow c.1
// "(1a) ... POST files/url-uploads, (1b) ... uploads ... using a presigned
// url, (1c) ... POST registrations" for Library documents; for Home and
// Transit documents, POST registrations without a file.
func (o *Office) Register(ctx context.Context, d Document) error {
	if _, ok := o.Registration(d.KindCategory(), d.Number); !ok {
		if err := o.Add(d); err != nil {
			return err
		}
	}
	o.mu.Lock()
	st := o.docs[d.ID()]
	doc, hosting := st.doc, st.hosting
	o.mu.Unlock()
	var fileID string
	if hosting == Library {
		var err error
		if fileID, err = o.uploadFile(ctx, doc); err != nil {
			return fmt.Errorf("office %s: register %s: %w", o.cfg.Code, doc.Number, err)
		}
	}
	ack, _, err := o.das.Register(ctx, o.registrationDefects(registrationBody(doc, fileID)))
	if err != nil {
		return fmt.Errorf("office %s: register %s: %w", o.cfg.Code, doc.Number, err)
	}
	o.mu.Lock()
	st.registered, st.withdrawn, st.fileID, st.ackID = true, false, fileID, ack.RequestAckID
	o.mu.Unlock()
	return nil
}

// Correction changes a registration (flow "corrections"): empty fields keep
// their value; Content replaces the document with a new upload.
type Correction struct {
	FilingDate            string
	ApplicationNumber     string
	ApplicationFilingDate string
	Content               []byte
}

// Correct sends PUT registrations: "OFF requests document registration to
// WIPO DAS by specifying the new document attributes", and for new content
// "(1a) ... (1b) uploads the corrected document file content ... (1c) PUT
// registrations" by the new file id.
func (o *Office) Correct(ctx context.Context, kind, number string, c Correction) error {
	o.mu.Lock()
	st, ok := o.docs[priority.ID(kindOr(kind), number)]
	var doc Document
	var fileID string
	if ok {
		doc, fileID = st.doc, st.fileID
	}
	o.mu.Unlock()
	if !ok {
		return fmt.Errorf("office %s: no document %s %s", o.cfg.Code, kindOr(kind), number)
	}
	if c.FilingDate != "" && !o.cfg.Defects.CorrectionKeepsDate {
		doc.FilingDate = c.FilingDate
	}
	if c.ApplicationNumber != "" {
		doc.ApplicationNumber = c.ApplicationNumber
	}
	if c.ApplicationFilingDate != "" {
		doc.ApplicationFilingDate = c.ApplicationFilingDate
	}
	if c.Content != nil {
		doc.Content = c.Content
		if st.hosting == Library && !o.cfg.Defects.ReplaceWithoutUpload {
			var err error
			if fileID, err = o.uploadFile(ctx, doc); err != nil {
				return fmt.Errorf("office %s: correct %s: %w", o.cfg.Code, number, err)
			}
		}
	}
	body := registrationBody(doc, "")
	if c.Content != nil && fileID != "" {
		body.FileID = &fileID
	}
	ack, _, err := o.das.CorrectRegistration(ctx, o.registrationDefects(body))
	if err != nil {
		return fmt.Errorf("office %s: correct %s: %w", o.cfg.Code, number, err)
	}
	o.mu.Lock()
	st.doc, st.fileID, st.ackID = doc, fileID, ack.RequestAckID
	o.mu.Unlock()
	return nil
}

// Withdraw deregisters a document (DELETE registrations); the office keeps
// it and refuses forwarded retrievals of it from then on (detail -20).
func (o *Office) Withdraw(ctx context.Context, kind, number string) error {
	o.mu.Lock()
	st, ok := o.docs[priority.ID(kindOr(kind), number)]
	o.mu.Unlock()
	if !ok {
		return fmt.Errorf("office %s: no document %s %s", o.cfg.Code, kindOr(kind), number)
	}
	ack, _, err := o.das.Withdraw(ctx, st.doc.KindCategory(), number, st.doc.AccessCode)
	if err != nil {
		return fmt.Errorf("office %s: withdraw %s: %w", o.cfg.Code, number, err)
	}
	o.mu.Lock()
	st.withdrawn, st.ackID = true, ack.RequestAckID
	o.mu.Unlock()
	return nil
}

// uploadFile does steps (1a) and (1b): a presigned URL from DAS, then the bytes.
func (o *Office) uploadFile(ctx context.Context, d Document) (string, error) {
	req := protocol.URLUploadRequest{FileReference: fileReference(d), FileFormatCategory: d.FileFormat(), FileChecksum: d.Checksum()}
	req, content := o.uploadDefects(req, d.Content)
	up, _, err := o.das.CreateUploadURL(ctx, req)
	if err != nil {
		return "", err
	}
	if err := o.upload(ctx, up.FileUploadURL, d.ContentType(), content); err != nil {
		return up.FileID, err
	}
	return up.FileID, nil
}

func registrationBody(d Document, fileID string) protocol.RegistrationRequest {
	cat := "priority document"
	return protocol.RegistrationRequest{OperationCategory: "registration", DocumentKindCategory: d.KindCategory(),
		DocumentNumber: d.Number, DocumentDate: d.FilingDate, DasAccessCode: d.AccessCode,
		ApplicationCategory: &cat, ApplicationNumber: protocol.Optional(d.ApplicationNumber),
		ApplicationFilingDate: protocol.Optional(d.ApplicationFilingDate), Email: protocol.Optional(d.Email), FileID: protocol.Optional(fileID)}
}

// fileReference is the office's own name for a file, e.g. EE-P202300012-priority.pdf
// (das.yaml's example), limited to characters safe in any reference.
func fileReference(d Document) string {
	b := []byte(d.Number)
	for i, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			b[i] = '-'
		}
	}
	return string(b) + "-priority." + d.FileFormat()
}
