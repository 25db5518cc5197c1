package das

import (
	"context"
	"fmt"
	"time"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// Transit retention: "if OSF does not delete the downloaded file, WIPO DAS
// will delete it after a pre-defined period (e.g. 1 week)" (seeds, c.2/c.3).
// Each transit file has its own clock timer, so the cost is proportional to
// what expires, never to what is stored; a virtual clock fires them on Advance.

// scheduleExpiryLocked arms f's retention timer from start; s.mu is held.
func (s *Server) scheduleExpiryLocked(f *file, start time.Time) {
	if f.expiry != nil {
		f.expiry.Stop()
	}
	f.expiresAt = start.Add(s.cfg.TransitRetention)
	f.expiry = s.afterFunc(s.cfg.TransitRetention, func(ctx context.Context) { s.expire(ctx, f) })
}

// expire removes f from transit once its retention has run out.
func (s *Server) expire(ctx context.Context, f *file) {
	s.mu.Lock()
	if f.status == fileDeleted || f.status == fileExpired || f.usedBy != "" {
		s.mu.Unlock()
		return
	}
	f.status, f.goneAt = fileExpired, s.deps.clock.Now()
	f.message = fmt.Sprintf("removed from the transit zone on %s after the %v retention period", rfc3339(f.goneAt), s.cfg.TransitRetention)
	key := f.key
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, s.cfg.OutboundTimeout)
	defer cancel()
	if err := s.deps.storage.Delete(ctx, s.deps.storage.Transit(), key); err != nil {
		s.deps.logger.Error("das: deleting expired transit file", "fileId", f.id, "key", key, "error", err)
	}
}

// goneError is 410 for a file no longer in transit, nil otherwise; s.mu is held.
func goneError(f *file, cfg Config) error {
	switch f.status {
	case fileExpired:
		return gone(protocol.DetailExpired, "file %s expired on %s after the %v transit retention (available since %s); request the document again",
			f.id, rfc3339(f.goneAt), cfg.TransitRetention, rfc3339(f.expiresAt.Add(-cfg.TransitRetention)))
	case fileDeleted:
		return gone(protocol.DetailDeleted, "file %s was %s; request the document again", f.id, f.message)
	}
	return nil
}
