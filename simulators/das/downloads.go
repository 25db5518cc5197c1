package das

import (
	"fmt"
	"net/http"
	"time"

	"github.com/wipo-das/dasim/simulators/s3client"

	"github.com/wipo-das/dasim/simulators/faults"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// downloadURLByAck is GET files/url-downloads?requestAckId= (flow c.1 step
// 2c): "Downloads can be repeated while the requested document is not
// deleted from WIPO DAS" (seeds).
func (s *Server) downloadURLByAck(w http.ResponseWriter, r *http.Request, caller string) error {
	ack := r.URL.Query().Get("requestAckId")
	s.mu.RLock()
	rt, ok := s.st.ownRetrieval(ack, caller)
	s.mu.RUnlock()
	if !ok {
		return unknownRetrieval(ack, caller)
	}
	return s.writeDownloadURL(w, r, rt)
}

// downloadURLByBody is POST files/url-downloads, the form of WIPO's Java
// sample project: the document key and the OSF's ack id in the body. The key
// must be the retrieval's own.
func (s *Server) downloadURLByBody(w http.ResponseWriter, r *http.Request, caller string) error {
	var req protocol.URLDownloadRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	s.mu.RLock()
	rt, ok := s.st.ownRetrieval(req.OsfAckID, caller)
	s.mu.RUnlock()
	if !ok {
		return unknownRetrieval(req.OsfAckID, caller)
	}
	e := protocol.NewInvalidInput()
	mismatch := func(field, want, got string) {
		e.Add(protocol.DetailInvalidField, "body /%s: expected %s (the document of retrieval %s), got %s", field, want, rt.ackID, got)
	}
	if canonicalKind(req.DocumentKindCategory) != canonicalKind(rt.kind) {
		mismatch("documentKindCategory", rt.kind, req.DocumentKindCategory)
	}
	if canonicalNumber(req.DocumentNumber) != canonicalNumber(rt.number) {
		mismatch("documentNumber", rt.number, req.DocumentNumber)
	}
	if req.DocumentDate != rt.date {
		mismatch("documentDate", rt.date, req.DocumentDate)
	}
	if len(e.Details) > 0 {
		return e
	}
	return s.writeDownloadURL(w, r, rt)
}

func (s *Server) writeDownloadURL(w http.ResponseWriter, r *http.Request, rt *retrieval) error {
	s.mu.RLock()
	status, code, msg, f := rt.status, rt.errorCode, rt.message, rt.delivery
	var refusal error
	switch {
	case status == statusPending:
		refusal = conflict(protocol.DetailNotReady, "the document of retrieval %s is not available yet (status pending: %s)", rt.ackID, msg)
	case status == statusError:
		refusal = conflict(protocol.DetailNotReady, "retrieval %s failed (errorCode %d: %s): there is no document to download", rt.ackID, code, msg)
	default:
		refusal = goneError(f, s.cfg)
	}
	var key, format, checksum string
	var size int64
	if f != nil {
		key, format, checksum, size = f.key, f.format, f.checksum, f.size
	}
	s.mu.RUnlock()
	if refusal != nil {
		return refusal
	}
	ctx := r.Context()
	if s.deps.faults.ExpireURL(faultParty, faults.DASOperation(r)) {
		// A URL signed one TTL and a second ago: expired when handed out.
		ctx = s3client.WithSigningTime(ctx, s.deps.clock.Now().Add(-s.cfg.DownloadURLTTL-time.Second))
	}
	p, err := s.deps.storage.PresignGet(ctx, s.deps.storage.Transit(), key, s.cfg.DownloadURLTTL)
	if err != nil {
		return fmt.Errorf("presigning download %s: %w", key, err)
	}
	return writeJSON(w, http.StatusOK, protocol.URLDownloadResponse{FileDownloadURL: p.URL, FileDownloadURLExpiryDate: rfc3339(p.Expires),
		FileID: f.id, FileFormatCategory: format, FileChecksum: checksum, FileSizeQuantity: ptr(size)})
}
