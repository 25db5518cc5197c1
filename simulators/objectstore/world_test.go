package objectstore

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/s3client"

	"github.com/wipo-das/dasim/simulators/clock"
)

var epoch = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

const (
	testAccessKey = "AKIADASIMTEST0000001"
	testSecret    = "dasim-test-secret-0000000000000000000000"
)

// world is one object store on a real loopback listener, with the world's
// virtual clock and a Storage client of the DAS.
type world struct {
	t       testing.TB
	clock   *clock.Virtual
	server  *Server
	http    *httptest.Server
	storage *s3client.Storage

	mu      sync.Mutex
	created []string // "bucket/key size" per WithObjectCreated call
}

func newWorld(t testing.TB, adjust ...func(*Config)) *world {
	t.Helper()
	w := &world{t: t, clock: clock.NewVirtual(epoch)}
	cfg := Config{Clock: w.clock, Credentials: map[string]string{testAccessKey: testSecret}}
	for _, a := range adjust {
		a(&cfg)
	}
	srv, err := New(cfg, WithObjectCreated(func(bucket, key string, size int64) {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.created = append(w.created, bucket+"/"+key+" "+strconv.FormatInt(size, 10))
	}))
	if err != nil {
		t.Fatal(err)
	}
	w.server = srv
	w.http = httptest.NewServer(srv.Handler())
	t.Cleanup(w.http.Close)
	w.storage, err = s3client.NewStorage(srv.StorageConfig(w.http.URL))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// storageWith returns a Storage of this world changed by adjust (another
// key, region or clock).
func (w *world) storageWith(adjust func(*s3client.StorageConfig)) *s3client.Storage {
	cfg := w.server.StorageConfig(w.http.URL)
	adjust(&cfg)
	s, err := s3client.NewStorage(cfg)
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

func (w *world) createdObjects() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.created...)
}

// response is an HTTP answer with its S3 error elements, if any.
type response struct {
	status int
	header http.Header
	body   []byte
	xml    map[string]string // element name -> text, for an <Error> body
}

// send makes one plain HTTP request, as an office's client would.
func (w *world) send(method, url string, header http.Header, body []byte) response {
	w.t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		w.t.Fatal(err)
	}
	for k, v := range header {
		if strings.EqualFold(k, "Host") {
			req.Host = v[0]
			continue
		}
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b, xml: errorElements(b)}
}

// expectS3Error checks status, code, a message fragment, and the shape
// every S3 error has (application/xml, Resource, RequestId).
func expectS3Error(t *testing.T, r response, status int, code, fragment string) {
	t.Helper()
	if r.status != status || r.xml["Code"] != code {
		t.Fatalf("got %d %s (%q), want %d %s\n%s", r.status, r.xml["Code"], r.xml["Message"], status, code, r.body)
	}
	if !strings.Contains(r.xml["Message"], fragment) {
		t.Errorf("message %q does not say %q", r.xml["Message"], fragment)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/xml" {
		t.Errorf("Content-Type %q, want application/xml", ct)
	}
	if r.xml["RequestId"] == "" || r.xml["Resource"] == "" {
		t.Errorf("error lacks RequestId or Resource: %s", r.body)
	}
}
