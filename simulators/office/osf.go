package office

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// Notification is one POST notifications DAS sent this office as OSF.
type Notification struct {
	At            time.Time // on the world clock
	Status        string    // success or error
	ErrorCode     *int
	StatusMessage string
	FileID        string
	FileChecksum  string
	// Repeat is set when an earlier notification for the ack had already
	// come ("Delivery is at least once: receivers must accept a repeat").
	Repeat bool
	// OutOfOrder is set when a success follows an error or vice versa.
	OutOfOrder bool
}

// Received is what the office, as OSF, got for one retrieval.
type Received struct {
	AckID         string
	Key           RetrievalKey
	Notifications []Notification
	Status        string // pending, success or error: the first final notification decides
	Body          []byte // the downloaded document
	SHA256        string
	Downloads     int
	Deleted       bool
}

// Received returns what arrived for DAS's ack id.
func (o *Office) Received(ackID string) (Received, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	r, ok := o.retrievals[ackID]
	if !ok {
		return Received{}, false
	}
	c := *r
	c.Notifications = slices.Clone(r.Notifications)
	return c, true
}

// RequestRetrieval is flow c.1 step (2a): "OSF sends a document retrieval
// request to WIPO DAS and receives a request acknowledgement id".
func (o *Office) RequestRetrieval(ctx context.Context, key RetrievalKey) (string, error) {
	req := protocol.RetrievalRequest{OperationCategory: "retrieval", DocumentKindCategory: kindOr(key.Kind),
		DocumentNumber: key.Number, DocumentDate: key.FilingDate, DasAccessCode: key.AccessCode}
	ack, _, err := o.das.RequestRetrieval(ctx, req)
	if err != nil {
		return "", fmt.Errorf("office %s: retrieve %s: %w", o.cfg.Code, key.Number, err)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	r := &Received{AckID: ack.RequestAckID, Key: key, Status: "pending"}
	o.retrievals[ack.RequestAckID] = r
	// A notification may overtake DAS's answer to POST retrievals.
	for _, n := range o.orphans[ack.RequestAckID] {
		r.record(n)
	}
	delete(o.orphans, ack.RequestAckID)
	return ack.RequestAckID, nil
}

// receiveNotification is POST notifications from DAS (c.1 step 2b, last step
// of c.2/c.3): recorded, answered 204 — repeats and late or reordered ones
// too, since delivery is at least once.
func (o *Office) receiveNotification(w http.ResponseWriter, r *http.Request) error {
	var in protocol.Notification
	if err := decode(r, &in); err != nil {
		return err
	}
	n := Notification{At: o.deps.clock.Now(), Status: in.RequestStatusCategory, ErrorCode: in.ErrorCode,
		StatusMessage: in.StatusMessage, FileID: in.FileID, FileChecksum: in.FileChecksum}
	o.mu.Lock()
	if rt, ok := o.retrievals[in.RequestAckID]; ok {
		rt.record(n)
	} else {
		o.orphans[in.RequestAckID] = append(o.orphans[in.RequestAckID], n)
	}
	o.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (r *Received) record(n Notification) {
	n.Repeat = len(r.Notifications) > 0
	if r.Status == "pending" {
		r.Status = n.Status
	} else if r.Status != n.Status {
		n.OutOfOrder = true
	}
	r.Notifications = append(r.Notifications, n)
}

// Status polls GET retrievals/statuses for one retrieval (Figure B: "OSF
// checking document availability").
func (o *Office) Status(ctx context.Context, ackID string) (protocol.RetrievalStatus, error) {
	bag, _, err := o.das.RetrievalStatuses(ctx, ackID)
	if err != nil {
		return protocol.RetrievalStatus{}, fmt.Errorf("office %s: status of %s: %w", o.cfg.Code, ackID, err)
	}
	for _, s := range bag.Bag {
		if s.RequestAckID == ackID {
			return s, nil
		}
	}
	return protocol.RetrievalStatus{}, fmt.Errorf("office %s: status of %s: not in the answer", o.cfg.Code, ackID)
}

// Download is flow c.1 steps (2c)-(2e): files/url-downloads, GET the
// presigned URL, check sha256 against what DAS said (files/url-downloads,
// the notification) and the key's ExpectSHA256, then optionally DELETE files.
func (o *Office) Download(ctx context.Context, ackID string) ([]byte, error) {
	dl, body, err := o.fetchFresh(ctx, ackID)
	if err != nil {
		return nil, fmt.Errorf("office %s: download %s: %w", o.cfg.Code, ackID, err)
	}
	sum := sha256.Sum256(body)
	got := hex.EncodeToString(sum[:])
	r, _ := o.Received(ackID)
	told := []struct{ source, want string }{
		{"files/url-downloads fileChecksum", dl.FileChecksum}, {"retrieval key", r.Key.ExpectSHA256}}
	for _, n := range slices.Backward(r.Notifications) {
		if n.FileChecksum != "" { // the last notification that says one
			told = append(told, struct{ source, want string }{"notification fileChecksum", n.FileChecksum})
			break
		}
	}
	for _, t := range told {
		if t.want != "" && t.want != got {
			return body, fmt.Errorf("office %s: download %s: sha256 %s of the %d bytes differs from %s %s", o.cfg.Code, ackID, got, len(body), t.source, t.want)
		}
	}
	o.mu.Lock()
	if rt, ok := o.retrievals[ackID]; ok {
		rt.Body, rt.SHA256 = body, got
		rt.Downloads++
	}
	o.mu.Unlock()
	if o.cfg.DeleteAfterDownload {
		if err := o.Delete(ctx, ackID); err != nil {
			return body, err
		}
	}
	return body, nil
}

// Delete removes the retrieval's file from the DAS transit zone (step 2e).
func (o *Office) Delete(ctx context.Context, ackID string) error {
	if _, err := o.das.DeleteFile(ctx, "", ackID); err != nil {
		return fmt.Errorf("office %s: delete %s: %w", o.cfg.Code, ackID, err)
	}
	o.mu.Lock()
	if rt, ok := o.retrievals[ackID]; ok {
		rt.Deleted = true
	}
	o.mu.Unlock()
	return nil
}

// fetchFresh gets a file location URL (step 2c) and its bytes (2d). A URL
// that has expired — by its fileDownloadUrlExpiryDate, or by the store's
// 403 — is not the end: "Downloads can be repeated while the requested
// document is not deleted from WIPO DAS" (seeds), so the OSF asks for a
// new one, up to three times.
func (o *Office) fetchFresh(ctx context.Context, ackID string) (protocol.URLDownloadResponse, []byte, error) {
	var lastErr error
	for range 3 {
		dl, _, err := o.das.DownloadURL(ctx, ackID)
		if err != nil {
			return protocol.URLDownloadResponse{}, nil, err
		}
		if exp, err := time.Parse(time.RFC3339, dl.FileDownloadURLExpiryDate); err == nil && !exp.After(o.deps.clock.Now()) {
			lastErr = fmt.Errorf("fileDownloadUrl expired at %s when it was handed out", dl.FileDownloadURLExpiryDate)
			continue
		}
		body, status, err := o.fetch(ctx, dl.FileDownloadURL)
		if status == http.StatusForbidden {
			lastErr = err
			continue
		}
		return *dl, body, err
	}
	return protocol.URLDownloadResponse{}, nil, fmt.Errorf("no usable file location URL after 3 requests: %w", lastErr)
}

// fetch GETs a presigned URL with no Authorization header; status is the
// store's answer (0 when none came).
func (o *Office) fetch(ctx context.Context, rawURL string) (body []byte, status int, err error) {
	res, err := o.das.Transfer(ctx, http.MethodGet, rawURL, nil, nil, 0)
	if err != nil {
		return nil, 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, res.StatusCode, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, res.StatusCode, fmt.Errorf("GET fileDownloadUrl: HTTP %d: %.300s", res.StatusCode, b)
	}
	return b, res.StatusCode, nil
}
