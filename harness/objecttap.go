package harness

import (
	"net/http"
	"sync"
)

// ObjectRequest is one request the world's object store answered: what a
// client did with a presigned URL (step 2d, the download, happens there,
// outside das.yaml).
type ObjectRequest struct {
	Method string
	Path   string // /bucket/key
	// Signature is the presigned URL's X-Amz-Signature: which URL of the
	// object was used.
	Signature string
	Status    int
	Bytes     int64 // body bytes written back
}

// objectTap records the object store's requests while someone observes a
// client under test; otherwise it records nothing, so a long `dasim serve`
// does not grow.
type objectTap struct {
	mu   sync.Mutex
	on   bool
	reqs []ObjectRequest
}

func (t *objectTap) start() {
	t.mu.Lock()
	t.on = true
	t.mu.Unlock()
}

func (t *objectTap) requests() []ObjectRequest {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]ObjectRequest(nil), t.reqs...)
}

func (t *objectTap) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.mu.Lock()
		on := t.on
		t.mu.Unlock()
		if !on {
			next.ServeHTTP(w, r)
			return
		}
		cw := &countingWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(cw, r)
		t.mu.Lock()
		t.reqs = append(t.reqs, ObjectRequest{Method: r.Method, Path: r.URL.Path,
			Signature: r.URL.Query().Get("X-Amz-Signature"), Status: cw.status, Bytes: cw.bytes})
		t.mu.Unlock()
	})
}

type countingWriter struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
	bytes       int64
}

func (c *countingWriter) WriteHeader(status int) {
	if !c.wroteHeader {
		c.status, c.wroteHeader = status, true
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *countingWriter) Write(b []byte) (int, error) {
	c.wroteHeader = true
	n, err := c.ResponseWriter.Write(b)
	c.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (gofakes3
// streams large objects and may flush).
func (c *countingWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }
