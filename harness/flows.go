package harness

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// Document is a priority document as an office of first filing holds it.
type Document struct {
	Kind       string // patent, utility model, design, trademark
	Number     string // led by the OFF's ST.3 code
	Date       string // filing date YYYY-MM-DD
	AccessCode string
	Format     string // pdf (default) or zip
	Content    []byte
}

// PDF makes size bytes of deterministic document content that DAS's format
// check takes for a PDF ("%PDF-" magic), distinct per label.
func PDF(label string, size int) []byte {
	head := fmt.Sprintf("%%PDF-1.7\n%% dasim priority document %s\n", label)
	b := make([]byte, 0, max(size, len(head)))
	b = append(b, head...)
	for i := 0; len(b) < size; i++ {
		b = append(b, byte('a'+(i*7+len(label))%26))
	}
	return b
}

// RetrievalStatus is one entry of GET retrievals/statuses (das.yaml
// RetrievalStatus), as the simulated offices read it.
type RetrievalStatus = protocol.RetrievalStatus

// UploadFile does steps (1a) and (1b): a presigned URL, then the bytes. It
// returns the file id and the file status DAS reports after the upload.
func (c *Client) UploadFile(ctx context.Context, content []byte, format string) (fileID, fileStatus string, err error) {
	if format == "" {
		format = "pdf"
	}
	r, err := c.Call(ctx, http.MethodPost, "/files/url-uploads", nil, map[string]any{
		"fileReference": "dasim-upload", "fileFormatCategory": format, "fileChecksum": SHA256(content)})
	if err != nil {
		return "", "", err
	}
	var up struct{ FileID, FileUploadURL string }
	if r.Status != http.StatusCreated {
		return "", "", fmt.Errorf("POST files/url-uploads: %d %s", r.Status, r.Body)
	}
	if err := r.Decode(&up); err != nil {
		return "", "", err
	}
	status, body, err := c.Presigned(ctx, http.MethodPut, up.FileUploadURL, "application/"+format, content)
	if err != nil {
		return "", "", err
	}
	if status != http.StatusOK {
		return up.FileID, "", fmt.Errorf("PUT presigned upload URL: %d %s", status, body)
	}
	r, err = c.Call(ctx, http.MethodGet, "/files", url.Values{"fileId": {up.FileID}}, nil)
	if err != nil {
		return up.FileID, "", err
	}
	var st struct{ FileStatusCategory string }
	if err := r.Decode(&st); err != nil {
		return up.FileID, "", err
	}
	return up.FileID, st.FileStatusCategory, nil
}

// RegistrationBody is the body of POST/PUT registrations for d.
func RegistrationBody(d Document, fileID string) map[string]any {
	var file any
	if fileID != "" {
		file = fileID
	}
	return map[string]any{"operationCategory": "registration", "documentKindCategory": kindOr(d.Kind),
		"documentNumber": d.Number, "documentDate": d.Date, "dasAccessCode": d.AccessCode,
		"applicationCategory": "priority document", "applicationNumber": d.Number,
		"applicationFilingDate": d.Date, "email": nil, "fileId": file}
}

// RetrievalBody is the body of POST retrievals for d, as the Java sample sends it.
func RetrievalBody(d Document) map[string]any {
	return map[string]any{"operationCategory": "retrieval", "documentKindCategory": kindOr(d.Kind),
		"documentNumber": d.Number, "documentDate": d.Date, "dasAccessCode": d.AccessCode,
		"applicationCategory": nil, "applicationNumber": nil, "applicationFilingDate": nil}
}

func kindOr(k string) string {
	if k == "" {
		return "patent"
	}
	return k
}

// Deposit uploads d's content and registers it (flow c.1 steps 1a–1c).
func (c *Client) Deposit(ctx context.Context, d Document) (*Response, error) {
	fileID, st, err := c.UploadFile(ctx, d.Content, d.Format)
	if err != nil {
		return nil, err
	}
	if st != "ACCEPTED" {
		return nil, fmt.Errorf("upload of %s is %s, not ACCEPTED", d.Number, st)
	}
	return c.Call(ctx, http.MethodPost, "/registrations", nil, RegistrationBody(d, fileID))
}

// Retrieve is step (2a); it returns the request ack id on 201.
func (c *Client) Retrieve(ctx context.Context, d Document) (string, *Response, error) {
	r, err := c.Call(ctx, http.MethodPost, "/retrievals", nil, RetrievalBody(d))
	if err != nil || r.Status != http.StatusCreated {
		return "", r, err
	}
	var ack struct{ RequestAckID string }
	return ack.RequestAckID, r, r.Decode(&ack)
}

// Status reads one retrieval's status (Figure B, GET retrievals/statuses).
func (c *Client) Status(ctx context.Context, ack string) (RetrievalStatus, *Response, error) {
	r, err := c.Call(ctx, http.MethodGet, "/retrievals/statuses", url.Values{"requestAckId": {ack}}, nil)
	if err != nil || r.Status != http.StatusOK {
		return RetrievalStatus{}, r, err
	}
	var bag protocol.StatusBag
	if err := r.Decode(&bag); err != nil {
		return RetrievalStatus{}, r, err
	}
	if len(bag.Bag) != 1 {
		return RetrievalStatus{}, r, fmt.Errorf("status of %s: bag holds %d entries", ack, len(bag.Bag))
	}
	return bag.Bag[0], r, nil
}

// Download does steps (2c) and (2d): the download URL, then the bytes.
func (c *Client) Download(ctx context.Context, ack string) ([]byte, *Response, error) {
	r, err := c.Call(ctx, http.MethodGet, "/files/url-downloads", url.Values{"requestAckId": {ack}}, nil)
	if err != nil || r.Status != http.StatusOK {
		return nil, r, err
	}
	var dl protocol.URLDownloadResponse
	if err := r.Decode(&dl); err != nil {
		return nil, r, err
	}
	status, body, err := c.Presigned(ctx, http.MethodGet, dl.FileDownloadURL, "", nil)
	if err != nil {
		return nil, r, err
	}
	if status != http.StatusOK {
		return nil, r, fmt.Errorf("GET presigned download URL: %d %s", status, strings.TrimSpace(string(body)))
	}
	return body, r, nil
}
