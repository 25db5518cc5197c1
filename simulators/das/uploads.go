package das

import (
	"context"
	"fmt"
	"net/http"

	"github.com/wipo-das/dasim/simulators/protocol"
	"github.com/wipo-das/dasim/simulators/store"
)

// depositUpload copies an ACCEPTED upload of the caller into the library,
// under a key of its own for the request ackID, and returns what it holds.
// The upload is not used yet: the transaction that records the request
// claims it (claimUpload), so a DAS killed in between leaves the upload
// usable and at worst an unreferenced library object. unknownStatus
// answers a file id the caller has not uploaded.
func (s *Server) depositUpload(ctx context.Context, caller, fileID, ackID string, unknownStatus int) (content, error) {
	f, err := s.checkUpload(ctx, caller, fileID, unknownStatus)
	if err != nil {
		return content{}, err
	}
	libKey := "library/" + caller + "/" + ackID
	if err := s.deps.storage.Copy(ctx, s.deps.storage.Transit(), f.Key, s.deps.storage.Library(), libKey); err != nil {
		return content{}, fmt.Errorf("copying upload %s into the library: %w", f.ID, err)
	}
	return content{libraryKey: libKey, format: f.Format, checksum: f.Checksum, size: f.Size}, nil
}

// dropDepositedUpload removes from transit an upload now in the library.
func (s *Server) dropDepositedUpload(ctx context.Context, caller, fileID string) {
	if err := s.deps.storage.Delete(ctx, s.deps.storage.Transit(), uploadKey(caller, fileID)); err != nil {
		s.deps.logger.Warn("das: removing a deposited upload from transit", "fileId", fileID, "error", err)
	}
}

// checkUpload finds the caller's upload, checks its bytes if still
// processing, and refuses it unless it is ACCEPTED and unused.
func (s *Server) checkUpload(ctx context.Context, caller, fileID string, unknownStatus int) (file, error) {
	var f file
	var ok bool
	if err := s.view(ctx, func(tx store.DASTx) (err error) { f, ok, err = ownFile(tx, fileID, caller); return err }); err != nil {
		return f, err
	}
	if !ok || f.Role != roleUpload {
		return f, unknownUpload(unknownStatus, fileID, caller)
	}
	if err := s.settleUpload(ctx, f.ID); err != nil {
		return f, err
	}
	if err := s.view(ctx, func(tx store.DASTx) (err error) { f, _, err = tx.File(fileID); return err }); err != nil {
		return f, err
	}
	return f, uploadRefusal(f)
}

func unknownUpload(status int, fileID, caller string) error {
	return refusal(status, protocol.DetailUnknownFile, "body /fileId: no uploaded file with fileId=%s for office %s", fileID, caller)
}

// uploadRefusal says why f cannot be used (nil when it can).
func uploadRefusal(f file) error {
	var why string
	switch {
	case f.UsedBy != "":
		why = fmt.Sprintf("fileId %s was already used by %s", f.ID, f.UsedBy)
	case f.Status == fileProcessing:
		why = fmt.Sprintf("fileId %s is not ACCEPTED yet (status processing: %s)", f.ID, f.Message)
	case f.Status != fileAccepted:
		why = fmt.Sprintf("fileId %s is %s, not ACCEPTED: %s", f.ID, f.Status, f.Message)
	}
	if why != "" {
		return conflict(protocol.DetailFileNotAccepted, "%s", why)
	}
	return nil
}

// claimUpload marks the caller's upload used by purpose, in the
// transaction that records that use, so that it cannot be used twice; its
// retention timer stops.
func claimUpload(tx *txn, caller, fileID, purpose string, unknownStatus int) (file, error) {
	f, ok, err := ownFile(tx, fileID, caller)
	if err != nil {
		return f, err
	}
	if !ok || f.Role != roleUpload {
		return f, unknownUpload(unknownStatus, fileID, caller)
	}
	if err := uploadRefusal(f); err != nil {
		return f, err
	}
	f.UsedBy, f.Message = purpose, "used by "+purpose
	if err := tx.cancel(timerID(timerExpire, f.ID)); err != nil {
		return f, err
	}
	return f, tx.PutFile(f)
}

// releaseUploadTx undoes claimUpload (a c.3 file replaced by another): the
// upload may be used again, and its retention starts anew.
func releaseUploadTx(tx *txn, fileID, message string) error {
	f, ok, err := tx.File(fileID)
	if err != nil || !ok {
		return err
	}
	f.UsedBy, f.Message = "", message
	if err := tx.s.scheduleExpiry(tx, &f, tx.s.deps.clock.Now()); err != nil {
		return err
	}
	return tx.PutFile(f)
}

// unknownFileStatus is how registrations answer a file id the caller has
// not uploaded: das.yaml documents no 404 for them (PUT retrievals answers
// 404). A file that is not accepted is a 409 everywhere.
const unknownFileStatus = http.StatusBadRequest
