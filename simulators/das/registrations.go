package das

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// content is a document deposited with DAS: where it is and what it is.
type content struct {
	libraryKey, format, checksum string
	size                         int64
}

// decodeRegistration reads the body of POST or PUT registrations and
// applies the storage rules to it; withFile says it names an upload.
func (s *Server) decodeRegistration(r *http.Request) (req protocol.RegistrationRequest, withFile bool, err error) {
	if err := decodeBody(r, &req); err != nil {
		return req, false, err
	}
	withFile = req.FileID != nil && *req.FileID != ""
	if e := s.storageDecision(req.DocumentNumber, withFile); e != nil {
		return req, false, e
	}
	return req, withFile, nil
}

// register is POST registrations (flow c.1 step 1c). With a fileId the
// document is stored in the library; without, it "stays in the OFF's own
// digital library" (seeds: "Steps (1a) and (1b) are not required if the OFF
// keeps the actual document file content in its own digital library").
func (s *Server) register(w http.ResponseWriter, r *http.Request, caller string) error {
	req, withFile, err := s.decodeRegistration(r)
	if err != nil {
		return err
	}
	if e := checkOwnDocument(req.DocumentNumber, caller); e != nil {
		return e
	}
	key := docKey(req.DocumentKindCategory, req.DocumentNumber)
	s.mu.RLock()
	dup := duplicate(s.st.registrations[key], req)
	s.mu.RUnlock()
	if dup != nil {
		return dup
	}
	ackID, err := s.ids.next()
	if err != nil {
		return err
	}
	reg := &registration{ackID: ackID, office: caller, hosting: hostedOffice, registeredAt: s.deps.clock.Now()}
	applyRegistration(reg, req)
	if withFile {
		c, err := s.depositUpload(r.Context(), caller, *req.FileID, "registration "+ackID, unknownFileStatus)
		if err != nil {
			return err
		}
		reg.hosting, reg.content = hostedLibrary, c
	}
	s.mu.Lock()
	if dup := duplicate(s.st.registrations[key], req); dup != nil {
		s.mu.Unlock() // lost a race with the same registration
		s.dropLibraryObject(r.Context(), reg.libraryKey)
		return dup
	}
	s.st.registrations[key] = reg
	s.mu.Unlock()
	w.Header().Set("Location", r.URL.Path+"?"+url.Values{
		"documentKindCategory": {req.DocumentKindCategory}, "documentNumber": {req.DocumentNumber}}.Encode())
	return writeJSON(w, http.StatusCreated, ackOf(reg, "registration - recorded"))
}

func duplicate(existing *registration, req protocol.RegistrationRequest) error {
	if existing == nil || existing.withdrawn {
		return nil
	}
	return conflict(protocol.DetailDuplicate,
		"documentNumber=%s, documentKindCategory=%s is already registered by your office (requestAckId %s): correct it with PUT registrations",
		req.DocumentNumber, req.DocumentKindCategory, existing.ackID)
}

func applyRegistration(reg *registration, req protocol.RegistrationRequest) {
	reg.kind, reg.number, reg.date = req.DocumentKindCategory, req.DocumentNumber, req.DocumentDate
	reg.accessCode = strings.ToUpper(req.DasAccessCode)
	reg.appCategory, reg.appNumber, reg.appFilingDate, reg.email = req.ApplicationCategory, req.ApplicationNumber, req.ApplicationFilingDate, req.Email
}

func ackOf(reg *registration, message string) protocol.RegistrationAck {
	return protocol.RegistrationAck{RequestAckID: reg.ackID, OperationCategory: "registration", RequestStatusCategory: statusSuccess,
		StatusMessage: &message, DocumentKindCategory: reg.kind, DocumentNumber: reg.number, DocumentDate: reg.date}
}

// correctRegistration is PUT registrations: "correct filing date or parent
// application details" or "replace document content for correction purpose"
// (seeds, c.1). Every field replaces the registered one; a null fileId keeps
// the content.
func (s *Server) correctRegistration(w http.ResponseWriter, r *http.Request, caller string) error {
	req, withFile, err := s.decodeRegistration(r)
	if err != nil {
		return err
	}
	key := docKey(req.DocumentKindCategory, req.DocumentNumber)
	s.mu.RLock()
	reg, e := s.ownRegistrationLocked(key, req.DocumentKindCategory, req.DocumentNumber, caller)
	s.mu.RUnlock()
	if e != nil {
		return e
	}
	ackID, err := s.ids.next()
	if err != nil {
		return err
	}
	var c *content
	if withFile {
		dep, err := s.depositUpload(r.Context(), caller, *req.FileID, "correction "+ackID, unknownFileStatus)
		if err != nil {
			return err
		}
		c = &dep
	}
	s.mu.Lock()
	if reg.withdrawn {
		s.mu.Unlock()
		if c != nil {
			s.dropLibraryObject(r.Context(), c.libraryKey)
		}
		return notFound(protocol.DetailWithdrawn, "documentNumber=%s, documentKindCategory=%s was withdrawn", req.DocumentNumber, req.DocumentKindCategory)
	}
	if !s.cfg.Defects.IgnoreCorrections {
		applyRegistration(reg, req)
	}
	reg.ackID = ackID
	var old string
	if c != nil && !s.cfg.Defects.IgnoreCorrections {
		old = reg.libraryKey
		reg.hosting, reg.content = hostedLibrary, *c
	}
	ack := ackOf(reg, "registration - updated")
	s.mu.Unlock()
	s.dropLibraryObject(r.Context(), old)
	return writeJSON(w, http.StatusOK, ack)
}

