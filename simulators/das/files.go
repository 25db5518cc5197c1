package das

import (
	"fmt"
	"net/http"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// uploadKey is where an office's upload lands in the transit bucket: one key
// per office and file id, so an office can never overwrite another's object.
func uploadKey(office, fileID string) string { return "uploads/" + office + "/" + fileID }

// deliveryKey is where DAS prepares a document for an OSF.
func deliveryKey(office, fileID string) string { return "deliveries/" + office + "/" + fileID }

// createUploadURL is POST files/url-uploads (flow c.1 step 1a, c.3 step 3):
// a new fileId and a presigned PUT into the transit zone.
func (s *Server) createUploadURL(w http.ResponseWriter, r *http.Request, caller string) error {
	var req protocol.URLUploadRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	id, err := s.ids.next()
	if err != nil {
		return err
	}
	key := uploadKey(caller, id)
	// Only Host is signed (empty content type): WIPO's sample client PUTs with
	// its own Content-Type (s3client.Storage.PresignPut).
	p, err := s.deps.storage.PresignPut(r.Context(), s.deps.storage.Transit(), key, "", s.cfg.UploadURLTTL)
	if err != nil {
		return fmt.Errorf("presigning upload %s: %w", key, err)
	}
	now := s.deps.clock.Now()
	f := &file{id: id, office: caller, role: roleUpload, key: key, reference: protocol.Optional(req.FileReference),
		format: req.FileFormatCategory, checksum: req.FileChecksum, status: fileProcessing,
		urlExpires: p.Expires, createdAt: now}
	f.message = waitingMessage(f)
	s.mu.Lock()
	if quota := s.uploadQuotaLocked(caller); quota != nil {
		s.mu.Unlock() // the URL just signed is never handed out
		return quota
	}
	s.st.files[id] = f
	s.st.filesByKey[key] = f
	s.st.office(caller).uploads[id] = f
	s.scheduleExpiryLocked(f, now)
	s.mu.Unlock()
	return writeJSON(w, http.StatusCreated, protocol.URLUploadResponse{FileID: id, FileUploadURL: p.URL, FileUploadURLExpiryDate: rfc3339(p.Expires)})
}

func waitingMessage(f *file) string {
	return fmt.Sprintf("waiting for the upload: PUT the bytes to fileUploadUrl before %s", rfc3339(f.urlExpires))
}

// refreshUploadURL is PUT files/url-uploads: a fresh URL for the same file id
// (WIPO's sample refreshes an expired URL). The file goes back to processing.
func (s *Server) refreshUploadURL(w http.ResponseWriter, r *http.Request, caller string) error {
	var req protocol.FileIDRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	s.mu.RLock()
	f, ok := s.st.ownFile(req.FileID, caller)
	var refusal error
	switch {
	case !ok:
		refusal = unknownFile(req.FileID, caller)
	case f.role != roleUpload:
		refusal = conflict(protocol.DetailFileNotAccepted,
			"fileId %s is a document DAS prepared in transit for your retrieval, not an upload: it has no upload URL", f.id)
	case f.usedBy != "":
		refusal = conflict(protocol.DetailFileNotAccepted,
			"fileId %s was already used by %s: request a new upload URL (POST files/url-uploads) for new content", f.id, f.usedBy)
	case f.status == fileDeleted || f.status == fileExpired:
		refusal = conflict(protocol.DetailFileNotAccepted, "fileId %s is %s: request a new upload URL (POST files/url-uploads)", f.id, f.status)
	}
	s.mu.RUnlock()
	if refusal != nil {
		return refusal
	}
	p, err := s.deps.storage.PresignPut(r.Context(), s.deps.storage.Transit(), f.key, "", s.cfg.UploadURLTTL)
	if err != nil {
		return fmt.Errorf("presigning upload %s: %w", f.key, err)
	}
	s.mu.Lock()
	f.generation++
	f.status, f.urlExpires, f.hasSize = fileProcessing, p.Expires, false
	s.st.office(caller).uploads[f.id] = f // open again (a rejected upload left the index)
	f.message = waitingMessage(f)
	s.mu.Unlock()
	return writeJSON(w, http.StatusOK, protocol.URLUploadResponse{FileID: f.id, FileUploadURL: p.URL, FileUploadURLExpiryDate: rfc3339(p.Expires)})
}

// fileStatus is GET files: processing until the bytes are checked, then
// ACCEPTED or REJECTED; DELETED or EXPIRED once removed from transit.
func (s *Server) fileStatus(w http.ResponseWriter, r *http.Request, caller string) error {
	id := r.URL.Query().Get("fileId")
	s.mu.RLock()
	f, ok := s.st.ownFile(id, caller)
	s.mu.RUnlock()
	if !ok {
		return unknownFile(id, caller)
	}
	if err := s.settleUpload(r.Context(), f); err != nil {
		return err
	}
	s.mu.RLock()
	body := protocol.FileStatus{FileID: f.id, FileReference: f.reference, FileFormatCategory: f.format,
		FileChecksum: f.checksum, FileStatusCategory: f.status, StatusMessage: ptr(f.message)}
	if f.hasSize {
		body.FileSizeQuantity = ptr(f.size)
	}
	s.mu.RUnlock()
	return writeJSON(w, http.StatusOK, body)
}

// deleteFile is DELETE files (flow c.1 step 2e): the OSF removes its
// downloaded file from transit, by fileId or by its requestAckId.
func (s *Server) deleteFile(w http.ResponseWriter, r *http.Request, caller string) error {
	q := r.URL.Query()
	fileID, ackID := q.Get("fileId"), q.Get("requestAckId")
	if fileID == "" && ackID == "" {
		return invalidInput(protocol.DetailMissingField, "query: give fileId or requestAckId (the file to delete), got neither")
	}
	s.mu.Lock()
	f, err := s.fileToDelete(caller, fileID, ackID)
	if err == nil {
		err = goneError(f, s.cfg)
	}
	if err != nil || s.cfg.Defects.KeepDeleted {
		s.mu.Unlock()
		if err == nil {
			w.WriteHeader(http.StatusNoContent)
		}
		return err
	}
	f.status, f.goneAt = fileDeleted, s.deps.clock.Now()
	f.message = fmt.Sprintf("deleted by office %s on %s", caller, rfc3339(f.goneAt))
	if f.expiry != nil {
		f.expiry.Stop()
	}
	key := f.key
	s.mu.Unlock()
	if err := s.deps.storage.Delete(r.Context(), s.deps.storage.Transit(), key); err != nil {
		return fmt.Errorf("deleting %s: %w", key, err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// fileToDelete resolves DELETE files' parameters; s.mu is held.
func (s *Server) fileToDelete(caller, fileID, ackID string) (*file, error) {
	var byAck *file
	if ackID != "" {
		rt, ok := s.st.ownRetrieval(ackID, caller)
		if !ok {
			return nil, unknownRetrieval(ackID, caller)
		}
		if rt.delivery == nil {
			return nil, notFound(protocol.DetailNotReady, "retrieval %s has no file in transit (status %s)", ackID, rt.status)
		}
		byAck = rt.delivery
	}
	if fileID == "" {
		return byAck, nil
	}
	f, ok := s.st.ownFile(fileID, caller)
	if !ok {
		return nil, unknownFile(fileID, caller)
	}
	if byAck != nil && byAck != f {
		return nil, invalidInput(protocol.DetailInvalidField,
			"query: fileId %s is not the file of requestAckId %s (its file is %s); give one or the other", fileID, ackID, byAck.id)
	}
	return f, nil
}
