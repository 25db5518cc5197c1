package harness

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"

	"github.com/wipo-das/dasim/simulators/dasapi"
)

// EnrollOffice enrolls an office at the authorization server and whitelists
// its client at DAS, acting for office code.
func (w *World) EnrollOffice(code, clientID string) (*Identity, error) {
	id, err := w.Enroll(code, clientID)
	if err != nil {
		return nil, err
	}
	w.callers.admit(clientID, code)
	return id, w.Allow(clientID, code)
}

// Client calls the DAS API as one office, with tokens of its own, every
// exchange validated against the contract and recorded from the client
// side: a thin wrapper of the one DAS API client (simulators/dasapi) with
// the flows of an office (flows.go).
type Client struct {
	Identity *Identity
	api      *dasapi.Client
}

// Client returns a DAS client acting as id.
func (w *World) Client(id *Identity) *Client {
	return &Client{Identity: id, api: dasapi.New(dasapi.Config{BaseURL: w.DASURL(), HTTPClient: w.HTTPClient(),
		Tokens: w.Tokens(id), Recorder: w.recorder, Party: "office " + id.Office, Transcripts: true})}
}

// Response is an answer of the DAS API, success or WIPO error, undecided.
type Response = dasapi.Response

// API is the typed client underneath, one method per operation.
func (c *Client) API() *dasapi.Client { return c.api }

// Call sends one request; body is marshalled to JSON unless it is []byte.
func (c *Client) Call(ctx context.Context, method, path string, query url.Values, body any) (*Response, error) {
	return c.api.Call(ctx, method, path, query, body)
}

// Presigned sends bytes to (or reads them from) a presigned URL, with no
// Authorization header, as an office's plain HTTP client does.
func (c *Client) Presigned(ctx context.Context, method, rawURL, contentType string, content []byte) (int, []byte, error) {
	var body io.Reader
	var header http.Header
	if content != nil {
		body = bytes.NewReader(content)
	}
	if contentType != "" {
		header = http.Header{"Content-Type": {contentType}}
	}
	resp, err := c.api.Transfer(ctx, method, rawURL, header, body, int64(len(content)))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// SHA256 is the lowercase hex digest WIPO's fileChecksum carries.
func SHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Token returns the client's current access token.
func (c *Client) Token(ctx context.Context) (string, error) { return c.api.Token(ctx) }
