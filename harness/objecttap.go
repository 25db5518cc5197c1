package harness

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wipo-das/dasim/simulators/clock"
)

// ObjectRequest is one request the world's object store answered: what a
// client did with a presigned URL (step 2d, the download, happens there,
// outside das.yaml).
type ObjectRequest struct {
	// At is when the request arrived (world clock): a download begun
	// before a DELETE came before it, however long its last bytes took.
	At     time.Time
	Method string
	Path   string // /bucket/key
	// Signature is the presigned URL's X-Amz-Signature: which URL of the
	// object was used.
	Signature string
	Status    int
	Bytes     int64  // body bytes written back
	SHA256    string // of those bytes, lowercase hex
	// Bearer is set when the request carried an OAuth access token (an
	// Authorization header or an access_token parameter): a token leaked
	// to the object store.
	Bearer bool
	// Corrupted is set when the harness altered a byte of this download on
	// purpose (the wrong-checksum fault towards a client under test).
	Corrupted bool
}

// maxObjectRequests bounds what the tap keeps while a client is observed.
const maxObjectRequests = 20000

// objectTap records the object store's requests while someone observes a
// client under test; otherwise it records nothing, so a long `dasim serve`
// does not grow. It can also corrupt the next presigned downloads.
type objectTap struct {
	clock   clock.Clock
	mu      sync.Mutex
	on      bool
	corrupt int // presigned GETs still to corrupt
	reqs    []ObjectRequest
}

// start begins recording; corrupt is how many presigned downloads to
// serve with one byte altered, from the first.
func (t *objectTap) start(corrupt int) {
	t.mu.Lock()
	t.on, t.corrupt = true, corrupt
	t.mu.Unlock()
}

func (t *objectTap) requests() []ObjectRequest {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.reqs)
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
		at := t.clock.Now()
		q := r.URL.Query()
		presignedGET := r.Method == http.MethodGet && q.Get("X-Amz-Signature") != ""
		hw := &hashingWriter{ResponseWriter: w, status: http.StatusOK, sum: sha256.New(), at: -1}
		if presignedGET {
			hw.corrupt = t.takeCorruption
		}
		next.ServeHTTP(hw, r)
		auth := r.Header.Get("Authorization")
		req := ObjectRequest{At: at, Method: r.Method, Path: r.URL.Path, Signature: q.Get("X-Amz-Signature"),
			Status: hw.status, Bytes: hw.bytes, SHA256: hex.EncodeToString(hw.sum.Sum(nil)), Corrupted: hw.at >= 0,
			Bearer: q.Has("access_token") || strings.HasPrefix(strings.ToLower(auth), "bearer")}
		t.mu.Lock()
		if len(t.reqs) < maxObjectRequests {
			t.reqs = append(t.reqs, req)
		}
		t.mu.Unlock()
	})
}

func (t *objectTap) takeCorruption() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.corrupt == 0 {
		return false
	}
	t.corrupt--
	return true
}

// hashingWriter passes a response through, counting and hashing the bytes
// it sends; on a 200 it may alter the middle byte (by Content-Length) on
// the way, as a broken store or network would.
type hashingWriter struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
	bytes       int64
	sum         hash.Hash
	corrupt     func() bool // asked once, when a 200 is sent
	at          int64       // offset of the byte to alter; -1: none
}

func (h *hashingWriter) WriteHeader(status int) {
	if !h.wroteHeader {
		h.status, h.wroteHeader = status, true
		if status == http.StatusOK && h.corrupt != nil && h.corrupt() {
			n, _ := strconv.ParseInt(h.Header().Get("Content-Length"), 10, 64)
			h.at = n / 2
		}
	}
	h.ResponseWriter.WriteHeader(status)
}

func (h *hashingWriter) Write(b []byte) (int, error) {
	if !h.wroteHeader {
		h.WriteHeader(http.StatusOK)
	}
	if h.at >= h.bytes && h.at < h.bytes+int64(len(b)) {
		b = slices.Clone(b)
		b[h.at-h.bytes] ^= 0xFF
	}
	n, err := h.ResponseWriter.Write(b)
	h.sum.Write(b[:n])
	h.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (gofakes3
// streams large objects and may flush).
func (h *hashingWriter) Unwrap() http.ResponseWriter { return h.ResponseWriter }
