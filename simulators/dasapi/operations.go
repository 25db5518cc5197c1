package dasapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// The operations of das.yaml, each with the status it documents for success.

// CreateUploadURL is POST files/url-uploads (flow c.1 step 1a, c.3 step 3).
func (c *Client) CreateUploadURL(ctx context.Context, req protocol.URLUploadRequest) (*protocol.URLUploadResponse, *Response, error) {
	return do[protocol.URLUploadResponse](ctx, c, http.MethodPost, "/files/url-uploads", nil, req, http.StatusCreated)
}

// RefreshUploadURL is PUT files/url-uploads: a fresh URL for the same file.
func (c *Client) RefreshUploadURL(ctx context.Context, fileID string) (*protocol.URLUploadResponse, *Response, error) {
	return do[protocol.URLUploadResponse](ctx, c, http.MethodPut, "/files/url-uploads", nil, protocol.FileIDRequest{FileID: fileID}, http.StatusOK)
}

// FileStatus is GET files.
func (c *Client) FileStatus(ctx context.Context, fileID string) (*protocol.FileStatus, *Response, error) {
	return do[protocol.FileStatus](ctx, c, http.MethodGet, "/files", url.Values{"fileId": {fileID}}, nil, http.StatusOK)
}

// DeleteFile is DELETE files (step 2e), by fileId or requestAckId (either
// may be empty).
func (c *Client) DeleteFile(ctx context.Context, fileID, requestAckID string) (*Response, error) {
	q := url.Values{}
	if fileID != "" {
		q.Set("fileId", fileID)
	}
	if requestAckID != "" {
		q.Set("requestAckId", requestAckID)
	}
	_, r, err := do[struct{}](ctx, c, http.MethodDelete, "/files", q, nil, http.StatusNoContent)
	return r, err
}

// DownloadURL is GET files/url-downloads by request ack id (step 2c; DAS
// asking an OFF in flow c.2).
func (c *Client) DownloadURL(ctx context.Context, requestAckID string) (*protocol.URLDownloadResponse, *Response, error) {
	return do[protocol.URLDownloadResponse](ctx, c, http.MethodGet, "/files/url-downloads", url.Values{"requestAckId": {requestAckID}}, nil, http.StatusOK)
}

// RequestDownloadURL is POST files/url-downloads, the Java sample's form.
func (c *Client) RequestDownloadURL(ctx context.Context, req protocol.URLDownloadRequest) (*protocol.URLDownloadResponse, *Response, error) {
	return do[protocol.URLDownloadResponse](ctx, c, http.MethodPost, "/files/url-downloads", nil, req, http.StatusOK)
}

// Register is POST registrations (step 1c).
func (c *Client) Register(ctx context.Context, req protocol.RegistrationRequest) (*protocol.RegistrationAck, *Response, error) {
	return do[protocol.RegistrationAck](ctx, c, http.MethodPost, "/registrations", nil, req, http.StatusCreated)
}

// CorrectRegistration is PUT registrations.
func (c *Client) CorrectRegistration(ctx context.Context, req protocol.RegistrationRequest) (*protocol.RegistrationAck, *Response, error) {
	return do[protocol.RegistrationAck](ctx, c, http.MethodPut, "/registrations", nil, req, http.StatusOK)
}

// Withdraw is DELETE registrations.
func (c *Client) Withdraw(ctx context.Context, kind, number, accessCode string) (*protocol.RegistrationAck, *Response, error) {
	q := url.Values{"documentKindCategory": {kind}, "documentNumber": {number}, "dasAccessCode": {accessCode}}
	return do[protocol.RegistrationAck](ctx, c, http.MethodDelete, "/registrations", q, nil, http.StatusOK)
}

// RequestRetrieval is POST retrievals (step 2a; DAS forwarding to an OFF).
func (c *Client) RequestRetrieval(ctx context.Context, req protocol.RetrievalRequest) (*protocol.RetrievalAck, *Response, error) {
	return do[protocol.RetrievalAck](ctx, c, http.MethodPost, "/retrievals", nil, req, http.StatusCreated)
}

// SetRetrievalFile is PUT retrievals (flow c.3 step 5).
func (c *Client) SetRetrievalFile(ctx context.Context, req protocol.RetrievalFileUpdate) (*protocol.RetrievalStatus, *Response, error) {
	return do[protocol.RetrievalStatus](ctx, c, http.MethodPut, "/retrievals", nil, req, http.StatusOK)
}

// RetrievalStatuses is GET retrievals/statuses: one retrieval by ack id, or
// (ack id empty) those pending or newly completed.
func (c *Client) RetrievalStatuses(ctx context.Context, requestAckID string) (*protocol.StatusBag, *Response, error) {
	var q url.Values
	if requestAckID != "" {
		q = url.Values{"requestAckId": {requestAckID}}
	}
	return do[protocol.StatusBag](ctx, c, http.MethodGet, "/retrievals/statuses", q, nil, http.StatusOK)
}

// Notify is POST notifications (step 2b; an OFF notifying DAS in c.2/c.3).
func (c *Client) Notify(ctx context.Context, n protocol.Notification) (*Response, error) {
	_, r, err := do[struct{}](ctx, c, http.MethodPost, "/notifications", nil, n, http.StatusNoContent)
	return r, err
}

// do makes one call and decodes the documented success status want; any
// other answer is a *CallError carrying the Response.
func do[T any](ctx context.Context, c *Client, method, path string, query url.Values, body any, want int) (*T, *Response, error) {
	r, err := c.Call(ctx, method, path, query, body)
	if err != nil {
		return nil, nil, err
	}
	op := method + " " + path
	if r.Status != want {
		var cause error
		if r.Status/100 == 2 {
			cause = fmt.Errorf("status %d, the contract documents %d", r.Status, want)
		}
		return nil, r, &CallError{Operation: op, Response: r, Err: cause, final: r.Status/100 == 2}
	}
	var out T
	if len(r.Body) > 0 {
		if err := r.Decode(&out); err != nil {
			return nil, r, &CallError{Operation: op, Response: r, Err: fmt.Errorf("unreadable answer: %w", err), final: true}
		}
	}
	return &out, r, nil
}
