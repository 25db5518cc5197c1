package harness

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/das"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// EnrollOffice enrolls an office at the authorization server and whitelists
// its client at DAS, acting for office code.
func (w *World) EnrollOffice(code, clientID string) (*Identity, error) {
	id, err := w.Enroll(code, clientID)
	if err != nil {
		return nil, err
	}
	w.callers.admit(clientID, code)
	return id, w.Verifier.Allow(clientID, code)
}

// Client calls the DAS API as one office, with tokens of its own, every
// exchange validated against the contract and recorded from the client side.
type Client struct {
	Identity *Identity
	base     string
	http     *http.Client
	tokens   das.TokenSource
	// maxBody bounds the answer read (0: unbounded): a system under test
	// is not trusted to answer with a sane size.
	maxBody int64
	// authorization, when set, is sent as the Authorization header instead
	// of a token of tokens ("" sends none): a probe with a bad token.
	authorization *string
}

// Client returns a DAS client acting as id.
func (w *World) Client(id *Identity) *Client {
	hc := w.HTTPClient()
	hc.Transport = openapi.DAS().Transport(hc.Transport, openapi.WithRecorder(w.recorder),
		openapi.WithParty("office "+id.Office), openapi.WithTranscripts())
	return &Client{Identity: id, base: w.DASURL(), http: hc, tokens: w.Tokens(id)}
}

// Response is an answer of the DAS API, success or WIPO error, undecided.
type Response struct {
	Status  int
	Header  http.Header
	Body    []byte
	Error   *protocol.DASError // decoded when the body is a WIPO error, either shape
	Wrapped bool               // the error came in the older {"error": ...} shape
}

// Decode unmarshals the body into v.
func (r *Response) Decode(v any) error {
	if err := json.Unmarshal(r.Body, v); err != nil {
		return fmt.Errorf("status %d body %q: %w", r.Status, r.Body, err)
	}
	return nil
}

// Call sends one request; body is marshalled to JSON unless it is []byte.
func (c *Client) Call(ctx context.Context, method, path string, query url.Values, body any) (*Response, error) {
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		b, ok := body.([]byte)
		if !ok {
			var err error
			if b, err = json.Marshal(body); err != nil {
				return nil, err
			}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if err := c.authorize(ctx, req); err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var answer io.Reader = resp.Body
	if c.maxBody > 0 {
		answer = io.LimitReader(resp.Body, c.maxBody)
	}
	b, err := io.ReadAll(answer)
	if err != nil {
		return nil, err
	}
	r := &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
	if resp.StatusCode >= 400 {
		r.Error, r.Wrapped, _ = protocol.ParseDASError(b)
	}
	return r, nil
}

func (c *Client) authorize(ctx context.Context, req *http.Request) error {
	if c.authorization != nil {
		if *c.authorization != "" {
			req.Header.Set("Authorization", *c.authorization)
		}
		return nil
	}
	tok, err := c.tokens.Token(ctx)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	return nil
}

// Presigned sends bytes to (or reads them from) a presigned URL, with no
// Authorization header, as an office's plain HTTP client does.
func (c *Client) Presigned(ctx context.Context, method, rawURL, contentType string, content []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, rawURL, bytes.NewReader(content))
	if err != nil {
		return 0, nil, err
	}
	if content == nil {
		req.Body = http.NoBody
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	plain := &http.Client{Transport: unwrap(c.http.Transport)}
	resp, err := plain.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// unwrap finds the plain transport below the contract recorder.
func unwrap(rt http.RoundTripper) http.RoundTripper {
	if u, ok := rt.(interface{ Base() http.RoundTripper }); ok {
		return u.Base()
	}
	return rt
}

// SHA256 is the lowercase hex digest WIPO's fileChecksum carries.
func SHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Token returns the client's current access token.
func (c *Client) Token(ctx context.Context) (string, error) { return c.tokens.Token(ctx) }
