package openapi

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// ContractError is returned by a Strict Transport.
type ContractError struct {
	Violations []Violation
}

func (e *ContractError) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.String()
	}
	return "contract violated: " + strings.Join(parts, "; ")
}

// Transport returns a client-side http.RoundTripper that validates each
// request it sends and each response it receives against the contract, and
// records the exchange. Use it for API calls only: presigned object-store
// URLs are outside the contract.
func (c *Contract) Transport(base http.RoundTripper, opts ...Option) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &transport{c: c, base: base, s: newSettings(opts)}
}

type transport struct {
	c    *Contract
	base http.RoundTripper
	s    *settings
}

// Base returns the transport requests go through after validation.
func (t *transport) Base() http.RoundTripper { return t.base }

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		body, err = io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("read request body: %w", err)
		}
	}
	// A RoundTripper must not modify the caller's request (net/http docs).
	out := req.Clone(req.Context())
	out.Body = io.NopCloser(bytes.NewReader(body))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	out.ContentLength = int64(len(body))

	check := req.Clone(req.Context())
	route, reqViolations := t.c.ValidateRequest(req.Context(), check, body)
	e := Exchange{Contract: t.c.name, Recorder: "client", Method: req.Method, URL: redactURL(req.URL.String()),
		RequestViolations: reqViolations}
	if route != nil {
		e.Operation = route.OperationID
	}
	if t.s.transcripts {
		e.RequestBody = redactBody(req.Header.Get("Content-Type"), body)
	}
	if t.s.strict && len(reqViolations) > 0 {
		e.TransportError = "not sent: the request breaks the contract"
		t.s.record(req.Context(), e)
		return nil, &ContractError{Violations: reqViolations}
	}
	resp, err := t.base.RoundTrip(out)
	if err != nil {
		e.TransportError = err.Error()
		t.s.record(req.Context(), e)
		return nil, err
	}
	resBody, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		e.TransportError = "read response body: " + err.Error()
		t.s.record(req.Context(), e)
		return nil, fmt.Errorf("read response body: %w", err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(resBody))
	e.Status = resp.StatusCode
	if route != nil {
		e.ResponseViolations = t.c.ValidateResponse(req.Context(), route, check, resp.StatusCode, resp.Header, resBody)
	}
	if t.s.transcripts {
		e.ResponseBody = redactBody(resp.Header.Get("Content-Type"), resBody)
	}
	t.s.record(req.Context(), e)
	if t.s.strict && len(e.ResponseViolations) > 0 {
		return nil, &ContractError{Violations: e.ResponseViolations}
	}
	return resp, nil
}
