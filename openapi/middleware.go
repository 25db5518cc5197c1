package openapi

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
)

// maxMessage bounds the JSON and form bodies a contract middleware reads;
// DAS messages are small, documents travel through presigned URLs.
const maxMessage = 4 << 20

// Middleware validates every request to next against the contract and every
// response next writes, and records each exchange. A request that breaks the
// contract never reaches next (unless PassThrough): it is handed to the
// party's writer (OnRefusal), which names each field and rule in its
// protocol's own error shape; without one it is answered as RFC 9457
// problem+json. A response that
// breaks it is still sent as written, and recorded with its violations: the
// simulator is then at fault, and tests assert that the log has none.
func (c *Contract) Middleware(next http.Handler, opts ...Option) http.Handler {
	s := newSettings(opts)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxMessage+1))
		if err != nil {
			s.refuse(w, r, []Violation{{Side: sideRequest, In: InBody, Rule: "readable",
				Message: "request body could not be read: " + err.Error()}})
			return
		}
		if len(body) > maxMessage {
			s.refuse(w, r, []Violation{{Side: sideRequest, In: InBody, Rule: "size",
				Expected: fmt.Sprintf("at most %d bytes", maxMessage), Actual: "more",
				Message: "request body too large for an API message (documents go through presigned URLs)"}})
			return
		}
		route, reqViolations := c.ValidateRequest(r.Context(), r, body)
		rec := &responseBuffer{header: http.Header{}}
		if len(reqViolations) > 0 && !s.passThrough {
			s.refuse(rec, r, reqViolations)
		} else {
			r.Body = io.NopCloser(bytes.NewReader(body))
			next.ServeHTTP(rec, r)
		}
		status := rec.statusOr200()
		var resViolations []Violation
		if route != nil {
			resViolations = c.ValidateResponse(r.Context(), route, r, status, rec.header, rec.body.Bytes())
		}
		rec.copyTo(w)
		e := Exchange{Contract: c.name, Recorder: "server", Method: r.Method, URL: redactURL(r.URL.RequestURI()),
			Status: status, RequestViolations: reqViolations, ResponseViolations: resViolations}
		if route != nil {
			e.Operation = route.OperationID
		}
		if s.transcripts {
			e.RequestBody = redactBody(r.Header.Get("Content-Type"), body)
			e.ResponseBody = redactBody(rec.header.Get("Content-Type"), rec.body.Bytes())
		}
		s.record(r.Context(), e)
	})
}

// responseBuffer holds a handler's response until it has been validated.
type responseBuffer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *responseBuffer) Header() http.Header { return b.header }
func (b *responseBuffer) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}
func (b *responseBuffer) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

func (b *responseBuffer) statusOr200() int {
	if b.status == 0 {
		return http.StatusOK
	}
	return b.status
}

func (b *responseBuffer) copyTo(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range b.header {
		h[k] = v
	}
	w.WriteHeader(b.statusOr200())
	_, _ = w.Write(b.body.Bytes())
}
