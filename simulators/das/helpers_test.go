package das

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/s3client"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/bearer"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/faults"
	"github.com/wipo-das/dasim/simulators/objectstore"
	"github.com/wipo-das/dasim/simulators/protocol"
)

var epoch = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// testKeys are generated once per test binary: RSA-2048 generation under
// -race costs seconds, and every world would otherwise pay it.
var testKeys = sync.OnceValues(func() (*rsa.PrivateKey, []byte) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	if err != nil {
		panic(err)
	}
	return k, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
})

const dasClientID = "wipo-das-outbound"

// world is a DAS with every real part it talks to: WIPO's authorization
// server (real RS256 tokens), the bearer verifier, the object store (real S3
// protocol and presigned URLs) and test offices, all on loopback, with one
// virtual clock and one contract log that must end with no failure.
type world struct {
	t        testing.TB
	clock    *clock.Virtual
	log      *failureLog
	authz    *authz.Server
	verifier *bearer.Verifier
	store    *objectstore.Server
	storage  *s3client.Storage
	das      *Server
	api      *httptest.Server
	offices  OfficeMap
	sims     map[string]*officeSim
}

type worldOptions struct {
	eager   bool          // wire the object store's created hook
	config  func(*Config) // adjust the DAS config
	offices []string      // offices that run an endpoint (officeSim)
	pct     PCTSource
	// deliberate: the test breaks requests on purpose; only response
	// violations (an undocumented status among them) fail it. Every
	// exchange is then kept in log.all.
	deliberate bool
	faults     *faults.Set // faults DAS commits (party "das")
}

func newWorld(t testing.TB, o worldOptions) *world {
	t.Helper()
	w := &world{t: t, clock: clock.NewVirtual(epoch), log: &failureLog{keepAll: o.deliberate}, offices: OfficeMap{}, sims: map[string]*officeSim{}}
	signing, pubPEM := testKeys()

	azHTTP := httptest.NewUnstartedServer(nil)
	az, err := authz.New(authz.Config{BaseURL: "http://" + azHTTP.Listener.Addr().String(), Clock: w.clock}, authz.WithSigningKey(signing))
	must(t, err)
	azHTTP.Config.Handler = az.Handler()
	azHTTP.Start()
	t.Cleanup(azHTTP.Close)
	w.authz = az
	must(t, az.Register(authz.Client{ID: dasClientID, KeysPEM: pubPEM}))
	w.verifier, err = bearer.New(bearer.Config{Issuer: az.Issuer(), Keys: bearer.StaticKeys(az.PublicKeys()), Clock: w.clock,
		Scopes: []string{authz.ScopeOfficeExchange, authz.ScopeDASAccess}, Whitelist: map[string]string{}})
	must(t, err)

	var dasRef *Server
	var hook []objectstore.Option
	if o.eager {
		hook = append(hook, objectstore.WithObjectCreated(func(b, k string, n int64) {
			if dasRef != nil {
				dasRef.ObjectCreated(b, k, n)
			}
		}))
	}
	w.store, err = objectstore.New(objectstore.Config{Clock: w.clock}, hook...)
	must(t, err)
	s3 := httptest.NewServer(w.store.Handler())
	t.Cleanup(s3.Close)
	w.storage, err = s3client.NewStorage(w.store.StorageConfig(s3.URL))
	must(t, err)

	for _, code := range o.offices {
		w.sims[code] = newOfficeSim(t, w, code)
		w.offices[code] = OfficeEndpoint{BaseURL: w.sims[code].http.URL + "/das/v1/requests", Tokens: TokenFunc(w.dasToken)}
	}
	cfg := Config{}
	if o.config != nil {
		o.config(&cfg)
	}
	opts := []Option{WithContext(t.Context()), WithClock(w.clock), WithStorage(w.storage), WithAuthentication(w.verifier.OfficeOf),
		WithOffices(w.offices), WithRecorder(w.log)}
	if o.faults != nil {
		opts = append(opts, WithFaults(o.faults))
	}
	if o.pct != nil {
		opts = append(opts, WithPCT(o.pct))
	}
	w.das, err = New(cfg, opts...)
	must(t, err)
	dasRef = w.das
	w.api = httptest.NewServer(w.das.Handler())
	t.Cleanup(func() {
		must(t, w.das.Close(context.WithoutCancel(t.Context())))
		w.api.Close()
		w.assertContractKept()
	})
	return w
}

