// Package dasapi is the one client of the WIPO DAS REST API (das.yaml),
// used by every party that calls it: offices calling DAS, DAS calling
// offices (forwarded retrievals, notifications) and PCT DAS, and the
// harness acting as an office. Every call goes through the contract
// transport (openapi.DAS().Transport): validated both ways and recorded
// with the caller's party, the peer and flow step of the context
// (openapi.WithLabels), and a transcript when asked.
//
// Call never fails on an HTTP status: a Response carries status, header,
// body and the WIPO error body in either shape. The typed methods, one per
// operation, decode the documented success and return a *CallError for any
// other answer, which says by its Retryable method whether another attempt
// may help (simulators/retry). Answers are read up to a bound, since the
// party called may be a system under test. It is a leaf package: it imports
// no party.
package dasapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// DefaultMaxAnswer bounds the answers read: DAS messages are small,
// documents travel through presigned URLs.
const DefaultMaxAnswer = 4 << 20

// TokenSource gives the access token a call carries.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// TokenFunc adapts a function to TokenSource.
type TokenFunc func(ctx context.Context) (string, error)

// Token calls f.
func (f TokenFunc) Token(ctx context.Context) (string, error) { return f(ctx) }

// Config says where and as whom a Client calls.
type Config struct {
	// BaseURL is the API root, base path included
	// (https://das.example/das/v1/requests). Required.
	BaseURL string
	// HTTPClient carries the calls; the contract transport wraps its
	// transport. Default: http.DefaultTransport.
	HTTPClient *http.Client
	// Tokens gives the bearer token; nil sends no Authorization header.
	Tokens TokenSource
	// MaxAnswer bounds an answer's body; default DefaultMaxAnswer.
	MaxAnswer int64
	// Recorder receives every exchange; Party names the caller in it
	// ("das", "office EE"); Transcripts keeps redacted bodies.
	Recorder    openapi.Recorder
	Party       string
	Transcripts bool
}

// Client calls one DAS API root. It is safe for concurrent use.
type Client struct {
	base      string
	api       *http.Client // through the contract transport
	raw       *http.Client // presigned URLs, outside the contract
	tokens    TokenSource
	maxAnswer int64
}

// New returns a client for cfg.
func New(cfg Config) *Client {
	raw := cfg.HTTPClient
	if raw == nil {
		raw = &http.Client{}
	}
	base := raw.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	opts := []openapi.Option{openapi.WithRecorder(cfg.Recorder), openapi.WithParty(cfg.Party)}
	if cfg.Transcripts {
		opts = append(opts, openapi.WithTranscripts())
	}
	api := &http.Client{Transport: openapi.DAS().Transport(base, opts...), Timeout: raw.Timeout}
	if cfg.MaxAnswer <= 0 {
		cfg.MaxAnswer = DefaultMaxAnswer
	}
	return &Client{base: strings.TrimSuffix(cfg.BaseURL, "/"), api: api, raw: raw, tokens: cfg.Tokens, maxAnswer: cfg.MaxAnswer}
}

// At returns a client of the same transport and recorder for another API
// root and token source (DAS calling each office).
func (c *Client) At(baseURL string, tokens TokenSource) *Client {
	cp := *c
	cp.base, cp.tokens = strings.TrimSuffix(baseURL, "/"), tokens
	return &cp
}

// BaseURL is the API root the client calls.
func (c *Client) BaseURL() string { return c.base }

// Token returns the token the next call would carry.
func (c *Client) Token(ctx context.Context) (string, error) {
	if c.tokens == nil {
		return "", errors.New("dasapi: the client has no token source")
	}
	return c.tokens.Token(ctx)
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
		return fmt.Errorf("status %d body %.300q: %w", r.Status, r.Body, err)
	}
	return nil
}

// Call sends one request and returns the answer whatever its status; body
// is marshalled to JSON unless it is []byte (a deliberately broken body).
// The error is a *CallError when no answer came.
func (c *Client) Call(ctx context.Context, method, path string, query url.Values, body any) (*Response, error) {
	op := method + " " + path
	if c.base == "" {
		return nil, &CallError{Operation: op, Err: errors.New("no API root to call: the client was built without a BaseURL"), final: true}
	}
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
				return nil, &CallError{Operation: op, Err: err, final: true}
			}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, &CallError{Operation: op, Err: err, final: true}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if c.tokens != nil {
		tok, err := c.tokens.Token(ctx)
		if err != nil {
			return nil, &CallError{Operation: op, Err: fmt.Errorf("no access token: %w", err)}
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := c.api.Do(req)
	if err != nil {
		return nil, &CallError{Operation: op, Err: err}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, c.maxAnswer+1))
	if err != nil {
		return nil, &CallError{Operation: op, Err: fmt.Errorf("reading the answer: %w", err)}
	}
	if int64(len(b)) > c.maxAnswer {
		return nil, &CallError{Operation: op, Err: fmt.Errorf("answer larger than %d bytes", c.maxAnswer), final: true}
	}
	r := &Response{Status: res.StatusCode, Header: res.Header, Body: b}
	if res.StatusCode >= 400 {
		if r.Error, r.Wrapped, _ = protocol.ParseDASError(b); r.Error != nil {
			r.Error.Status = res.StatusCode
		}
	}
	return r, nil
}

// Transfer sends a request to a presigned URL or an office's own download
// link: no Authorization header, outside the contract, the body streamed.
// header may be nil; size is the Content-Length to announce (-1: unknown).
// The caller closes the answer's body.
func (c *Client) Transfer(ctx context.Context, method, rawURL string, header http.Header, body io.Reader, size int64) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, rawURL, body)
	if err != nil {
		return nil, fmt.Errorf("URL %q: %w", rawURL, err)
	}
	if body == nil {
		req.Body = http.NoBody
	} else {
		req.ContentLength = size
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return c.raw.Do(req)
}
