package das

import (
	"fmt"
	"net/http"
	"time"

	"github.com/wipo-das/dasim/simulators/s3client"

	"github.com/wipo-das/dasim/simulators/faults"
	"github.com/wipo-das/dasim/simulators/protocol"
	"github.com/wipo-das/dasim/simulators/store"
)

// downloadURLByAck is GET files/url-downloads?requestAckId= (flow c.1 step
// 2c): "Downloads can be repeated while the requested document is not
// deleted from WIPO DAS" (seeds).
func (s *Server) downloadURLByAck(w http.ResponseWriter, r *http.Request, caller string) error {
	ack := r.URL.Query().Get("requestAckId")
	rt, f, ok, err := s.retrievalAndFile(r, ack, caller)
	if err != nil {
		return err
	}
	if !ok {
		return unknownRetrieval(ack, caller)
	}
	return s.writeDownloadURL(w, r, rt, f)
}

// retrievalAndFile reads the caller's retrieval and its transit file (zero
// until it has one).
func (s *Server) retrievalAndFile(r *http.Request, ack, caller string) (rt retrieval, f file, ok bool, err error) {
	err = s.view(r.Context(), func(tx store.DASTx) error {
		if rt, ok, err = s.visibleRetrieval(tx, ack, caller); err != nil || !ok || rt.Delivery == "" {
			return err
		}
		f, _, err = tx.File(rt.Delivery)
		return err
	})
	return rt, f, ok, err
}

// downloadURLByBody is POST files/url-downloads, the form of WIPO's Java
// sample project: the document key and the OSF's ack id in the body. The key
// must be the retrieval's own.
func (s *Server) downloadURLByBody(w http.ResponseWriter, r *http.Request, caller string) error {
	var req protocol.URLDownloadRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	rt, f, ok, err := s.retrievalAndFile(r, req.OsfAckID, caller)
	if err != nil {
		return err
	}
	if !ok {
		return unknownRetrieval(req.OsfAckID, caller)
	}
	e := protocol.NewInvalidInput()
	mismatch := func(field, want, got string) {
		e.Add(protocol.DetailInvalidField, "body /%s: expected %s (the document of retrieval %s), got %s", field, want, rt.AckID, got)
	}
	if canonicalKind(req.DocumentKindCategory) != canonicalKind(rt.Kind) {
		mismatch("documentKindCategory", rt.Kind, req.DocumentKindCategory)
	}
	if canonicalNumber(req.DocumentNumber) != canonicalNumber(rt.Number) {
		mismatch("documentNumber", rt.Number, req.DocumentNumber)
	}
	if req.DocumentDate != rt.Date {
		mismatch("documentDate", rt.Date, req.DocumentDate)
	}
	if len(e.Details) > 0 {
		return e
	}
	return s.writeDownloadURL(w, r, rt, f)
}

func (s *Server) writeDownloadURL(w http.ResponseWriter, r *http.Request, rt retrieval, f file) error {
	switch rt.Status {
	case statusPending:
		return conflict(protocol.DetailNotReady, "the document of retrieval %s is not available yet (status pending: %s)", rt.AckID, rt.Message)
	case statusError:
		return conflict(protocol.DetailNotReady, "retrieval %s failed (errorCode %d: %s): there is no document to download", rt.AckID, rt.ErrorCode, rt.Message)
	}
	if err := goneError(f, s.cfg); err != nil {
		return err
	}
	ctx := r.Context()
	if s.deps.faults.ExpireURL(faultParty, faults.DASOperation(r)) {
		// A URL signed one TTL and a second ago: expired when handed out.
		ctx = s3client.WithSigningTime(ctx, s.deps.clock.Now().Add(-s.cfg.DownloadURLTTL-time.Second))
	}
	p, err := s.deps.storage.PresignGet(ctx, s.deps.storage.Transit(), f.Key, s.cfg.DownloadURLTTL)
	if err != nil {
		return fmt.Errorf("presigning download %s: %w", f.Key, err)
	}
	return writeJSON(w, http.StatusOK, protocol.URLDownloadResponse{FileDownloadURL: p.URL, FileDownloadURLExpiryDate: rfc3339(p.Expires),
		FileID: f.ID, FileFormatCategory: f.Format, FileChecksum: f.Checksum, FileSizeQuantity: ptr(f.Size)})
}
