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
)

// prepare makes a retrieved document available to the OSF in the transit
// zone (flow c.1 step 2b; c.2/c.3 via forwarding; PCT RO/IB from PCT DAS).
func (s *Server) prepare(ctx context.Context, rt *retrieval) {
	switch rt.src {
	case fromLibrary:
		s.prepareFromLibrary(ctx, rt)
	case fromPCT:
		s.prepareFromPCT(ctx, rt)
	case fromOffice:
		s.forward(rt)
	}
}

func (s *Server) prepareFromLibrary(ctx context.Context, rt *retrieval) {
	s.mu.RLock()
	reg := rt.reg
	withdrawn, libKey, format, checksum, size := reg.withdrawn, reg.libraryKey, reg.format, reg.checksum, reg.size
	s.mu.RUnlock()
	if withdrawn || libKey == "" {
		s.completeError(rt, protocol.DetailWithdrawn, "the document was withdrawn by its office of first filing before it could be prepared")
		return
	}
	f, err := s.newDelivery(rt)
	if err != nil {
		s.completeError(rt, protocol.DetailInternal, "could not prepare the document: "+err.Error())
		return
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.OutboundTimeout)
	defer cancel()
	if err := s.deps.storage.Copy(ctx, s.deps.storage.Library(), libKey, s.deps.storage.Transit(), f.key); err != nil {
		s.deps.logger.Error("das: copying library document into transit", "ack", rt.ackID, "error", err)
		s.completeError(rt, protocol.DetailTransferFailed, "copying the document from the library into the transit zone failed")
		return
	}
	f.format, f.checksum, f.size, f.hasSize = format, checksum, size, true
	s.completeSuccess(rt, f)
}

// prepareFromPCT fetches a PCT RO/IB document from PCT DAS into transit:
// "Upon OSF requests, PCT RO/IB priority documents are retrieved from PCT DAS
// API and stored temporary in S3" (seeds, storage table).
func (s *Server) prepareFromPCT(ctx context.Context, rt *retrieval) {
	if s.deps.pct == nil {
		s.completeError(rt, protocol.DetailPCTUnreachable, "PCT DAS is not connected to this DAS: RO/IB documents cannot be fetched")
		return
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.OutboundTimeout)
	defer cancel()
	ctx = openapi.WithLabels(ctx, openapi.Labels{Party: "das", Peer: "pctdas", Flow: "pct", Step: "fetch"})
	body, size, want, err := s.deps.pct.Fetch(ctx, rt.number, rt.date, rt.accessCode)
	if err != nil {
		var de *protocol.DASError
		if errors.As(err, &de) && len(de.Details) > 0 {
			s.completeError(rt, de.Details[0].Code, "PCT DAS refused: "+de.Details[0].Message)
			return
		}
		s.completeError(rt, protocol.DetailPCTUnreachable, "PCT DAS did not deliver the document: "+err.Error())
		return
	}
	defer body.Close()
	f, err := s.newDelivery(rt)
	if err != nil {
		s.completeError(rt, protocol.DetailInternal, "could not prepare the document: "+err.Error())
		return
	}
	if e := s.storeVerified(ctx, f, body, size, want, "", "PCT DAS"); e != nil {
		s.completeError(rt, e.detail, e.msg)
		return
	}
	s.completeSuccess(rt, f)
}

// storeVerified streams a document into f's transit key, hashing it on the
// way, and refuses it (deleting the object) when the sha256 or size differs
// from what the source announced.
func (s *Server) storeVerified(ctx context.Context, f *file, body io.Reader, size int64, wantSHA, format, from string) *callError {
	sum, head := sha256.New(), &headRecorder{}
	counted := &countingReader{r: io.TeeReader(body, io.MultiWriter(sum, head))}
	if err := s.deps.storage.Put(ctx, s.deps.storage.Transit(), f.key, counted, size, "application/octet-stream"); err != nil {
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
		_ = s.deps.storage.Delete(ctx, s.deps.storage.Transit(), f.key)
		return &callError{detail: protocol.DetailTransferFailed, msg: "document transfer from " + from + " failed: " + why}
	}
	if format == "" {
		format = sniffFormat(head.head)
	}
	f.format, f.checksum, f.size, f.hasSize = format, got, counted.n, true
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

// newDelivery creates the OSF's transit file of rt (not yet registered in
// the state: completeSuccess does that).
func (s *Server) newDelivery(rt *retrieval) (*file, error) {
	id, err := s.ids.next()
	if err != nil {
		return nil, err
	}
	return &file{id: id, office: rt.osf, role: roleDelivery, key: deliveryKey(rt.osf, id), status: fileAccepted, retrieval: rt}, nil
}

// completeSuccess makes rt available with f and notifies the OSF.
func (s *Server) completeSuccess(rt *retrieval, f *file) {
	now := s.deps.clock.Now()
	s.mu.Lock()
	f.createdAt = now
	f.message = "document available for download"
	s.st.files[f.id] = f
	s.scheduleExpiryLocked(f, now)
	rt.status, rt.availableAt, rt.completedAt, rt.delivery = statusSuccess, now, now, f
	rt.message = "document available"
	s.completedLocked(rt)
	s.mu.Unlock()
	s.notifyOSF(rt)
}

// completeError ends rt with a detail code and notifies the OSF.
func (s *Server) completeError(rt *retrieval, code int, message string) {
	s.mu.Lock()
	if rt.status != statusPending {
		s.mu.Unlock()
		return
	}
	rt.status, rt.errorCode, rt.message, rt.completedAt = statusError, code, message, s.deps.clock.Now()
	s.completedLocked(rt)
	s.mu.Unlock()
	s.notifyOSF(rt)
}

// completedLocked moves rt from the OSF's pending retrievals to those it has
// not yet listed.
func (s *Server) completedLocked(rt *retrieval) {
	ix := s.st.office(rt.osf)
	delete(ix.pending, rt.ackID)
	ix.fresh = append(ix.fresh, rt)
}
