package das

import (
	"context"
	"fmt"

	"github.com/wipo-das/dasim/simulators/protocol"
	"github.com/wipo-das/dasim/simulators/store"
)

// Per-office bounds on what uploads hold (docs/limits.md): without them an
// office could ask any number of upload URLs and fill each with up to
// MaxFileSize bytes, all of it kept in the object store until retention
// (issue 15). The store indexes each office's uploads that may hold transit
// space (store.File.HoldsTransit), so counting costs what the office
// holds, never what DAS stores.

// uploadUsage returns the office's open upload URLs (issued, no bytes
// checked yet, URL not expired) and the bytes its checked, unused uploads
// hold, leaving out the upload except (the one being judged).
func (s *Server) uploadUsage(tx store.DASTx, office, except string) (open int, held int64, err error) {
	uploads, err := tx.OfficeUploads(office)
	if err != nil {
		return 0, 0, err
	}
	now := s.deps.clock.Now()
	for _, f := range uploads {
		switch {
		case f.ID == except:
		case f.HasSize:
			held += f.Size
		case f.Status == fileProcessing && now.Before(f.URLExpires):
			open++
		}
	}
	return open, held, nil
}

// uploadQuota refuses one more upload URL for office.
func (s *Server) uploadQuota(tx store.DASTx, office string) error {
	open, held, err := s.uploadUsage(tx, office, "")
	switch {
	case err != nil:
		return err
	case open >= s.cfg.MaxOpenUploadURLs:
		return conflict(protocol.DetailTransitQuota,
			"office %s holds %d open upload URLs (issued, not uploaded to, not expired), the most DAS allows per office: "+
				"upload to them, or let them expire (%v after issue)", office, open, s.cfg.UploadURLTTL)
	case held >= s.cfg.MaxTransitBytes:
		return conflict(protocol.DetailTransitQuota,
			"office %s holds %d bytes of uploads in the transit zone not yet used by a registration or retrieval, at most %d allowed per office: "+
				"register them, delete them, or let them expire (%v)", office, held, s.cfg.MaxTransitBytes, s.cfg.TransitRetention)
	}
	return nil
}

// overQuota is the verdict on an upload f of size bytes that would take
// its office past MaxTransitBytes ("" when it fits).
func (s *Server) overQuota(tx store.DASTx, f file, size int64) (string, error) {
	_, held, err := s.uploadUsage(tx, f.Office, f.ID)
	if err != nil || held+size <= s.cfg.MaxTransitBytes {
		return "", err
	}
	return fmt.Sprintf("transit quota: the %d bytes uploaded would bring office %s to %d bytes of unused uploads in the transit zone, at most %d allowed",
		size, f.Office, held+size, s.cfg.MaxTransitBytes), nil
}

// freeRejected deletes a REJECTED upload's bytes before the verdict is
// recorded: nothing can use them, and a rejected 256 MiB upload otherwise
// stayed in the store until retention. A new upload to the same URL that
// lands after the deletion bumps the file's generation, so the verdict on
// the old bytes is then dropped and the new bytes are checked on their own.
func (s *Server) freeRejected(ctx context.Context, f file) string {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.OutboundTimeout)
	defer cancel()
	if err := s.deps.storage.Delete(ctx, s.deps.storage.Transit(), f.Key); err != nil {
		s.deps.logger.Warn("das: freeing a rejected upload", "fileId", f.ID, "error", err)
		return ""
	}
	return "; the bytes were removed from the transit zone: PUT files/url-uploads for a new URL and upload again"
}
