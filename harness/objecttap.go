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

	"github.com/wipo-das/dasim/openapi"
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

// objectTap keeps the object store's requests while someone observes a
// client under test; otherwise it keeps nothing, so a long `dasim serve`
// does not grow. It can also corrupt the next presigned downloads. Every
// request also goes to the world's recorder as an exchange outside das.yaml
// (contract "s3"), so transcripts and sequence diagrams show the object
// store's lifeline.
type objectTap struct {
	clock    clock.Clock
	recorder openapi.Recorder
	mu       sync.Mutex
	on       bool
	corrupt  int // presigned GETs still to corrupt
	reqs     []ObjectRequest
	// inFlight are the requests being answered, by arrival: a client has
	// read a download's last byte before the store's handler returns, so a
	// DELETE can be recorded before the download it follows (settle).
	inFlight map[chan struct{}]time.Time
}

// ObjectStoreParty names the object store in recorded exchanges.
const ObjectStoreParty = "object store"

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
		if !on && t.recorder == nil {
			next.ServeHTTP(w, r)
			return
		}
		at := t.clock.Now()
		if on {
			done := t.begin(at)
			defer t.end(done)
		}
		q := r.URL.Query()
		hw := &hashingWriter{ResponseWriter: w, status: http.StatusOK, at: -1}
		if on { // hashing and corrupting are for a client under test only
			hw.sum = sha256.New()
			if r.Method == http.MethodGet && q.Get("X-Amz-Signature") != "" {
				hw.corrupt = t.takeCorruption
			}
		}
		next.ServeHTTP(hw, r)
		if t.recorder != nil {
			// The path only: a presigned URL's query is a credential.
			t.recorder.Record(openapi.Exchange{Contract: "s3", Recorder: "server", Method: r.Method, URL: r.URL.Path,
				Status: hw.status, Labels: openapi.Labels{Party: ObjectStoreParty, Peer: objectCaller(r)}})
		}
		if !on {
			return
		}
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

func (t *objectTap) begin(at time.Time) chan struct{} {
	done := make(chan struct{})
	t.mu.Lock()
	if t.inFlight == nil {
		t.inFlight = map[chan struct{}]time.Time{}
	}
	t.inFlight[done] = at
	t.mu.Unlock()
	return done
}

// end is called once the request is recorded.
func (t *objectTap) end(done chan struct{}) {
	t.mu.Lock()
	delete(t.inFlight, done)
	t.mu.Unlock()
	close(done)
}

// settle waits until every request that arrived before at is recorded, at
// most patience of real time (a download still running after that is
// judged as not done, which it is not).
func (t *objectTap) settle(at time.Time, patience time.Duration) {
	t.mu.Lock()
	var waiting []chan struct{}
	for done, arrived := range t.inFlight {
		if !arrived.After(at) {
			waiting = append(waiting, done)
		}
	}
	t.mu.Unlock()
	if len(waiting) == 0 {
		return
	}
	timeout := time.NewTimer(patience)
	defer timeout.Stop()
	for _, done := range waiting {
		select {
		case <-done:
		case <-timeout.C:
			return
		}
	}
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
	sum         hash.Hash   // nil: not hashed
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
	if h.sum != nil {
		h.sum.Write(b[:n])
	}
	h.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (gofakes3
// streams large objects and may flush).
func (h *hashingWriter) Unwrap() http.ResponseWriter { return h.ResponseWriter }
