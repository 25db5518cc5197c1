package harness

import (
	"net/http"
	"strings"
	"sync"

	"github.com/wipo-das/dasim/openapi"
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
// client under test; otherwise it keeps nothing, so a long `dasim serve`
// does not grow. Every request also goes to the world's recorder as an
// exchange outside das.yaml (contract "s3"), so transcripts and sequence
// diagrams show the object store's lifeline.
type objectTap struct {
	recorder openapi.Recorder
	mu       sync.Mutex
	on       bool
	reqs     []ObjectRequest
}

// ObjectStoreParty names the object store in recorded exchanges.
const ObjectStoreParty = "object store"

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
		if !on && t.recorder == nil {
			next.ServeHTTP(w, r)
			return
		}
		cw := &countingWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(cw, r)
		if t.recorder != nil {
			// The path only: a presigned URL's query is a credential.
			t.recorder.Record(openapi.Exchange{Contract: "s3", Recorder: "server", Method: r.Method, URL: r.URL.Path,
				Status: cw.status, Labels: openapi.Labels{Party: ObjectStoreParty, Peer: objectCaller(r)}})
		}
		if !on {
			return
		}
		t.mu.Lock()
		t.reqs = append(t.reqs, ObjectRequest{Method: r.Method, Path: r.URL.Path,
			Signature: r.URL.Query().Get("X-Amz-Signature"), Status: cw.status, Bytes: cw.bytes})
		t.mu.Unlock()
	})
}

// objectCaller tells who sent an object-store request: DAS signs its S3
// API calls in the Authorization header; an office uses a presigned URL to
// a key under uploads/<CC>/ or deliveries/<CC>/ (das.uploadKey, deliveryKey).
func objectCaller(r *http.Request) string {
	if strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-") {
		return "das"
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if len(parts) >= 3 && (parts[1] == "uploads" || parts[1] == "deliveries") && len(parts[2]) == 2 {
		return "office " + parts[2]
	}
	return ""
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
