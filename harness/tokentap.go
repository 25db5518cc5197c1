package harness

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/clock"
)

// TokenRequest is one request of a client under test at the world's token
// endpoint, with the authorization server's answer: what certification
// quotes when it refuses the client (RFC 6749 section 5.2 error, the check
// id and description of the private_key_jwt check that failed).
type TokenRequest struct {
	At          time.Time
	Status      int
	Error       string // RFC 6749 section 5.2 error code, on a refusal
	Description string
	CheckID     string
	Scope       string        // the scope requested
	ExpiresIn   time.Duration // of a granted token
	Assertion   string        // what the assertion claims (alg, iss, sub, exp), never the assertion
}

// maxTokenRequests bounds what the tap keeps: a client that loops on its
// token request fails at its first refusal, long before this.
const maxTokenRequests = 10000

// tokenTap records the token requests of a client under test. While nobody
// is observed it records nothing, so a long `dasim serve` does not grow.
// A request is the system's when its client id (form client_id, assertion
// iss or sub) is none of the simulated parties': a garbled assertion that
// names nobody is the system's too.
type tokenTap struct {
	clock    clock.Clock
	endpoint string // the token endpoint's URL; its path is tapped
	mu       sync.Mutex
	party    string              // names the system in exchange labels; "" = off
	known    map[string]struct{} // client ids of the simulated parties
	reqs     []TokenRequest
}

func (t *tokenTap) start(party string, simulated []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.party, t.known = party, map[string]struct{}{}
	for _, id := range simulated {
		t.known[id] = struct{}{}
	}
}

func (t *tokenTap) requests() []TokenRequest {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.reqs)
}

func (t *tokenTap) wrap(next http.Handler) http.Handler {
	path := ""
	if u, err := url.Parse(t.endpoint); err == nil {
		path = u.Path
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.mu.Lock()
		party := t.party
		t.mu.Unlock()
		if party == "" || r.Method != http.MethodPost || r.URL.Path != path {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		claims := assertionSummary(form.Get("client_assertion"))
		if t.simulated(form.Get("client_id"), claims) {
			next.ServeHTTP(w, r)
			return
		}
		r = r.WithContext(openapi.WithLabels(r.Context(), openapi.Labels{Peer: party}))
		cw := &capturingWriter{ResponseWriter: w, status: http.StatusOK, limit: 16 << 10}
		next.ServeHTTP(cw, r)
		tr := TokenRequest{At: t.clock.Now(), Status: cw.status, Scope: form.Get("scope"), Assertion: claims.String()}
		var answer struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
			CheckID     string `json:"check_id"`
			ExpiresIn   int64  `json:"expires_in"`
		}
		_ = json.Unmarshal(cw.body.Bytes(), &answer)
		tr.Error, tr.Description, tr.CheckID = answer.Error, answer.Description, answer.CheckID
		tr.ExpiresIn = time.Duration(answer.ExpiresIn) * time.Second
		t.mu.Lock()
		if len(t.reqs) < maxTokenRequests {
			t.reqs = append(t.reqs, tr)
		}
		t.mu.Unlock()
	})
}

func (t *tokenTap) simulated(clientID string, c assertionClaims) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, id := range []string{clientID, c.Iss, c.Sub} {
		if _, ok := t.known[id]; ok && id != "" {
			return true
		}
	}
	return false
}

// assertionClaims is what a client assertion says, read without verifying
// it (the authorization server verifies; the tap only attributes).
type assertionClaims struct {
	Alg, Iss, Sub string
	Exp           json.Number
}

func assertionSummary(assertion string) assertionClaims {
	var c assertionClaims
	msg, err := jws.Parse([]byte(assertion))
	if err != nil || len(msg.Signatures()) == 0 {
		return c
	}
	if alg, ok := msg.Signatures()[0].ProtectedHeaders().Algorithm(); ok {
		c.Alg = alg.String()
	}
	var p struct {
		Iss any         `json:"iss"`
		Sub any         `json:"sub"`
		Exp json.Number `json:"exp"`
	}
	d := json.NewDecoder(bytes.NewReader(msg.Payload()))
	d.UseNumber()
	if d.Decode(&p) == nil {
		c.Iss, _ = p.Iss.(string)
		c.Sub, _ = p.Sub.(string)
		c.Exp = p.Exp
	}
	return c
}

func (c assertionClaims) String() string {
	if c.Alg == "" {
		return "an assertion that is not a JWS"
	}
	return "alg " + c.Alg + ", iss '" + c.Iss + "', sub '" + c.Sub + "', exp " + c.Exp.String()
}

// capturingWriter passes a response through and keeps its status and the
// first limit bytes of its body.
type capturingWriter struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
	limit       int
	body        bytes.Buffer
}

func (c *capturingWriter) WriteHeader(status int) {
	if !c.wroteHeader {
		c.status, c.wroteHeader = status, true
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *capturingWriter) Write(b []byte) (int, error) {
	c.wroteHeader = true
	if room := c.limit - c.body.Len(); room > 0 {
		c.body.Write(b[:min(room, len(b))])
	}
	return c.ResponseWriter.Write(b)
}
