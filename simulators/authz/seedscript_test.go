package authz

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/tlsca"
)

// seedTools are what WIPO's two scripts call.
var seedTools = []string{"bash", "openssl", "jq", "xxd", "curl", "base64", "sed", "tr", "expr", "date"}

// TestSeedScripts runs WIPO's keygen and authentication scripts unchanged
// (only ISSUER points at the simulator, served over HTTPS by a tlsca
// certificate; the scripts use curl -k) against a server on the machine's
// clock, since the script stamps exp with date. Each run must get a token
// when its signature is 64 bytes, and otherwise an N33 explanation of the
// dropped leading zero. DASIM_SEED_RUNS sets the number of runs (default
// 16; about 1 run in 64 hits a short R or S, so 400 runs show both outcomes
// with probability 0.998). The short case itself is also constructed in
// TestTokenEndpointRefusesEveryCheckWithItsID (N33 rows).
func TestSeedScripts(t *testing.T) {
	for _, tool := range seedTools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("seed scripts need %s (and %s): %v", tool, strings.Join(seedTools, ", "), err)
		}
	}
	runs := 16
	if n, err := strconv.Atoi(os.Getenv("DASIM_SEED_RUNS")); err == nil && n > 0 {
		runs = n
	}
	dir := t.TempDir()
	script := func(name string, body []byte) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, body, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	keygen, _ := os.ReadFile("testdata/keygen.sh")
	script("keygen.sh", keygen)
	if out, err := runIn(dir, "keygen.sh"); err != nil {
		t.Fatalf("keygen.sh: %v\n%s", err, out)
	}
	cert, err := os.ReadFile(filepath.Join(dir, "es256_cert.pem"))
	if err != nil {
		t.Fatal(err)
	}

	clk := clock.System()
	ca, err := tlsca.New(rand.Reader, clk.Now(), "seed test CA")
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(nil)
	if hs.TLS, err = ca.ServerConfig(); err != nil {
		t.Fatal(err)
	}
	testKeys(t)
	srv, err := New(Config{BaseURL: "https://" + hs.Listener.Addr().String(), Clock: clk}, WithSigningKey(sharedRSA))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Register(Client{ID: "das-api-auth", KeysPEM: cert}); err != nil {
		t.Fatalf("the keygen script's certificate does not register: %v", err)
	}
	hs.Config.Handler = srv.Handler()
	hs.StartTLS()
	defer hs.Close()

	auth, _ := os.ReadFile("testdata/authenticate.sh")
	issuerLine := regexp.MustCompile(`(?m)^ISSUER=.*$`)
	if !issuerLine.Match(auth) {
		t.Fatal("authenticate.sh has no ISSUER= line")
	}
	script("authenticate.sh", issuerLine.ReplaceAll(auth, []byte(`ISSUER="`+srv.Issuer()+`"`)))

	tokens, short := 0, 0
	for i := 0; i < runs; i++ {
		out, err := runIn(dir, "authenticate.sh")
		if err != nil {
			t.Fatalf("run %d: %v\n%s", i, err, out)
		}
		var body map[string]any
		if err := json.Unmarshal(out, &body); err != nil {
			t.Fatalf("run %d: output is not JSON: %s", i, out)
		}
		if tok, _ := body["access_token"].(string); tok != "" {
			tokens++
			if body["token_type"] != "Bearer" || body["scope"] != ScopeDASAccess {
				t.Errorf("run %d: %v", i, body)
			}
			continue
		}
		desc, _ := body["error_description"].(string)
		// The only acceptable refusal: the script's R||S conversion lost a
		// leading zero, explained as such.
		if body["check_id"] != "N33" || !strings.Contains(desc, "lost its leading zero byte") || !strings.Contains(desc, "it verifies") {
			t.Fatalf("run %d: refused for another reason: %s", i, out)
		}
		short++
		t.Logf("run %d: %s", i, desc)
	}
	t.Logf("%d runs: %d tokens (64-byte signatures), %d explained N33 refusals", runs, tokens, short)
	if tokens == 0 {
		t.Fatal("no run got a token")
	}
}

func runIn(dir, name string) ([]byte, error) {
	cmd := exec.Command("bash", name)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return append(out, stderr.Bytes()...), err
	}
	return out, nil
}
