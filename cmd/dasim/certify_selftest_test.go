package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wipo-das/dasim/reports"
	"github.com/wipo-das/dasim/scenarios"
)

// The acceptance self-test of certification (issue 10): the toolkit's own
// office, a separate process, certified as OFF by a separate dasim certify
// process over loopback HTTPS with real tokens and a trigger — clean it
// passes with no check skipped; with each deliberate defect the run exits 1
// and a failure names the office, the step, the operation, the rule,
// expected and actual, and the defect's obligation. The cases run
// selfTestParallel at a time; DASIM_DEFECTS=a,b limits them.
func TestCertifyRoleOffCatchesEachDefectOfTheToolkitsOwnOffice(t *testing.T) {
	if testing.Short() {
		t.Skip("builds dasim and runs two processes per defect (about two minutes)")
	}
	bin, idDir, docs := selfTestOffice(t)
	cases := selfTestCases(t)
	results := make([]selfTestResult, len(cases))
	var wg sync.WaitGroup
	slots := make(chan struct{}, selfTestParallel)
	for i, c := range cases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			results[i] = certifyOwnOffice(t, bin, idDir, docs, selfTestSetup{defect: c.defect, ownSetupB: c.setupB})
		}()
	}
	wg.Wait()
	var table []string
	for i, c := range cases {
		r := results[i]
		name := c.defect
		if name == "" {
			name = "clean"
		}
		t.Run(name, func(t *testing.T) {
			if r.err != nil {
				t.Fatalf("%v\n%s", r.err, r.logs)
			}
			if c.defect == "" {
				v := scenarios.Judge(r.run, "off")
				table = append(table, fmt.Sprintf("| clean | %d | %s | %.0f s |", r.code, v, r.seconds))
				if r.code != 0 || !v.OK() || v.Passed < 25 {
					t.Fatalf("clean office: exit %d, %s; want exit 0, every check passed, none skipped\n%s", r.code, v, r.logs)
				}
				return
			}
			f, ok := namingFailure(r.run, c.want)
			row := fmt.Sprintf("| %s | %d | %s | %s | %s | %s | %s | %s |", name, r.code, f.Party, f.Step, strings.TrimSpace(f.Operation+" "+f.Pointer), clipCell(f.Rule), clipCell(f.Expected), clipCell(f.Actual))
			table = append(table, row)
			if r.code != 1 || !ok {
				t.Fatalf("defect %s: exit %d; want exit 1 and a failure of office EE (system under test) with step, operation, rule, expected and actual, mentioning %q\n%s", name, r.code, c.want, r.logs)
			}
		})
	}
	t.Logf("self-test table (defect | exit | party | step | operation and pointer | rule | expected | actual):\n%s", strings.Join(table, "\n"))
}

// selfTestOffice builds dasim and gives the office under test an identity
// and its documents (ownOffice).
func selfTestOffice(t *testing.T) (bin, idDir, docs string) {
	t.Helper()
	bin = dasimBinary(t)
	idDir, docs = ownOffice(t, bin)
	return bin, idDir, docs
}

