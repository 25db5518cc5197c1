package das

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/protocol"
	"github.com/wipo-das/dasim/simulators/store"
)

// prepare makes a retrieved document available to the OSF in the transit
// zone (flow c.1 step 2b; c.2/c.3 via forwarding; PCT RO/IB from PCT DAS).
// It runs as the retrieval's prepare timer, again after a restart when the
// DAS stopped before the retrieval completed.
func (s *Server) prepare(ctx context.Context, ack string) {
	rt, ok := s.retrieval(ctx, ack)
	if !ok || rt.Status != statusPending {
		return
	}
	switch rt.Source {
	case fromLibrary:
		s.prepareFromLibrary(ctx, rt)
	case fromPCT:
		s.prepareFromPCT(ctx, rt)
	case fromOffice:
		if rt.OFFAckID == "" { // else forwarded before a restart
			s.forward(rt)
		}
	}
}

// retrieval reads one retrieval for background work (false when absent or unreadable).
func (s *Server) retrieval(ctx context.Context, ack string) (retrieval, bool) {
	var rt retrieval
	var ok bool
	err := s.view(s.storeCtx(ctx), func(tx store.DASTx) (err error) { rt, ok, err = tx.Retrieval(ack); return err })
	if err != nil {
		s.deps.logger.Error("das: reading a retrieval", "ack", ack, "error", err)
	}
	return rt, ok && err == nil
}

func (s *Server) prepareFromLibrary(ctx context.Context, rt retrieval) {
	var reg registration
	var ok bool
	if err := s.view(ctx, func(tx store.DASTx) (err error) { reg, ok, err = tx.Registration(rt.Registration); return err }); err != nil {
		s.completeError(ctx, rt.AckID, protocol.DetailInternal, "could not read the registration: "+err.Error())
		return
	}
	if !ok || reg.Withdrawn || reg.LibraryKey == "" {
		s.completeError(ctx, rt.AckID, protocol.DetailWithdrawn, "the document was withdrawn by its office of first filing before it could be prepared")
		return
	}
	s.deliverCopy(ctx, rt, s.deps.storage.Library(), reg.LibraryKey, reg.Format, reg.Checksum, reg.Size,
		"copying the document from the library into the transit zone failed")
}

// deliverCopy makes rt available with a server-side copy of srcBucket/srcKey
// (a library document, c.1; the OFF's upload, c.3), whose format, checksum
// and size DAS already knows; failed is the retrieval's message if the
// copy fails.
func (s *Server) deliverCopy(ctx context.Context, rt retrieval, srcBucket, srcKey, format, checksum string, size int64, failed string) {
	f, err := s.newDelivery(rt)
	if err != nil {
		s.completeError(ctx, rt.AckID, protocol.DetailInternal, "could not prepare the document: "+err.Error())
		return
	}
	cctx, cancel := context.WithTimeout(ctx, s.cfg.OutboundTimeout)
	defer cancel()
	if err := s.deps.storage.Copy(cctx, srcBucket, srcKey, s.deps.storage.Transit(), f.Key); err != nil {
		s.deps.logger.Error("das: copying a document into the OSF's transit file", "ack", rt.AckID, "from", srcBucket+"/"+srcKey, "error", err)
		s.completeError(ctx, rt.AckID, protocol.DetailTransferFailed, failed)
		return
	}
	f.Format, f.Checksum, f.Size, f.HasSize = format, checksum, size, true
	s.completeSuccess(ctx, rt.AckID, f)
}

// prepareFromPCT fetches a PCT RO/IB document from PCT DAS into transit:
// "Upon OSF requests, PCT RO/IB priority documents are retrieved from PCT DAS
// API and stored temporary in S3" (seeds, storage table).
func (s *Server) prepareFromPCT(ctx context.Context, rt retrieval) {
	if s.deps.pct == nil {
		s.completeError(ctx, rt.AckID, protocol.DetailPCTUnreachable, "PCT DAS is not connected to this DAS: RO/IB documents cannot be fetched")
		return
	}
	cctx, cancel := context.WithTimeout(ctx, s.cfg.OutboundTimeout)
	defer cancel()
	cctx = openapi.WithLabels(cctx, openapi.Labels{Party: "das", Peer: "pctdas", Flow: "pct", Step: "fetch"})
	body, size, want, err := s.deps.pct.Fetch(cctx, rt.Number, rt.Date, rt.AccessCode)
	if err != nil {
		var de *protocol.DASError
		if errors.As(err, &de) && len(de.Details) > 0 {
			s.completeError(ctx, rt.AckID, de.Details[0].Code, "PCT DAS refused: "+de.Details[0].Message)
			return
		}
		s.completeError(ctx, rt.AckID, protocol.DetailPCTUnreachable, "PCT DAS did not deliver the document: "+err.Error())
		return
	}
	defer body.Close()
	f, err := s.newDelivery(rt)
	if err != nil {
		s.completeError(ctx, rt.AckID, protocol.DetailInternal, "could not prepare the document: "+err.Error())
		return
	}
	if e := s.storeVerified(cctx, &f, body, size, want, "", "PCT DAS"); e != nil {
		s.completeError(ctx, rt.AckID, e.detail, e.msg)
		return
	}
	s.completeSuccess(ctx, rt.AckID, f)
}

