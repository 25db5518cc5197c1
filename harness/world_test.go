package harness

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"os"
	"strings"
	"testing"

	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/clientauth"
)

// signingKey is shared by the package's tests: generating one per world
// would dominate the suite's time. TestMain makes it before any test runs.
var signingKey *rsa.PrivateKey

func TestMain(m *testing.M) {
	var err error
	if signingKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

func testSigningKey(testing.TB) *rsa.PrivateKey { return signingKey }

// startTestWorld starts a world of cfg with the shared signing key and
// closes it when the test ends.
func startTestWorld(t *testing.T, cfg Config) *World {
	t.Helper()
	cfg.SigningKey = testSigningKey(t)
	w, err := Start(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	return w
}

func TestWorldIssuesTokensOverHTTPS(t *testing.T) {
	ctx := t.Context()
	w := startTestWorld(t, Config{})
	files, err := clientauth.GenerateKeyFiles(rand.Reader, w.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AuthZ.Register(authz.Client{ID: "ee-office", KeysPEM: files.CertPEM}); err != nil {
		t.Fatal(err)
	}
	tc := &clientauth.TokenClient{HTTP: w.HTTPClient(), Issuer: w.AuthZ.Issuer(), ClientID: "ee-office",
		Key: files.Key, Now: w.Clock.Now}
	tok, err := tc.Token(ctx, authz.ScopeOfficeExchange)
	if err != nil {
		t.Fatal(err)
	}
	if tok.TokenType != "Bearer" || !strings.HasPrefix(w.AuthZ.Issuer(), "https://127.0.0.1:") {
		t.Fatalf("token %+v issuer %s", tok, w.AuthZ.Issuer())
	}
	for _, e := range w.Log.Exchanges() {
		if !e.OK() {
			t.Errorf("exchange breaks the authz contract: %+v", e)
		}
	}
	ops := map[string]int{}
	for _, e := range w.Log.Exchanges() {
		ops[e.Operation]++
	}
	if ops["getOpenIDConfiguration"] != 1 || ops["requestAccessToken"] != 1 {
		t.Errorf("recorded %v, want one discovery and one token request", ops)
	}
}

func TestDemoWorldStartsAndRegistersEveryDocument(t *testing.T) {
	ctx := t.Context()
	wf := DemoWorld()
	wf.Clock = "virtual"
	w, err := StartWorld(ctx, wf, Config{SigningKey: testSigningKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, of := range wf.Offices {
		o := w.Office(of.Code)
		if o == nil {
			t.Fatalf("office %s missing", of.Code)
		}
		for _, d := range of.Documents {
			if r, ok := o.Registration(d.Kind, d.Number); !ok || !r.Registered || r.AckID == "" {
				t.Errorf("%s not registered at DAS: %+v", d.Number, r)
			}
		}
	}
	if f := w.Log.Faulty(); len(f) > 0 {
		t.Fatalf("contract broken while starting the demo world: %+v", f)
	}
}

func TestInvariantsCatchAnROIBDocumentInTheLibrary(t *testing.T) {
	ctx := t.Context()
	w := startTestWorld(t, Config{})
	if got := w.CheckInvariants(ctx); len(got) != 0 {
		t.Fatalf("a fresh world breaks invariants: %v", got)
	}
	d := w.PCT.Documents()[0]
	if err := w.Storage.Put(ctx, w.Storage.Library(), "smuggled", bytes.NewReader(d.Content), int64(len(d.Content)), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	got := w.CheckInvariants(ctx)
	if len(got) != 1 || !strings.Contains(got[0], d.Number) || !strings.Contains(got[0], "never stored in the library") {
		t.Fatalf("invariants = %v, want the RO/IB document named", got)
	}
}

// Config.TrustedRoots reaches the clients the world makes (DAS's calls to
// an office under test): a target with a certificate of its own CA.
func TestWorldTrustsTheTargetsOwnCA(t *testing.T) {
	ctx := t.Context()
	w0 := startTestWorld(t, Config{})
	// w0's CA plays the office's own CA; its DAS listener the office.
	target := w0.DASURL() + "/retrieval/statuses"

	w, err := Start(ctx, Config{SigningKey: testSigningKey(t), TrustedRoots: w0.CA.CertPEM})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	res, err := w.HTTPClient().Get(target)
	if err != nil {
		t.Fatalf("the world does not trust the target's CA: %v", err)
	}
	res.Body.Close()

	if _, err := Start(ctx, Config{SigningKey: testSigningKey(t), TrustedRoots: []byte("garbage")}); err == nil {
		t.Fatal("a trusted-roots file without a certificate was accepted")
	}
}
