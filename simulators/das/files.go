package das

import (
	"fmt"
	"net/http"

	"github.com/wipo-das/dasim/simulators/protocol"
	"github.com/wipo-das/dasim/simulators/store"
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
	f := file{ID: id, Office: caller, Role: roleUpload, Key: key, Reference: protocol.Optional(req.FileReference),
		Format: req.FileFormatCategory, Checksum: req.FileChecksum, Status: fileProcessing,
		URLExpires: p.Expires, CreatedAt: now}
	f.Message = waitingMessage(f)
	if err := s.update(r.Context(), func(tx *txn) error {
		if err := s.uploadQuota(tx, caller); err != nil {
			return err // the URL just signed is never handed out
		}
		if err := s.scheduleExpiry(tx, &f, now); err != nil {
			return err
		}
		return tx.PutFile(f)
	}); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, protocol.URLUploadResponse{FileID: id, FileUploadURL: p.URL, FileUploadURLExpiryDate: rfc3339(p.Expires)})
}

func waitingMessage(f file) string {
	return fmt.Sprintf("waiting for the upload: PUT the bytes to fileUploadUrl before %s", rfc3339(f.URLExpires))
}

// refreshRefusal says why an upload URL cannot be renewed for f (nil when it can).
func refreshRefusal(f file, ok bool, fileID, caller string) error {
	switch {
	case !ok:
		return unknownFile(fileID, caller)
	case f.Role != roleUpload:
		return conflict(protocol.DetailFileNotAccepted,
			"fileId %s is a document DAS prepared in transit for your retrieval, not an upload: it has no upload URL", f.ID)
	case f.UsedBy != "":
		return conflict(protocol.DetailFileNotAccepted,
			"fileId %s was already used by %s: request a new upload URL (POST files/url-uploads) for new content", f.ID, f.UsedBy)
	case f.Status == fileDeleted || f.Status == fileExpired:
		return conflict(protocol.DetailFileNotAccepted, "fileId %s is %s: request a new upload URL (POST files/url-uploads)", f.ID, f.Status)
	}
	return nil
}

// refreshUploadURL is PUT files/url-uploads: a fresh URL for the same file id
// (WIPO's sample refreshes an expired URL). The file goes back to processing.
func (s *Server) refreshUploadURL(w http.ResponseWriter, r *http.Request, caller string) error {
	var req protocol.FileIDRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	var f file
	if err := s.view(r.Context(), func(tx store.DASTx) error {
		found, ok, err := ownFile(tx, req.FileID, caller)
		if err != nil {
			return err
		}
		f = found
		return refreshRefusal(found, ok, req.FileID, caller)
	}); err != nil {
		return err
	}
	p, err := s.deps.storage.PresignPut(r.Context(), s.deps.storage.Transit(), f.Key, "", s.cfg.UploadURLTTL)
	if err != nil {
		return fmt.Errorf("presigning upload %s: %w", f.Key, err)
	}
	if err := s.update(r.Context(), func(tx *txn) error {
		found, ok, err := ownFile(tx, req.FileID, caller)
		if err != nil {
			return err
		}
		if err := refreshRefusal(found, ok, req.FileID, caller); err != nil {
			return err
		}
		found.Generation++
		found.Status, found.URLExpires, found.HasSize = fileProcessing, p.Expires, false
		found.Message = waitingMessage(found)
		return tx.PutFile(found)
	}); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, protocol.URLUploadResponse{FileID: f.ID, FileUploadURL: p.URL, FileUploadURLExpiryDate: rfc3339(p.Expires)})
}

// fileStatus is GET files: processing until the bytes are checked, then
// ACCEPTED or REJECTED; DELETED or EXPIRED once removed from transit.
func (s *Server) fileStatus(w http.ResponseWriter, r *http.Request, caller string) error {
	id := r.URL.Query().Get("fileId")
	var ok bool
	if err := s.view(r.Context(), func(tx store.DASTx) (err error) { _, ok, err = ownFile(tx, id, caller); return err }); err != nil {
		return err
	}
	if !ok {
		return unknownFile(id, caller)
	}
	if err := s.settleUpload(r.Context(), id); err != nil {
		return err
	}
	var f file
	if err := s.view(r.Context(), func(tx store.DASTx) (err error) { f, _, err = tx.File(id); return err }); err != nil {
		return err
	}
	body := protocol.FileStatus{FileID: f.ID, FileReference: f.Reference, FileFormatCategory: f.Format,
		FileChecksum: f.Checksum, FileStatusCategory: f.Status, StatusMessage: ptr(f.Message)}
	if f.HasSize {
		body.FileSizeQuantity = ptr(f.Size)
	}
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
	var key string
	err := s.update(r.Context(), func(tx *txn) error {
		f, err := fileToDelete(tx, caller, fileID, ackID)
		if err == nil {
			err = goneError(f, s.cfg)
		}
		if err != nil || s.cfg.Defects.KeepDeleted {
			return err
		}
		f.Status, f.GoneAt = fileDeleted, s.deps.clock.Now()
		f.Message = fmt.Sprintf("deleted by office %s on %s", caller, rfc3339(f.GoneAt))
		key = f.Key
		if err := tx.cancel(timerID(timerExpire, f.ID)); err != nil {
			return err
		}
		return tx.PutFile(f)
	})
	if err != nil {
		return err
	}
	if s.cfg.Defects.KeepDeleted {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	if err := s.deps.storage.Delete(r.Context(), s.deps.storage.Transit(), key); err != nil {
		return fmt.Errorf("deleting %s: %w", key, err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// fileToDelete resolves DELETE files' parameters.
func fileToDelete(tx store.DASTx, caller, fileID, ackID string) (file, error) {
	var byAck file
	if ackID != "" {
		rt, ok, err := ownRetrieval(tx, ackID, caller)
		if err != nil {
			return file{}, err
		}
		if !ok {
			return file{}, unknownRetrieval(ackID, caller)
		}
		if rt.Delivery == "" {
			return file{}, notFound(protocol.DetailNotReady, "retrieval %s has no file in transit (status %s)", ackID, rt.Status)
		}
		if byAck, _, err = tx.File(rt.Delivery); err != nil {
			return file{}, err
		}
	}
	if fileID == "" {
		return byAck, nil
	}
	f, ok, err := ownFile(tx, fileID, caller)
	if err != nil {
		return file{}, err
	}
	if !ok {
		return file{}, unknownFile(fileID, caller)
	}
	if ackID != "" && byAck.ID != f.ID {
		return file{}, invalidInput(protocol.DetailInvalidField,
			"query: fileId %s is not the file of requestAckId %s (its file is %s); give one or the other", fileID, ackID, byAck.ID)
	}
	return f, nil
}
