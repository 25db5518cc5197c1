package das

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/wipo-das/dasim/simulators/protocol"
	"github.com/wipo-das/dasim/simulators/store"
)

// content is a document deposited with DAS: where it is and what it is.
type content struct {
	libraryKey, format, checksum string
	size                         int64
}

// deposit records c as reg's library content.
func deposit(reg *registration, c content) {
	reg.Hosting, reg.LibraryKey, reg.Format, reg.Checksum, reg.Size = hostedLibrary, c.libraryKey, c.format, c.checksum, c.size
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
	var dup *protocol.DASError
	if err := s.view(r.Context(), func(tx store.DASTx) (err error) { dup, err = duplicate(tx, key, req); return err }); err != nil {
		return err
	}
	if dup != nil {
		return dup
	}
	ackID, err := s.ids.next()
	if err != nil {
		return err
	}
	reg := registration{Key: key, AckID: ackID, Office: caller, Hosting: hostedOffice, RegisteredAt: s.deps.clock.Now()}
	applyRegistration(&reg, req)
	if withFile {
		c, err := s.depositUpload(r.Context(), caller, *req.FileID, ackID, unknownFileStatus)
		if err != nil {
			return err
		}
		deposit(&reg, c)
	}
	err = s.update(r.Context(), func(tx *txn) error {
		if dup, err = duplicate(tx, key, req); err != nil || dup != nil {
			return err // lost a race with the same registration
		}
		if withFile {
			if _, err := claimUpload(tx, caller, *req.FileID, "registration "+ackID, unknownFileStatus); err != nil {
				return err
			}
		}
		return tx.PutRegistration(reg)
	})
	if err == nil && dup != nil {
		err = dup
	}
	if err != nil {
		s.dropLibraryObject(r.Context(), reg.LibraryKey)
		return err
	}
	if withFile {
		s.dropDepositedUpload(r.Context(), caller, *req.FileID)
	}
	w.Header().Set("Location", r.URL.Path+"?"+url.Values{
		"documentKindCategory": {req.DocumentKindCategory}, "documentNumber": {req.DocumentNumber}}.Encode())
	return writeJSON(w, http.StatusCreated, ackOf(reg, "registration - recorded"))
}

// duplicate is the refusal of a registration whose document is registered.
func duplicate(tx store.DASTx, key string, req protocol.RegistrationRequest) (*protocol.DASError, error) {
	existing, ok, err := tx.Registration(key)
	if err != nil || !ok || existing.Withdrawn {
		return nil, err
	}
	return conflict(protocol.DetailDuplicate,
		"documentNumber=%s, documentKindCategory=%s is already registered by your office (requestAckId %s): correct it with PUT registrations",
		req.DocumentNumber, req.DocumentKindCategory, existing.AckID), nil
}

func applyRegistration(reg *registration, req protocol.RegistrationRequest) {
	reg.Kind, reg.Number, reg.Date = req.DocumentKindCategory, req.DocumentNumber, req.DocumentDate
	reg.AccessCode = strings.ToUpper(req.DasAccessCode)
	reg.AppCategory, reg.AppNumber, reg.AppDate, reg.Email = req.ApplicationCategory, req.ApplicationNumber, req.ApplicationFilingDate, req.Email
}

func ackOf(reg registration, message string) protocol.RegistrationAck {
	return protocol.RegistrationAck{RequestAckID: reg.AckID, OperationCategory: "registration", RequestStatusCategory: statusSuccess,
		StatusMessage: &message, DocumentKindCategory: reg.Kind, DocumentNumber: reg.Number, DocumentDate: reg.Date}
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
	if err := s.view(r.Context(), func(tx store.DASTx) error {
		_, err := ownRegistration(tx, key, req.DocumentKindCategory, req.DocumentNumber, caller)
		return err
	}); err != nil {
		return err
	}
	ackID, err := s.ids.next()
	if err != nil {
		return err
	}
	var c *content
	if withFile {
		dep, err := s.depositUpload(r.Context(), caller, *req.FileID, ackID, unknownFileStatus)
		if err != nil {
			return err
		}
		c = &dep
	}
	var reg registration
	var old string
	err = s.update(r.Context(), func(tx *txn) (err error) {
		if reg, err = ownRegistration(tx, key, req.DocumentKindCategory, req.DocumentNumber, caller); err != nil {
			return err // withdrawn meanwhile
		}
		if s.cfg.Defects.IgnoreCorrections { // answered as applied, kept as it was
			reg.AckID = ackID
			return tx.PutRegistration(reg)
		}
		applyRegistration(&reg, req)
		reg.AckID, old = ackID, ""
		if c != nil {
			if _, err := claimUpload(tx, caller, *req.FileID, "correction "+ackID, unknownFileStatus); err != nil {
				return err
			}
			old = reg.LibraryKey
			deposit(&reg, *c)
		}
		return tx.PutRegistration(reg)
	})
	if err != nil {
		if c != nil {
			s.dropLibraryObject(r.Context(), c.libraryKey)
		}
		return err
	}
	if c != nil {
		s.dropDepositedUpload(r.Context(), caller, *req.FileID)
	}
	s.dropLibraryObject(r.Context(), old)
	return writeJSON(w, http.StatusOK, ackOf(reg, "registration - updated"))
}

// ownRegistration finds the caller's live registration. Another office's
// document is answered exactly like one never registered.
func ownRegistration(tx store.DASTx, key, kind, number, caller string) (registration, error) {
	reg, ok, err := tx.Registration(key)
	if err != nil {
		return reg, err
	}
	if !ok || reg.Office != caller {
		return reg, notFound(protocol.DetailNotRegistered,
			"no registration of documentNumber=%s, documentKindCategory=%s for office %s", number, kind, caller)
	}
	if reg.Withdrawn {
		return reg, notFound(protocol.DetailWithdrawn,
			"documentNumber=%s, documentKindCategory=%s was withdrawn on %s", number, kind, rfc3339(reg.WithdrawnAt))
	}
	return reg, nil
}

// withdraw is DELETE registrations: later retrievals fail with -20, and the
// document leaves the library.
func (s *Server) withdraw(w http.ResponseWriter, r *http.Request, caller string) error {
	q := r.URL.Query()
	kind, number, code := q.Get("documentKindCategory"), q.Get("documentNumber"), q.Get("dasAccessCode")
	var reg registration
	var key string
	err := s.update(r.Context(), func(tx *txn) (err error) {
		if reg, err = ownRegistration(tx, docKey(kind, number), kind, number, caller); err != nil {
			return err
		}
		if !strings.EqualFold(code, reg.AccessCode) {
			return invalidInput(protocol.DetailAccessCodeMismatch,
				"Mismatched access code: dasAccessCode: expected dasAccessCode=%s (the value received; it differs from the registered access code)", strings.ToUpper(code))
		}
		reg.Withdrawn, reg.WithdrawnAt = true, s.deps.clock.Now()
		key, reg.LibraryKey = reg.LibraryKey, ""
		return tx.PutRegistration(reg)
	})
	if err != nil {
		return err
	}
	s.dropLibraryObject(r.Context(), key)
	return writeJSON(w, http.StatusOK, ackOf(reg, "registration - withdrawn"))
}

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
