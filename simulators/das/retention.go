package das

import (
	"context"
	"fmt"
	"time"

	"github.com/wipo-das/dasim/simulators/protocol"
	"github.com/wipo-das/dasim/simulators/store"
)

// Transit retention: "if OSF does not delete the downloaded file, WIPO DAS
// will delete it after a pre-defined period (e.g. 1 week)" (seeds, c.2/c.3).
// Each transit file has its own timer, so the cost is proportional to what
// expires, never to what is stored; a virtual clock fires them on Advance.

// scheduleExpiry sets f's retention deadline from start and its timer.
func (s *Server) scheduleExpiry(tx *txn, f *file, start time.Time) error {
	f.ExpiresAt = start.Add(s.cfg.TransitRetention)
	return tx.schedule(store.Timer{ID: timerID(timerExpire, f.ID), Kind: timerExpire, Subject: f.ID, Due: f.ExpiresAt})
}

// expire removes a file from transit once its retention has run out.
func (s *Server) expire(ctx context.Context, fileID string) {
	var key string
	err := s.update(s.storeCtx(ctx), func(tx *txn) error {
		f, ok, err := tx.File(fileID)
		key = ""
		if err != nil || !ok || f.Status == fileDeleted || f.Status == fileExpired || f.UsedBy != "" {
			return err
		}
		f.Status, f.GoneAt = fileExpired, s.deps.clock.Now()
		f.Message = fmt.Sprintf("removed from the transit zone on %s after the %v retention period", rfc3339(f.GoneAt), s.cfg.TransitRetention)
		key = f.Key
		return tx.PutFile(f)
	})
	if err != nil {
		s.deps.logger.Error("das: expiring a transit file", "fileId", fileID, "error", err)
	}
	if key == "" {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.OutboundTimeout)
	defer cancel()
	if err := s.deps.storage.Delete(ctx, s.deps.storage.Transit(), key); err != nil {
		s.deps.logger.Error("das: deleting expired transit file", "fileId", fileID, "key", key, "error", err)
	}
}

// goneError is 410 for a file no longer in transit, nil otherwise.
func goneError(f file, cfg Config) error {
	switch f.Status {
	case fileExpired:
		return gone(protocol.DetailExpired, "file %s expired on %s after the %v transit retention (available since %s); request the document again",
			f.ID, rfc3339(f.GoneAt), cfg.TransitRetention, rfc3339(f.ExpiresAt.Add(-cfg.TransitRetention)))
	case fileDeleted:
		return gone(protocol.DetailDeleted, "file %s was %s; request the document again", f.ID, f.Message)
	}
	return nil
}
