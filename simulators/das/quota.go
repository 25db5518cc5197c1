package das

import (
	"context"
	"fmt"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// Per-office bounds on what uploads hold (docs/limits.md): without them an
// office could ask any number of upload URLs and fill each with up to
// MaxFileSize bytes, all of it kept in the object store until retention
// (issue 15). The office's index keeps its uploads that may hold transit
// space, so counting costs what the office holds, never what DAS stores.

// uploadUsageLocked prunes the office's index and returns its open upload
// URLs (issued, no bytes checked yet, URL not expired) and the bytes its
// checked, unused uploads hold; s.mu is held.
func (s *Server) uploadUsageLocked(office string) (open int, held int64) {
	now := s.deps.clock.Now()
	ix := s.st.office(office)
	for id, f := range ix.uploads {
		switch {
		case f.usedBy != "" || f.status == fileDeleted || f.status == fileExpired || f.status == fileRejected:
			delete(ix.uploads, id) // no longer the office's transit space
		case f.hasSize:
			held += f.size
		case f.status == fileProcessing && now.Before(f.urlExpires):
			open++
		}
	}
	return open, held
}

// uploadQuotaLocked refuses one more upload URL for office; s.mu is held.
func (s *Server) uploadQuotaLocked(office string) *protocol.DASError {
	open, held := s.uploadUsageLocked(office)
	switch {
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

// overQuotaLocked is the verdict on an upload of size bytes that would take
// its office past MaxTransitBytes ("" when it fits); s.mu is held and f is
// not yet counted (it has no size).
func (s *Server) overQuotaLocked(f *file, size int64) string {
	_, held := s.uploadUsageLocked(f.office)
	if held+size <= s.cfg.MaxTransitBytes {
		return ""
	}
	return fmt.Sprintf("transit quota: the %d bytes uploaded would bring office %s to %d bytes of unused uploads in the transit zone, at most %d allowed",
		size, f.office, held+size, s.cfg.MaxTransitBytes)
}

// freeRejectedLocked deletes a REJECTED upload's bytes at once: nothing can
// use them, and a rejected 256 MiB upload otherwise stayed in memory until
// retention. It runs under s.mu, so no new upload to the same URL can land
// between the verdict and the deletion; the object store never calls back
// into DAS on a DELETE.
func (s *Server) freeRejectedLocked(f *file) {
	ctx, cancel := context.WithTimeout(s.work.Context(), s.cfg.OutboundTimeout)
	defer cancel()
	if err := s.deps.storage.Delete(ctx, s.deps.storage.Transit(), f.key); err != nil {
		s.deps.logger.Warn("das: freeing a rejected upload", "fileId", f.id, "error", err)
		return
	}
	f.message += "; the bytes were removed from the transit zone: PUT files/url-uploads for a new URL and upload again"
}
