package main

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/tlsca"
)

// osfSelfTestParallel is how many certifications run at once: each mostly
// waits (on retries, polling, the world's offices), so more than the cores.
const osfSelfTestParallel = 8

// osfCase is one certification of the self-test.
type osfCase struct {
	name     string
	defect   osfDefect // zero: a correct client
	notify   bool
	lifetime time.Duration // certify --token-lifetime
	result   osfCertification
	err      error
}

// TestOSFSelfTestCatchesEveryDefect certifies the toolkit's own OSF client
// (dasim osf-client, a process of its own) with every fault on: correct, it
// passes polling and with HTTPS notifications (its own CA, given as
// --notify-ca); with each deliberate defect it fails, its first failure
// naming the check the defect breaks. Every case is a separate certify
// process; they run side by side, each ending as soon as it is decided.
func TestOSFSelfTestCatchesEveryDefect(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs processes: skipped with -short")
	}
	dir := t.TempDir()
	bin := dasimBinary(t)
	if out, err := exec.Command(bin, "keygen", "--dir", dir).CombinedOutput(); err != nil {
		t.Fatalf("keygen: %v\n%s", err, out)
	}
	tlsFiles := notifyTLSFiles(t, dir)
	cases := []*osfCase{{name: "correct client, polling"}, {name: "correct client, HTTPS notifications", notify: true},
		{name: "correct client, 3s tokens", lifetime: 3 * time.Second}}
	correct := len(cases)
	for _, d := range osfDefects() {
		cases = append(cases, &osfCase{name: d.name, defect: d, notify: d.notify, lifetime: d.lifetime})
	}
	if len(cases)-correct < 25 {
		t.Fatalf("%d defects: the catalogue covers every obligation with at least 25", len(cases)-correct)
	}
	var wg sync.WaitGroup
	slots := make(chan struct{}, osfSelfTestParallel)
	for i, c := range cases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			args, client := osfSelfTestInvocation(c, bin, dir, tlsFiles)
			c.result, c.err = certifyOSFCase(bin, dir, fmt.Sprintf("case%02d", i), args, client)
		}()
	}
	wg.Wait()
	var table strings.Builder
	fmt.Fprintf(&table, "\n%-24s | exit | wall | first failure: check | party | step | operation | rule | expected | actual\n", "defect")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.err != nil {
				t.Fatalf("%v\n%s", c.err, c.result.log)
			}
			first := firstFailureLine(c.result.stdout)
			fmt.Fprintf(&table, "%-24s | %d | %4.1fs | %s\n", c.name, c.result.exit, c.result.wall.Seconds(), clipLine(first, 800))
			if c.defect.name == "" {
				if c.result.exit != 0 {
					t.Fatalf("a correct client failed (exit %d)\n%s", c.result.exit, c.result.log)
				}
				if c.lifetime > 0 {
					expectCheck(t, c.result.run, "T2 ", "passed", c.result.log)
				}
				return
			}
			if c.result.exit != 1 || !strings.HasPrefix(first, c.defect.check+" ") {
				t.Fatalf("defect %s (%s): exit %d, first failure %q; want exit 1 and %s first\n%s", c.defect.name,
					c.defect.summary, c.result.exit, first, c.defect.check, c.result.log)
			}
			if !strings.Contains(first, "| office SE (system under test) |") {
				t.Fatalf("the first failure should name the party: %s", first)
			}
		})
	}
	t.Log(table.String())
}

// osfSelfTestInvocation is the certify flags and the client command line of c.
func osfSelfTestInvocation(c *osfCase, bin, dir string, tlsFiles [3]string) ([]string, func(string) []string) {
	args := []string{"--idle", "5s"}
	clientArgs := []string{"--key", filepath.Join(dir, "es256_private.pem"), "--cert", filepath.Join(dir, "es256_cert.pem")}
	if c.lifetime > 0 {
		args = append(args, "--token-lifetime", c.lifetime.String())
	}
	if c.notify {
		addr := freeLoopbackAddr()
		args = append(args, "--notify", "https://"+addr+"/das/v1/requests", "--notify-ca", tlsFiles[0])
		clientArgs = append(clientArgs, "--listen", addr, "--tls-cert", tlsFiles[1], "--tls-key", tlsFiles[2])
	}
	if c.defect.name != "" {
		clientArgs = append(clientArgs, "--defect", c.defect.name)
	}
	return args, func(ep string) []string {
		return append([]string{bin, "osf-client", "--endpoints-file", ep}, clientArgs...)
	}
}

// notifyTLSFiles writes a CA of the OSF's own, and a certificate for
// 127.0.0.1 from it, as an office serving notifications over HTTPS has:
// [CA PEM, certificate PEM, key PEM].
func notifyTLSFiles(t *testing.T, dir string) [3]string {
	t.Helper()
	ca, err := tlsca.New(rand.Reader, clock.System().Now(), "SE office notifications CA")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	files := [3]string{filepath.Join(dir, "notify-ca.pem"), filepath.Join(dir, "notify-cert.pem"), filepath.Join(dir, "notify-key.pem")}
	for i, b := range [][]byte{ca.CertPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})} {
		if err := os.WriteFile(files[i], b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

func freeLoopbackAddr() string {
	addr, err := reservedAddr()
	if err != nil {
		return "127.0.0.1:0"
	}
	return addr
}

// firstFailureLine is what certify printed after "first failure: ".
func firstFailureLine(stdout string) string {
	for _, l := range strings.Split(stdout, "\n") {
		if f, ok := strings.CutPrefix(l, "first failure: "); ok {
			return f
		}
	}
	return ""
}

func clipLine(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