func (w *world) dasToken(ctx context.Context) (string, error) {
	tr, err := w.authz.Issue(dasClientID, []string{authz.ScopeOfficeExchange})
	if err != nil {
		return "", err
	}
	return tr.AccessToken, nil
}

// assertContractKept fails the test when any exchange, in either direction,
// broke das.yaml. Calls that got no answer at all are not contract breaches.
func (w *world) assertContractKept() {
	w.t.Helper()
	for _, e := range w.log.Failed() {
		if e.TransportError != "" && len(e.Violations()) == 0 {
			continue // an office that is down breaks no contract (tests of unreachable offices)
		}
		if w.log.keepAll && len(e.ResponseViolations) == 0 {
			continue // a request broken on purpose, answered as documented
		}
		w.t.Errorf("contract broken: %s %s → %d %v (request %s, response %s)", e.Method, e.URL, e.Status, e.Violations(), e.RequestBody, e.ResponseBody)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// office is one office's API client: its own registered client id, a real
// token from the authorization server, re-issued when the clock passes exp.
type office struct {
	w      *world
	code   string
	client string
	base   string
	mu     sync.Mutex
	token  string
	expiry time.Time
}

func (w *world) office(code string) *office {
	id := "client-" + strings.ToLower(code)
	_, pubPEM := testKeys()
	must(w.t, w.authz.Register(authz.Client{ID: id, KeysPEM: pubPEM}))
	must(w.t, w.verifier.Allow(id, code))
	return &office{w: w, code: code, client: id, base: w.api.URL + "/das/v1/requests"}
}

func (o *office) bearer() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.token == "" || !o.w.clock.Now().Before(o.expiry.Add(-time.Minute)) {
		tr, err := o.w.authz.Issue(o.client, []string{authz.ScopeOfficeExchange})
		if err != nil {
			panic(err)
		}
		o.token, o.expiry = tr.AccessToken, o.w.clock.Now().Add(time.Duration(tr.ExpiresIn)*time.Second)
	}
	return o.token
}

// call sends one API request and returns status and body.
func (o *office) call(method, path string, body any) (int, []byte) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			panic(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, o.base+path, rd)
	if err != nil {
		panic(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+o.bearer())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// expect calls and fails the test unless the status is want; v receives the body.
func (o *office) expect(t testing.TB, want int, method, path string, body, v any) []byte {
	t.Helper()
	status, b := o.call(method, path, body)
	if status != want {
		t.Fatalf("%s %s %s: status %d, want %d; body %s", o.code, method, path, status, want, b)
	}
	if v != nil {
		must(t, json.Unmarshal(b, v))
	}
	return b
}

// expectError checks a WIPO error body: status, top-level code and detail codes in order.
func (o *office) expectError(t testing.TB, status int, code string, details []int, method, path string, body any) *protocol.DASError {
	t.Helper()
	b := o.expect(t, status, method, path, body, nil)
	e, _, ok := protocol.ParseDASError(b)
	if !ok {
		t.Fatalf("%s %s: not a WIPO error body: %s", method, path, b)
	}
	var got []int
	for _, d := range e.Details {
		got = append(got, d.Code)
	}
	if e.Code != code || fmt.Sprint(got) != fmt.Sprint(details) {
		t.Fatalf("%s %s: error %s %v, want %s %v; body %s", method, path, e.Code, got, code, details, b)
	}
	return e
}

func sha(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// pdf returns a small PDF-looking document unique to label.
func pdf(label string) []byte {
	return []byte("%PDF-1.7\n% priority document " + label + "\n" + strings.Repeat("x", 200) + "\n%%EOF\n")
}

// upload does flow c.1 steps (1a) and (1b): URL, then the raw PUT.
func (o *office) upload(t testing.TB, format string, content []byte, checksum string) string {
	t.Helper()
	var up protocol.URLUploadResponse
	o.expect(t, 201, "POST", "/files/url-uploads", map[string]any{"fileReference": "ref.pdf", "fileFormatCategory": format, "fileChecksum": checksum}, &up)
	req, err := http.NewRequest(http.MethodPut, up.FileUploadURL, bytes.NewReader(content))
	must(t, err)
	req.Header.Set("Content-Type", "application/pdf")
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("PUT presigned upload: %d %s", resp.StatusCode, b)
	}
	return up.FileID
}

type doc struct {
	kind, number, date, code string
}

func (d doc) registration(fileID string) map[string]any {
	m := map[string]any{"operationCategory": "registration", "documentKindCategory": d.kind, "documentNumber": d.number,
		"documentDate": d.date, "dasAccessCode": d.code, "applicationCategory": "priority document",
		"applicationNumber": d.number, "applicationFilingDate": d.date, "email": nil}
	if fileID != "" {
		m["fileId"] = fileID
	}
	return m
}

func (d doc) retrieval() map[string]any {
	return map[string]any{"operationCategory": "retrieval", "documentKindCategory": d.kind, "documentNumber": d.number,
		"documentDate": d.date, "dasAccessCode": d.code, "applicationCategory": nil, "applicationNumber": nil, "applicationFilingDate": nil}
}

// deposit uploads content and registers d with it (flow c.1 steps 1a–1c).
func (o *office) deposit(t testing.TB, d doc, content []byte) {
	t.Helper()
	id := o.upload(t, "pdf", content, sha(content))
	o.expect(t, 201, "POST", "/registrations", d.registration(id), nil)
}

// retrieve requests d and returns the DAS ack id.
func (o *office) retrieve(t testing.TB, d doc) string {
	t.Helper()
	var ack protocol.RetrievalAck
	o.expect(t, 201, "POST", "/retrievals", d.retrieval(), &ack)
	return ack.RequestAckID
}

func (o *office) status(t testing.TB, ack string) protocol.RetrievalStatus {
	t.Helper()
	var bag protocol.StatusBag
	o.expect(t, 200, "GET", "/retrievals/statuses?requestAckId="+ack, nil, &bag)
	if len(bag.Bag) != 1 {
		t.Fatalf("statuses of %s: %d entries", ack, len(bag.Bag))
	}
	return bag.Bag[0]
}

// download does steps (2c) and (2d) and returns the bytes.
func (o *office) download(t testing.TB, ack string) []byte {
	t.Helper()
	var dl protocol.URLDownloadResponse
	o.expect(t, 200, "GET", "/files/url-downloads?requestAckId="+ack, nil, &dl)
	resp, err := http.Get(dl.FileDownloadURL)
	must(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET presigned download: %d %s", resp.StatusCode, b)
	}
	if dl.FileChecksum != sha(b) {
		t.Fatalf("downloaded sha256 %s, url-downloads announced %s", sha(b), dl.FileChecksum)
	}
	return b
}

func putBytes(t testing.TB, url string, content []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, url, bytes.NewReader(content))
	must(t, err)
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("PUT presigned upload: %d %s", resp.StatusCode, b)
	}
}

// failureLog keeps the exchanges that broke the contract (or got no answer)
// and counts the rest, so a benchmark of a million requests stays small.
type failureLog struct {
	mu      sync.Mutex
	failed  []openapi.Exchange
	seen    int
	keepAll bool
	all     []openapi.Exchange
}

func (l *failureLog) Record(e openapi.Exchange) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen++
	if l.keepAll {
		l.all = append(l.all, e)
	}
	if !e.OK() {
		l.failed = append(l.failed, e)
	}
}

func (l *failureLog) Failed() []openapi.Exchange {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]openapi.Exchange(nil), l.failed...)
}

func (l *failureLog) All() []openapi.Exchange {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]openapi.Exchange(nil), l.all...)
}

func (l *failureLog) Seen() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seen
}
