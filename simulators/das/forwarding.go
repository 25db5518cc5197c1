package das

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/wipo-das/dasim/simulators/dasapi"
	"github.com/wipo-das/dasim/simulators/protocol"
	"github.com/wipo-das/dasim/simulators/store"
)

// forward sends the OSF's retrieval to the OFF that keeps the document at home
// (flows c.2 and c.3, step 2: "WIPO DAS forwards the retrieval request to the
// OFF and receives a request acknowledgement id issued by OFF").
//
// Whether the OFF then serves the document itself (c.2) or through the
// transit zone (c.3) is its choice, made after this call: the forward is
// recorded as flow c.2, the later calls of a c.3 retrieval as c.3.
func (s *Server) forward(rt retrieval) { s.dispatch(s.forwardCall(rt), 1) }

// forwardCall is the forward of rt to its OFF, for attempt 1 or a retry.
func (s *Server) forwardCall(rt retrieval) *outboundCall {
	req := protocol.RetrievalRequest{OperationCategory: "retrieval", DocumentKindCategory: rt.Kind, DocumentNumber: rt.Number,
		DocumentDate: rt.Date, DasAccessCode: rt.AccessCode, ApplicationCategory: rt.AppCategory,
		ApplicationNumber: rt.AppNumber, ApplicationFilingDate: rt.AppDate, RequestingOfficeCode: rt.OSF}
	var ack protocol.RetrievalAck
	return &outboundCall{name: callForward, office: rt.OFF, ack: rt.AckID, flow: "c.2", step: "forward",
		do: func(ctx context.Context, api *dasapi.Client) *callError {
			a, _, err := api.RequestRetrieval(ctx, req)
			if err != nil {
				return officeFailed(err, protocol.DetailOFFUnreachable)
			}
			ack = *a
			return nil
		},
		done: func(ctx context.Context, err *callError, attempts int) {
			if err != nil {
				s.completeError(ctx, rt.AckID, err.detail, fmt.Sprintf("forwarding the retrieval to office %s failed after %d attempt(s): %s", rt.OFF, attempts, err.msg))
				return
			}
			s.forwarded(ctx, rt.AckID, ack.RequestAckID)
		}}
}

// forwarded records the OFF's ack id and starts waiting for its notification.
func (s *Server) forwarded(ctx context.Context, ack, offAck string) {
	err := s.update(s.storeCtx(ctx), func(tx *txn) error {
		rt, ok, err := tx.Retrieval(ack)
		if err != nil || !ok || rt.Status != statusPending {
			return err
		}
		now := s.deps.clock.Now()
		deadline := now.Add(s.cfg.OFFDeadline)
		rt.OFFAckID = offAck
		rt.Message = fmt.Sprintf("forwarded to office %s on %s (its requestAckId %s), waiting for its notification until %s",
			rt.OFF, rfc3339(now), offAck, rfc3339(deadline))
		if err := tx.PutRetrieval(&rt); err != nil {
			return err
		}
		return tx.schedule(store.Timer{ID: timerID(timerOFFDeadline, ack), Kind: timerOFFDeadline, Subject: ack, Due: deadline})
	})
	if err != nil {
		s.deps.logger.Error("das: recording a forwarded retrieval", "ack", ack, "error", err)
	}
}

// offMissedDeadline ends a forwarded retrieval whose OFF never notified DAS,
// so that no retrieval stays pending forever.
func (s *Server) offMissedDeadline(ctx context.Context, ack string) {
	err := s.update(s.storeCtx(ctx), func(tx *txn) error {
		rt, ok, err := tx.Retrieval(ack)
		if err != nil || !ok || rt.Status != statusPending || rt.OFFNotified {
			return err
		}
		return s.failed(tx, &rt, protocol.DetailOFFDeadline, fmt.Sprintf(
			"office %s did not notify the availability of the document within %v of the forwarded retrieval", rt.OFF, s.cfg.OFFDeadline))
	})
	if err != nil {
		s.deps.logger.Error("das: ending a retrieval its OFF did not notify", "ack", ack, "error", err)
	}
}