// storeVerified streams a document into f's transit key, hashing it on the
// way, and refuses it (deleting the object) when the sha256 or size differs
// from what the source announced.
func (s *Server) storeVerified(ctx context.Context, f *file, body io.Reader, size int64, wantSHA, format, from string) *callError {
	sum, head := sha256.New(), &headRecorder{}
	counted := &countingReader{r: io.TeeReader(body, io.MultiWriter(sum, head))}
	if err := s.deps.storage.Put(ctx, s.deps.storage.Transit(), f.Key, counted, size, "application/octet-stream"); err != nil {
		return &callError{detail: protocol.DetailTransferFailed, msg: fmt.Sprintf("storing the document from %s in transit failed: %v", from, err)}
	}
	got := hex.EncodeToString(sum.Sum(nil))
	var why string
	switch {
	case counted.n != size:
		why = fmt.Sprintf("size: expected %d bytes, got %d", size, counted.n)
	case wantSHA != "" && got != wantSHA && !s.cfg.Defects.SkipChecksum:
		why = fmt.Sprintf("sha256: expected %s (announced by %s), got %s", wantSHA, from, got)
	}
	if why != "" {
		_ = s.deps.storage.Delete(ctx, s.deps.storage.Transit(), f.Key)
		return &callError{detail: protocol.DetailTransferFailed, msg: "document transfer from " + from + " failed: " + why}
	}
	if format == "" {
		format = sniffFormat(head.head)
	}
	f.Format, f.Checksum, f.Size, f.HasSize = format, got, counted.n, true
	return nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// newDelivery makes the OSF's transit file of rt (written to the store by
// completeSuccess).
func (s *Server) newDelivery(rt retrieval) (file, error) {
	id, err := s.ids.next()
	if err != nil {
		return file{}, err
	}
	return file{ID: id, Office: rt.OSF, Role: roleDelivery, Key: deliveryKey(rt.OSF, id), Status: fileAccepted, Retrieval: rt.AckID}, nil
}

// completeSuccess makes the retrieval available with f and has DAS notify
// the OSF. A retrieval already complete (its work done twice, by a DAS
// that stopped in between) keeps its first outcome, and f's object goes.
func (s *Server) completeSuccess(ctx context.Context, ack string, f file) {
	done := false
	err := s.update(s.storeCtx(ctx), func(tx *txn) error {
		rt, ok, err := tx.Retrieval(ack)
		if done = ok && rt.Status != statusPending; err != nil || !ok || done {
			return err
		}
		now := s.deps.clock.Now()
		f.CreatedAt, f.Message = now, "document available for download"
		if err := s.scheduleExpiry(tx, &f, now); err != nil {
			return err
		}
		if err := tx.PutFile(f); err != nil {
			return err
		}
		rt.Status, rt.AvailableAt, rt.CompletedAt, rt.Delivery = statusSuccess, now, now, f.ID
		rt.Message = "document available"
		return s.completed(tx, &rt)
	})
	if err != nil {
		s.deps.logger.Error("das: recording an available document", "ack", ack, "error", err)
	}
	if err != nil || done {
		_ = s.deps.storage.Delete(s.storeCtx(ctx), s.deps.storage.Transit(), f.Key)
	}
}

// completeError ends a pending retrieval with a detail code and has DAS
// notify the OSF.
func (s *Server) completeError(ctx context.Context, ack string, code int, message string) {
	err := s.update(s.storeCtx(ctx), func(tx *txn) error {
		rt, ok, err := tx.Retrieval(ack)
		if err != nil || !ok || rt.Status != statusPending {
			return err
		}
		return s.failed(tx, &rt, code, message)
	})
	if err != nil {
		s.deps.logger.Error("das: recording a failed retrieval", "ack", ack, "error", err)
	}
}

// failed ends rt with a detail code, in tx.
func (s *Server) failed(tx *txn, rt *retrieval, code int, message string) error {
	rt.Status, rt.ErrorCode, rt.Message, rt.CompletedAt = statusError, code, message, s.deps.clock.Now()
	return s.completed(tx, rt)
}

// completed writes a retrieval that has just completed, with the timer that
// notifies its OSF (an OSF without an endpoint polls statuses instead).
func (s *Server) completed(tx *txn, rt *retrieval) error {
	if err := tx.PutRetrieval(rt); err != nil {
		return err
	}
	if err := tx.cancel(timerID(timerOFFDeadline, rt.AckID)); err != nil {
		return err
	}
	if _, ok := s.deps.offices.Endpoint(rt.OSF); !ok {
		return nil
	}
	return tx.schedule(s.dueNow(timerNotify, rt.AckID))
}