// ownRegistrationLocked finds the caller's live registration. Another
// office's document is answered exactly like one never registered.
func (s *Server) ownRegistrationLocked(key, kind, number, caller string) (*registration, error) {
	reg := s.st.registrations[key]
	if reg == nil || reg.office != caller {
		return nil, notFound(protocol.DetailNotRegistered,
			"no registration of documentNumber=%s, documentKindCategory=%s for office %s", number, kind, caller)
	}
	if reg.withdrawn {
		return nil, notFound(protocol.DetailWithdrawn,
			"documentNumber=%s, documentKindCategory=%s was withdrawn on %s", number, kind, rfc3339(reg.withdrawnAt))
	}
	return reg, nil
}

// withdraw is DELETE registrations: later retrievals fail with -20, and the
// document leaves the library.
func (s *Server) withdraw(w http.ResponseWriter, r *http.Request, caller string) error {
	q := r.URL.Query()
	kind, number, code := q.Get("documentKindCategory"), q.Get("documentNumber"), q.Get("dasAccessCode")
	s.mu.Lock()
	reg, err := s.ownRegistrationLocked(docKey(kind, number), kind, number, caller)
	if err == nil && !strings.EqualFold(code, reg.accessCode) {
		err = invalidInput(protocol.DetailAccessCodeMismatch,
			"Mismatched access code: dasAccessCode: expected dasAccessCode=%s (the value received; it differs from the registered access code)", strings.ToUpper(code))
	}
	if err != nil {
		s.mu.Unlock()
		return err
	}
	reg.withdrawn, reg.withdrawnAt = true, s.deps.clock.Now()
	key := reg.libraryKey
	reg.libraryKey = ""
	ack := ackOf(reg, "registration - withdrawn")
	s.mu.Unlock()
	s.dropLibraryObject(r.Context(), key)
	return writeJSON(w, http.StatusOK, ack)
}

// depositUpload moves an ACCEPTED upload of the caller into the library.
// unknownStatus answers a file id the caller has not uploaded.
func (s *Server) depositUpload(ctx context.Context, caller, fileID, purpose string, unknownStatus int) (content, error) {
	f, c, err := s.takeUpload(ctx, caller, fileID, purpose, unknownStatus)
	if err != nil {
		return content{}, err
	}
	libKey := "library/" + caller + "/" + f.id
	if err := s.deps.storage.Copy(ctx, s.deps.storage.Transit(), f.key, s.deps.storage.Library(), libKey); err != nil {
		s.releaseUpload(f)
		return content{}, fmt.Errorf("copying upload %s into the library: %w", f.id, err)
	}
	if err := s.deps.storage.Delete(ctx, s.deps.storage.Transit(), f.key); err != nil {
		s.deps.logger.Warn("das: removing a deposited upload from transit", "fileId", f.id, "error", err)
	}
	c.libraryKey = libKey
	return c, nil
}

// takeUpload checks the caller's upload and reserves it for purpose, so that
// it cannot be used twice; its retention timer stops. The content is what
// the upload holds, read while reserving it.
func (s *Server) takeUpload(ctx context.Context, caller, fileID, purpose string, unknownStatus int) (*file, content, error) {
	s.mu.RLock()
	f, ok := s.st.ownFile(fileID, caller)
	s.mu.RUnlock()
	if !ok || f.role != roleUpload {
		return nil, content{}, refusal(unknownStatus, protocol.DetailUnknownFile, "body /fileId: no uploaded file with fileId=%s for office %s", fileID, caller)
	}
	if err := s.settleUpload(ctx, f); err != nil {
		return nil, content{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var why string
	switch {
	case f.usedBy != "":
		why = fmt.Sprintf("fileId %s was already used by %s", f.id, f.usedBy)
	case f.status == fileProcessing:
		why = fmt.Sprintf("fileId %s is not ACCEPTED yet (status processing: %s)", f.id, f.message)
	case f.status != fileAccepted:
		why = fmt.Sprintf("fileId %s is %s, not ACCEPTED: %s", f.id, f.status, f.message)
	}
	if why != "" {
		return nil, content{}, conflict(protocol.DetailFileNotAccepted, "%s", why)
	}
	f.usedBy = purpose
	f.message = "used by " + purpose
	if f.expiry != nil {
		f.expiry.Stop()
	}
	return f, content{format: f.format, checksum: f.checksum, size: f.size}, nil
}

// releaseUpload undoes takeUpload after a failed copy.
func (s *Server) releaseUpload(f *file) {
	s.mu.Lock()
	f.usedBy, f.message = "", "file accepted"
	s.scheduleExpiryLocked(f, s.deps.clock.Now())
	s.mu.Unlock()
}

// unknownFileStatus is how registrations answer a file id the caller has
// not uploaded: das.yaml documents no 404 for them (PUT retrievals answers
// 404). A file that is not accepted is a 409 everywhere.
const unknownFileStatus = http.StatusBadRequest

func refusal(status, detail int, format string, args ...any) *protocol.DASError {
	return protocol.NewDASError(status, codeFor(status), detail, format, args...)
}

func codeFor(status int) string {
	switch status {
	case http.StatusConflict:
		return protocol.CodeConflict
	case http.StatusNotFound:
		return protocol.CodeNotFound
	}
	return protocol.CodeInvalidInputData
}

// dropLibraryObject deletes a library object that no registration uses any
// more; it outlives the request that dropped it (a client that hangs up
// must not leave the object behind), within OutboundTimeout.
func (s *Server) dropLibraryObject(ctx context.Context, key string) {
	if key == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.OutboundTimeout)
	defer cancel()
	if err := s.deps.storage.Delete(ctx, s.deps.storage.Library(), key); err != nil && !errors.Is(err, context.Canceled) {
		s.deps.logger.Warn("das: deleting library object", "key", key, "error", err)
	}
}
