package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
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
	up, _, err := c.api.CreateUploadURL(ctx, protocol.URLUploadRequest{FileReference: "dasim-upload",
		FileFormatCategory: format, FileChecksum: SHA256(content)})
	if err != nil {
		return "", "", err
	}
	status, body, err := c.Presigned(ctx, http.MethodPut, up.FileUploadURL, "application/"+format, content)
	if err != nil {
		return "", "", err
	}
	if status != http.StatusOK {
		return up.FileID, "", fmt.Errorf("PUT presigned upload URL: %d %s", status, body)
	}
	st, _, err := c.api.FileStatus(ctx, up.FileID)
	if err != nil {
		return up.FileID, "", err
	}
	return up.FileID, st.FileStatusCategory, nil
}

// registration is the body of POST/PUT registrations for d.
func registration(d Document, fileID string) protocol.RegistrationRequest {
	category := "priority document"
	return protocol.RegistrationRequest{OperationCategory: "registration", DocumentKindCategory: kindOr(d.Kind),
		DocumentNumber: d.Number, DocumentDate: d.Date, DasAccessCode: d.AccessCode, ApplicationCategory: &category,
		ApplicationNumber: &d.Number, ApplicationFilingDate: &d.Date, FileID: protocol.Optional(fileID)}
}

// retrieval is the body of POST retrievals for d, as the Java sample sends
// it (the parent application's members null).
func retrieval(d Document) protocol.RetrievalRequest {
	return protocol.RetrievalRequest{OperationCategory: "retrieval", DocumentKindCategory: kindOr(d.Kind),
		DocumentNumber: d.Number, DocumentDate: d.Date, DasAccessCode: d.AccessCode}
}

// RegistrationBody is the body of POST/PUT registrations for d, as a map a
// test may break on purpose.
func RegistrationBody(d Document, fileID string) map[string]any {
	return asMap(registration(d, fileID))
}

// RetrievalBody is the body of POST retrievals for d, as a map.
func RetrievalBody(d Document) map[string]any { return asMap(retrieval(d)) }

// asMap is the JSON object of a wire message.
func asMap(v any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // the wire types always marshal
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
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
	return answer(c.api.Register(ctx, registration(d, fileID)))
}

// answer is the Response of a typed call: an answer other than the
// documented success is not an error here, the caller judges it.
func answer[T any](_ *T, r *Response, err error) (*Response, error) {
	if r != nil {
		return r, nil
	}
	return nil, err
}

// Retrieve is step (2a); it returns the request ack id on 201.
func (c *Client) Retrieve(ctx context.Context, d Document) (string, *Response, error) {
	ack, r, err := c.api.RequestRetrieval(ctx, retrieval(d))
	if r == nil || ack == nil {
		return "", r, noAnswer(r, err)
	}
	return ack.RequestAckID, r, nil
}

// noAnswer keeps err only when no answer came (the Response says the rest)
// or the documented success could not be read.
func noAnswer(r *Response, err error) error {
	if r == nil || r.Status/100 == 2 {
		return err
	}
	return nil
}

// Status reads one retrieval's status (Figure B, GET retrievals/statuses).
func (c *Client) Status(ctx context.Context, ack string) (RetrievalStatus, *Response, error) {
	bag, r, err := c.api.RetrievalStatuses(ctx, ack)
	if r == nil || bag == nil {
		return RetrievalStatus{}, r, noAnswer(r, err)
	}
	if len(bag.Bag) != 1 {
		return RetrievalStatus{}, r, fmt.Errorf("status of %s: bag holds %d entries", ack, len(bag.Bag))
	}
	return bag.Bag[0], r, nil
}

// Download does steps (2c) and (2d): the download URL, then the bytes.
func (c *Client) Download(ctx context.Context, ack string) ([]byte, *Response, error) {
	dl, r, err := c.api.DownloadURL(ctx, ack)
	if r == nil || dl == nil {
		return nil, r, noAnswer(r, err)
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
