package authz

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/wipo-das/dasim/simulators/clientauth"
	"github.com/wipo-das/dasim/simulators/clock"
)

var epoch = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

var (
	sharedOnce sync.Once
	sharedRSA  *rsa.PrivateKey // signs access tokens in every test server
	clientRSA  *rsa.PrivateKey // the PS256 client's key
)

func testKeys(t testing.TB) {
	sharedOnce.Do(func() {
		var err error
		if sharedRSA, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			t.Fatal(err)
		}
		if clientRSA, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			t.Fatal(err)
		}
	})
}

// world is an authorization server on a loopback httptest listener with the
// clients the check table needs.
type world struct {
	t      testing.TB
	srv    *Server
	http   *httptest.Server
	clock  *clock.Virtual
	keyA   *ecdsa.PrivateKey // das-api-auth (the seeds' client id)
	keyB   *ecdsa.PrivateKey // office-b
	keyM   *ecdsa.PrivateKey // multi: EC + RSA keys
	multi  *registered
	client *http.Client
}

const clientA = "das-api-auth"

func newWorld(t testing.TB, p Profile) *world {
	t.Helper()
	testKeys(t)
	w := &world{t: t, clock: clock.NewVirtual(epoch)}
	w.http = httptest.NewUnstartedServer(nil)
	cfg := Config{BaseURL: "http://" + w.http.Listener.Addr().String(), Profile: p, Clock: w.clock}
	var err error
	if w.srv, err = New(cfg, WithSigningKey(sharedRSA)); err != nil {
		t.Fatal(err)
	}
	w.http.Config.Handler = w.srv.Handler()
	w.http.Start()
	t.Cleanup(w.http.Close)
	w.client = w.http.Client()
	w.keyA, w.keyB, w.keyM = ecKey(t), ecKey(t), ecKey(t)
	w.register(Client{ID: clientA, KeysPEM: certPEM(t, w.keyA)})
	w.register(Client{ID: "office-b", KeysPEM: certPEM(t, w.keyB)})
	w.register(Client{ID: "multi", KeysPEM: append(certPEM(t, w.keyM), pubPEM(t, &clientRSA.PublicKey)...)})
	w.multi = w.srv.clients.get("multi")
	w.register(Client{ID: "rsa-client", KeysPEM: pubPEM(t, &clientRSA.PublicKey)})
	w.register(Client{ID: "secret-client", KeysPEM: certPEM(t, ecKey(t)), AuthMethod: "client_secret_basic"})
	w.register(Client{ID: "no-cc", KeysPEM: certPEM(t, w.keyB), GrantTypes: []string{"authorization_code"}})
	w.register(Client{ID: "narrow", KeysPEM: certPEM(t, w.keyB), Scopes: []string{ScopeDASAccess}})
	return w
}

func (w *world) register(c Client) {
	if err := w.srv.Register(c); err != nil {
		w.t.Fatal(err)
	}
}

func ecKey(t testing.TB) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func certPEM(t testing.TB, k *ecdsa.PrivateKey) []byte {
	files, err := generateFilesFor(k)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// generateFilesFor makes the seeds' self-signed certificate for k.
func generateFilesFor(k *ecdsa.PrivateKey) ([]byte, error) {
	tmpl := &x509.Certificate{SerialNumber: bigOne(), NotBefore: epoch, NotAfter: epoch.Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

func pubPEM(t testing.TB, pub crypto.PublicKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// claims returns the seeds' claims for client id: iss, sub, aud = token
// endpoint (issuer under fapi), exp = now + 10 s.
func (w *world) claims(id string) map[string]any {
	aud := w.srv.TokenEndpoint()
	if w.srv.cfg.Profile == ProfileFAPI {
		aud = w.srv.Issuer()
	}
	m := map[string]any{"iss": id, "sub": id, "aud": aud, "exp": w.clock.Now().Unix() + 10}
	if w.srv.cfg.Profile == ProfileFAPI {
		m["jti"] = randomJTI(w.t)
		m["iat"] = w.clock.Now().Unix()
	}
	return m
}

func randomJTI(t testing.TB) string {
	j, err := clientauth.NewJTI(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func mustJSON(t testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sign signs payload with jwx under the protected header members of hdr
// (alg taken from hdr, default ES256).
func sign(t testing.TB, key any, hdr map[string]any, payload []byte) string {
	t.Helper()
	h := jws.NewHeaders()
	alg := jwa.ES256()
	for k, v := range hdr {
		if k == "alg" {
			a, ok := jwa.LookupSignatureAlgorithm(v.(string))
			if !ok {
				t.Fatalf("alg %v", v)
			}
			alg = a
			continue
		}
		if err := h.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	out, err := jws.Sign(payload, jws.WithKey(alg, key, jws.WithProtectedHeaders(h)))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// unsigned builds header.payload.signature from raw JSON with a 64-byte
// placeholder signature, for cases refused before the signature is checked.
func unsigned(header, payload string) string {
	return b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString([]byte(payload)) + "." +
		b64.EncodeToString([]byte(strings.Repeat("\x01", 64)))
}

// seedsAssertion is a valid assertion of client A, header {"alg":"ES256","typ":"JWT"}.
func (w *world) seedsAssertion() string {
	return sign(w.t, w.keyA, map[string]any{"typ": "JWT"}, mustJSON(w.t, w.claims(clientA)))
}

// form is an ordered token request form; add keeps repeats.
type form [][2]string

func (w *world) form(assertion string) form {
	return form{{"grant_type", "client_credentials"}, {"scope", ScopeDASAccess},
		{"client_assertion_type", AssertionType}, {"client_assertion", assertion}}
}

func (f form) set(k, v string) form {
	out := form{}
	done := false
	for _, kv := range f {
		if kv[0] == k {
			if !done {
				out = append(out, [2]string{k, v})
			}
			done = true
			continue
		}
		out = append(out, kv)
	}
	if !done {
		out = append(out, [2]string{k, v})
	}
	return out
}

func (f form) del(k string) form {
	out := form{}
	for _, kv := range f {
		if kv[0] != k {
			out = append(out, kv)
		}
	}
	return out
}

func (f form) encode() string {
	var parts []string
	for _, kv := range f {
		parts = append(parts, url.QueryEscape(kv[0])+"="+url.QueryEscape(kv[1]))
	}
	return strings.Join(parts, "&")
}

func (w *world) post(f form) *http.Request {
	r, err := http.NewRequest(http.MethodPost, w.srv.TokenEndpoint(), strings.NewReader(f.encode()))
	if err != nil {
		w.t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

type result struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func (w *world) do(r *http.Request) result {
	w.t.Helper()
	res, err := w.client.Do(r)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	out := result{status: res.StatusCode, header: res.Header, raw: string(b)}
	_ = json.Unmarshal(b, &out.body)
	return out
}

func bigOne() *big.Int { return big.NewInt(1) }