// receiveNotification is POST notifications from an OFF about a forwarded
// retrieval, by the ack id the OFF issued (c.2 step 3, c.3 step 6). Delivery
// is at least once, so a repeat is accepted and ignored.
func (s *Server) receiveNotification(w http.ResponseWriter, r *http.Request, caller string) error {
	var n protocol.Notification
	if err := decodeBody(r, &n); err != nil {
		return err
	}
	var found bool
	err := s.update(r.Context(), func(tx *txn) error {
		rt, ok, err := tx.RetrievalByOFFAck(caller, n.RequestAckID)
		if found = ok; err != nil || !ok {
			return err
		}
		if rt.OFFNotified || rt.Status != statusPending {
			if s.cfg.Defects.RepeatDuplicate {
				return tx.schedule(s.notifyAgain(rt.AckID))
			}
			return nil // a repeat
		}
		rt.OFFNotified, rt.OFFChecksum = true, n.FileChecksum
		if err := tx.cancel(timerID(timerOFFDeadline, rt.AckID)); err != nil {
			return err
		}
		if n.RequestStatusCategory == statusError {
			code := 0
			if n.ErrorCode != nil {
				code = *n.ErrorCode
			}
			return s.failed(tx, &rt, protocol.DetailOFFError, fmt.Sprintf("office %s could not provide the document (its errorCode %d: %s)", caller, code, n.StatusMessage))
		}
		if err := tx.PutRetrieval(&rt); err != nil {
			return err
		}
		if s.cfg.Defects.NotifyEarly {
			early := rt
			s.goBackground(func(ctx context.Context) { s.notifyOSFEarly(ctx, early) })
		}
		return tx.schedule(s.dueNow(timerFetch, rt.AckID))
	})
	if err != nil {
		return err
	}
	if !found {
		return unknownRetrieval(n.RequestAckID, caller)
	}
	if s.cfg.Defects.NotificationCreated {
		return writeJSON(w, http.StatusCreated, map[string]string{"requestAckId": n.RequestAckID})
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// fetchFromOffice brings the OFF's document into the OSF's transit file:
// c.3, the file the OFF uploaded and set with PUT retrievals; c.2, "WIPO DAS
// retrieves the file location URL [GET files/url-downloads] ... WIPO DAS
// download the document file content from OFF".
func (s *Server) fetchFromOffice(ctx context.Context, ack string) {
	rt, ok := s.retrieval(ctx, ack)
	if !ok || rt.Status != statusPending {
		return
	}
	if rt.OFFFile != "" {
		s.takeOverUpload(ctx, rt)
		return
	}
	s.dispatch(s.fetchCall(rt), 1)
}

// fetchCall is the c.2 download of rt's document from its OFF.
func (s *Server) fetchCall(rt retrieval) *outboundCall {
	var f file
	return &outboundCall{name: callFetch, office: rt.OFF, ack: rt.AckID, flow: "c.2", step: "fetch",
		do: func(ctx context.Context, api *dasapi.Client) *callError {
			dl, _, err := api.DownloadURL(ctx, rt.OFFAckID)
			if err != nil {
				return officeFailed(err, protocol.DetailOFFUnreachable)
			}
			if f, err = s.newDelivery(rt); err != nil {
				return &callError{detail: protocol.DetailInternal, msg: "could not prepare the document: " + err.Error()}
			}
			want := cmp.Or(dl.FileChecksum, rt.OFFChecksum)
			return s.download(ctx, api, dl.FileDownloadURL, &f, want, dl.FileFormatCategory, rt.OFF)
		},
		done: func(ctx context.Context, err *callError, attempts int) {
			if err != nil {
				s.completeError(ctx, rt.AckID, err.detail, fmt.Sprintf("fetching the document from office %s failed after %d attempt(s): %s", rt.OFF, attempts, err.msg))
				return
			}
			s.completeSuccess(ctx, rt.AckID, f)
		}}
}

// download GETs a presigned URL of an office (no Authorization header) into f.
func (s *Server) download(ctx context.Context, api *dasapi.Client, rawURL string, f *file, wantSHA, format, office string) *callError {
	if _, err := url.Parse(rawURL); err != nil {
		return &callError{detail: protocol.DetailOFFError, msg: fmt.Sprintf("fileDownloadUrl %q is not a URL: %v", rawURL, err)}
	}
	resp, err := api.Transfer(ctx, http.MethodGet, rawURL, nil, nil, 0)
	if err != nil {
		return &callError{detail: protocol.DetailOFFUnreachable, msg: "downloading from the office: " + err.Error(), retryable: true}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return &callError{status: resp.StatusCode, detail: protocol.DetailTransferFailed, retryable: resp.StatusCode >= 500,
			msg: fmt.Sprintf("GET fileDownloadUrl answered HTTP %d", resp.StatusCode)}
	}
	var body io.Reader = resp.Body
	size := resp.ContentLength
	if size < 0 { // S3 needs the length up front: buffer, bounded.
		b, err := io.ReadAll(io.LimitReader(resp.Body, s.cfg.MaxFileSize+1))
		if err != nil {
			return &callError{detail: protocol.DetailTransferFailed, msg: "reading the office's document: " + err.Error(), retryable: true}
		}
		body, size = bytes.NewReader(b), int64(len(b))
	}
	if size > s.cfg.MaxFileSize {
		return &callError{detail: protocol.DetailTransferFailed, msg: fmt.Sprintf("document of %d bytes exceeds the %d-byte limit", size, s.cfg.MaxFileSize)}
	}
	return s.storeVerified(ctx, f, body, size, wantSHA, format, "office "+office)
}

// takeOverUpload turns the OFF's c.3 upload into the OSF's transit file.
func (s *Server) takeOverUpload(ctx context.Context, rt retrieval) {
	var upload file
	var ok bool
	if err := s.view(ctx, func(tx store.DASTx) (err error) { upload, ok, err = tx.File(rt.OFFFile); return err }); err != nil || !ok {
		s.completeError(ctx, rt.AckID, protocol.DetailTransferFailed, "the office's upload set on the retrieval cannot be read")
		return
	}
	s.deliverCopy(ctx, rt, s.deps.storage.Transit(), upload.Key, upload.Format, upload.Checksum, upload.Size,
		"moving the office's upload to the requesting office failed")
	if r, ok := s.retrieval(ctx, rt.AckID); ok && r.Status == statusSuccess {
		_ = s.deps.storage.Delete(s.storeCtx(ctx), s.deps.storage.Transit(), upload.Key)
	}
}
