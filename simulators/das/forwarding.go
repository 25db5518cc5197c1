package das

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/wipo-das/dasim/simulators/dasapi"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// forward sends the OSF's retrieval to the OFF that keeps the document at home
// (flows c.2 and c.3, step 2: "WIPO DAS forwards the retrieval request to the
// OFF and receives a request acknowledgement id issued by OFF").
//
// Whether the OFF then serves the document itself (c.2) or through the
// transit zone (c.3) is its choice, made after this call: the forward is
// recorded as flow c.2, the later calls of a c.3 retrieval as c.3.
func (s *Server) forward(rt *retrieval) {
	s.mu.RLock()
	req := protocol.RetrievalRequest{OperationCategory: "retrieval", DocumentKindCategory: rt.kind, DocumentNumber: rt.number,
		DocumentDate: rt.date, DasAccessCode: rt.accessCode, ApplicationCategory: rt.appCategory,
		ApplicationNumber: rt.appNumber, ApplicationFilingDate: rt.appFilingDate, RequestingOfficeCode: rt.osf}
	s.mu.RUnlock()
	var ack protocol.RetrievalAck
	s.dispatch(&outboundCall{name: "forward retrieval", office: rt.off, rt: rt, flow: "c.2", step: "forward",
		do: func(ctx context.Context, api *dasapi.Client) *callError {
			a, _, err := api.RequestRetrieval(ctx, req)
			if err != nil {
				return officeFailed(err, protocol.DetailOFFUnreachable)
			}
			ack = *a
			return nil
		},
		done: func(err *callError, attempts int) {
			if err != nil {
				s.completeError(rt, err.detail, fmt.Sprintf("forwarding the retrieval to office %s failed after %d attempt(s): %s", rt.off, attempts, err.msg))
				return
			}
			s.mu.Lock()
			rt.offAckID = ack.RequestAckID
			s.st.offAcks[offAckKey(rt.off, ack.RequestAckID)] = rt
			now := s.deps.clock.Now()
			rt.message = fmt.Sprintf("forwarded to office %s on %s (its requestAckId %s), waiting for its notification until %s",
				rt.off, rfc3339(now), ack.RequestAckID, rfc3339(now.Add(s.cfg.OFFDeadline)))
			s.st.offDeadlines[rt.ackID] = s.afterFunc(s.cfg.OFFDeadline, func(context.Context) { s.offMissedDeadline(rt) })
			s.mu.Unlock()
		}})
}

// offMissedDeadline ends a forwarded retrieval whose OFF never notified DAS,
// so that no retrieval stays pending forever.
func (s *Server) offMissedDeadline(rt *retrieval) {
	s.mu.Lock()
	delete(s.st.offDeadlines, rt.ackID)
	waiting := rt.status == statusPending && !rt.offNotified
	s.mu.Unlock()
	if waiting {
		s.completeError(rt, protocol.DetailOFFDeadline, fmt.Sprintf(
			"office %s did not notify the availability of the document within %v of the forwarded retrieval", rt.off, s.cfg.OFFDeadline))
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
	s.mu.Lock()
	rt, ok := s.st.offAcks[offAckKey(caller, n.RequestAckID)]
	repeat := ok && (rt.offNotified || rt.status != statusPending) && !s.cfg.Defects.RepeatDuplicate
	if ok {
		rt.offNotified = true
		if t := s.st.offDeadlines[rt.ackID]; t != nil {
			t.Stop()
			delete(s.st.offDeadlines, rt.ackID)
		}
	}
	s.mu.Unlock()
	if !ok {
		return unknownRetrieval(n.RequestAckID, caller)
	}
	if !repeat {
		if n.RequestStatusCategory == statusError {
			code := 0
			if n.ErrorCode != nil {
				code = *n.ErrorCode
			}
			msg := fmt.Sprintf("office %s could not provide the document (its errorCode %d: %s)", caller, code, n.StatusMessage)
			s.goBackground(func(context.Context) { s.completeError(rt, protocol.DetailOFFError, msg) })
		} else {
			if s.cfg.Defects.NotifyEarly {
				s.goBackground(func(context.Context) { s.notifyOSFEarly(rt) })
			}
			s.goBackground(func(ctx context.Context) { s.fetchFromOffice(ctx, rt, n) })
		}
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
func (s *Server) fetchFromOffice(ctx context.Context, rt *retrieval, n protocol.Notification) {
	f, err := s.newDelivery(rt)
	if err != nil {
		s.completeError(rt, protocol.DetailInternal, "could not prepare the document: "+err.Error())
		return
	}
	s.mu.RLock()
	upload := rt.offFile
	s.mu.RUnlock()
	if upload != nil {
		s.takeOverUpload(ctx, rt, upload, f)
		return
	}
	s.dispatch(&outboundCall{name: "office download URL", office: rt.off, rt: rt, flow: "c.2", step: "fetch",
		do: func(ctx context.Context, api *dasapi.Client) *callError {
			dl, _, err := api.DownloadURL(ctx, rt.offAckID)
			if err != nil {
				return officeFailed(err, protocol.DetailOFFUnreachable)
			}
			want := dl.FileChecksum
			if want == "" {
				want = n.FileChecksum
			}
			return s.download(ctx, api, dl.FileDownloadURL, f, want, dl.FileFormatCategory, rt.off)
		},
		done: func(err *callError, attempts int) {
			if err != nil {
				s.completeError(rt, err.detail, fmt.Sprintf("fetching the document from office %s failed after %d attempt(s): %s", rt.off, attempts, err.msg))
				return
			}
			s.completeSuccess(rt, f)
		}})
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
func (s *Server) takeOverUpload(ctx context.Context, rt *retrieval, upload, f *file) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.OutboundTimeout)
	defer cancel()
	transit := s.deps.storage.Transit()
	if err := s.deps.storage.Copy(ctx, transit, upload.key, transit, f.key); err != nil {
		s.completeError(rt, protocol.DetailTransferFailed, "moving the office's upload to the requesting office failed")
		return
	}
	_ = s.deps.storage.Delete(ctx, transit, upload.key)
	s.mu.RLock()
	f.format, f.checksum, f.size, f.hasSize = upload.format, upload.checksum, upload.size, true
	s.mu.RUnlock()
	s.completeSuccess(rt, f)
}