// ownOffice writes the identity (keygen) and the documents file of the
// toolkit's own office under test: one document per hosting.
func ownOffice(t *testing.T, bin string) (idDir, docs string) {
	t.Helper()
	dir := t.TempDir()
	idDir, docs = filepath.Join(dir, "id"), filepath.Join(dir, "documents.yaml")
	if out, err := exec.Command(bin, "keygen", "-dir", idDir).CombinedOutput(); err != nil {
		t.Fatalf("keygen: %v\n%s", err, out)
	}
	if err := os.WriteFile(docs, []byte(`documents:
  - {number: "EE P202300012", date: "2023-03-14", accessCode: "AB21", hosting: library, size: 65536}
  - {number: "EE P202300013", date: "2023-04-02", accessCode: "3F9A", hosting: home, size: 32768}
  - {number: "EE P202300014", date: "2023-06-20", accessCode: "D00D", hosting: transit, size: 1048576}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	return idDir, docs
}

// selfTestParallel is how many certifications run at once: each is two
// processes (built without the race detector) that mostly wait on each
// other.
const selfTestParallel = 16

// selfTestPatience is certify's --patience in the self-test: a defect that
// leaves DAS waiting makes each check wait this long.
const selfTestPatience = "6s"

type selfTestCase struct {
	defect string
	want   string // a fragment of the failure's operation, pointer, step, rule, expected or actual
	setupB bool   // the office authenticates DAS with its own authorization server
}

// selfTestCases are the clean office and every defect of dasim office, with
// what its failure must mention; a defect without an entry fails the test.
func selfTestCases(t *testing.T) []selfTestCase {
	want := map[string]string{
		"der-assertion": "check N32", "wrong-aud": "check N45", "no-notification": "the OFF notifies WIPO DAS",
		"wrong-checksum": "fileChecksum", "forward-500": "HTTP 500", "non-wipo-error": "not WIPO's error body",
		"missing-field": "/requestAckId", "expired-download-url": "fileDownloadUrlExpiryDate",
		"accept-no-token": "without an access token", "no-signature-check": "signature must be verified",
		"trust-embedded-key": "key outside it", "accept-alg-none": "alg none", "accept-hs256": "HS256",
		"accept-expired": "an expired token", "accept-not-yet-valid": "nbf", "accept-other-issuer": "issuer",
		"accept-no-scope": "office-exchange scope", "accept-other-client": "issued to DAS",
		"token-on-retrievals-only": "getFileDownloadUrl", "revealing-refusal": "reveals",
		"no-challenge": "not a Bearer challenge", "act-on-refused": "acted on a call it refused",
		"ignore-filing-date": "wrong filing date", "ignore-access-code": "wrong access code",
		"case-sensitive-code": "case-insensitively", "ignore-kind": "document kind",
		"first-mismatch-only": "both a wrong filing date", "unknown-document-404": "detail -7",
		"same-ack-id": "distinct ack ids", "notify-wrong-ack": "-32", "set-file-wrong-ack": "setRetrievalFile",
		"notify-without-date": "/documentAvailabilityDate", "second-download-differs": "the SHA-256 it announced",
		"wrong-size": "fileSizeQuantity", "wrong-announced-checksum": "fileChecksum",
		"unchecked-links": "altered download link", "slow-downloads": "timeout", "date-ddmmyyyy": "/documentDate",
		"uppercase-checksum": "/fileChecksum", "empty-upload": "-31", "upload-other-bytes": "the OFF declared",
		"correction-keeps-date": "correct the filing date", "replace-without-upload": "already used",
		"ignore-triggers": "the OFF makes that call to WIPO DAS", "ignore-withdrawal": "withdraw",
		"untrusted-tls": "unknown authority", "accept-wipo-tokens-in-b": "own authorization server",
	}
	only := map[string]bool{}
	for _, d := range strings.Split(os.Getenv("DASIM_DEFECTS"), ",") {
		if d != "" {
			only[d] = true
		}
	}
	cases := []selfTestCase{}
	if len(only) == 0 || only["clean"] {
		cases = append(cases, selfTestCase{})
	}
	for _, name := range defectNames() {
		w, ok := want[name]
		if !ok {
			t.Errorf("defect %s has no expected failure in the self-test", name)
			continue
		}
		if len(only) == 0 || only[name] {
			cases = append(cases, selfTestCase{defect: name, want: w, setupB: strings.HasSuffix(name, "-in-b")})
		}
	}
	return cases
}

// namingFailure is the first failure of run that names the office under
// test with every field and mentions want.
func namingFailure(run *reports.Run, want string) (reports.Failure, bool) {
	var first *reports.Failure
	for _, s := range run.Scenarios {
		if s.Failure == nil {
			continue
		}
		f := *s.Failure
		if first == nil {
			first = &f
		}
		complete := f.Party == "office EE (system under test)" && f.Step != "" && f.Operation != "" && f.Rule != "" && f.Expected != "" && f.Actual != ""
		text := strings.Join([]string{f.Operation, f.Pointer, f.Step, f.Rule, f.Expected, f.Actual}, " | ")
		if complete && strings.Contains(text, want) {
			return f, true
		}
	}
	if first != nil {
		return *first, false
	}
	return reports.Failure{}, false
}

func clipCell(s string) string {
	s = strings.ReplaceAll(s, "|", "/")
	if len(s) > 160 {
		return s[:160] + "..."
	}
	return s
}

// selfTestSetup is how one certification of the self-test runs: the
// office's defect, further flags of certify and of the office, and what to
// start once the world's endpoints file is written (an authorization
// server of the office's own), given the file and the office's API root;
// it returns further flags of the office.
type selfTestSetup struct {
	defect       string
	ownSetupB    bool // setup B with the authorization server dasim office serves itself
	certifyArgs  []string
	officeArgs   []string
	beforeOffice func(ctx context.Context, endpoints, officeAPI string) (officeArgs []string, stop func(), err error)
}

type selfTestResult struct {
	run       *reports.Run
	reportDir string
	code      int
	seconds   float64
	logs      string
	err       error
}

// certifyOwnOffice runs dasim certify --role off and dasim office [--defect]
// against each other and returns certify's report, exit code and wall time.
// It runs on its own goroutine: it reports problems in the result.
func certifyOwnOffice(t *testing.T, bin, idDir, docs string, setup selfTestSetup) (res selfTestResult) {
	dir, err := os.MkdirTemp("", "dasim-selftest-")
	if err != nil {
		return selfTestResult{err: err}
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	addr, err := reservedAddr() // the office process takes it
	if err != nil {
		return selfTestResult{err: err}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	endpoints := filepath.Join(dir, "endpoints.json")
	certifyLog, officeLog := filepath.Join(dir, "certify.log"), filepath.Join(dir, "office.log")
	defer func() {
		c, _ := os.ReadFile(certifyLog)
		o, _ := os.ReadFile(officeLog)
		res.logs = fmt.Sprintf("--- certify.log ---\n%s\n--- office.log ---\n%s", tail(c), tail(o))
	}()
	started := time.Now()
	certify := exec.CommandContext(ctx, bin, "certify", "--role", "off", "--target", "https://"+addr+"/das/v1/requests",
		"--office", "EE", "--client-id", "ee-sut", "--cert", filepath.Join(idDir, "es256_cert.pem"), "--documents", docs,
		"--endpoints-file", endpoints, "--report-dir", filepath.Join(dir, "report"), "--wait", "30s", "--patience", selfTestPatience,
		"--trigger-url", "https://"+addr+TriggerPath, "--trigger-wait", "10s", "--das-timeout", "3s")
	certify.Args = append(certify.Args, setup.certifyArgs...)
	if setup.ownSetupB {
		certify.Args = append(certify.Args, "--setup", "B", "--issuer", "https://"+addr+"/am/oauth2")
	}
	if err := startLogged(certify, certifyLog); err != nil {
		return selfTestResult{err: err}
	}
	if err := awaitFile(ctx, endpoints); err != nil {
		_ = certify.Process.Kill()
		_ = certify.Wait()
		return selfTestResult{err: err}
	}
	officeArgs := setup.officeArgs
	if setup.ownSetupB {
		officeArgs = append(officeArgs, "--setup", "B")
	}
	if setup.beforeOffice != nil {
		more, stop, err := setup.beforeOffice(ctx, endpoints, "https://"+addr+"/das/v1/requests")
		if err != nil {
			_ = certify.Process.Kill()
			_ = certify.Wait()
			return selfTestResult{err: err}
		}
		defer stop()
		officeArgs = append(officeArgs, more...)
	}
	args := []string{"office", "--endpoints-file", endpoints, "--code", "EE", "--listen", addr, "--client-id", "ee-sut",
		"--key", filepath.Join(idDir, "es256_private.pem"), "--cert", filepath.Join(idDir, "es256_cert.pem"), "--documents", docs}
	if setup.defect != "" {
		args = append(args, "--defect", setup.defect)
	}
	args = append(args, officeArgs...)
	off := exec.CommandContext(ctx, bin, args...)
	if err := startLogged(off, officeLog); err != nil {
		_ = certify.Process.Kill()
		_ = certify.Wait()
		return selfTestResult{err: err}
	}
	err = certify.Wait()
	res.seconds = time.Since(started).Seconds()
	_ = off.Process.Kill()
	_ = off.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		res.code = exit.ExitCode()
	} else if err != nil {
		res.err = err
		return res
	}
	res.reportDir = filepath.Join(dir, "report")
	if res.run, err = readRun(res.reportDir); err != nil {
		res.err = fmt.Errorf("certify exited %d without a report: %w", res.code, err)
	}
	return res
}

func startLogged(cmd *exec.Cmd, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = f, f
	defer f.Close() // the child has its own descriptor
	return cmd.Start()
}

// awaitFile waits until another process has written path.
func awaitFile(ctx context.Context, path string) error {
	for {
		if st, err := os.Stat(path); err == nil && st.Size() > 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s was not written: %w", path, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func tail(b []byte) []byte {
	if len(b) > 6000 {
		return b[len(b)-6000:]
	}
	return b
}

func logFile(t *testing.T, dir, name string) *os.File {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestEveryDefectIsDocumented keeps the README and docs/certify-off.md in
// step with the defects of dasim office.
func TestEveryDefectIsDocumented(t *testing.T) {
	for _, file := range []string{"../../README.md", "../../docs/certify-off.md"} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range defectNames() {
			if !strings.Contains(string(b), "`"+name+"`") {
				t.Errorf("%s does not list defect %s", file, name)
			}
		}
	}
}
