package main

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumBinary is Debian's chromium (.ci/run installs it).
func chromiumBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("drives headless Chromium: skipped with -short")
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("DASIM_REQUIRE_CHROMIUM") != "" { // .ci/run: a browser test that skips proves nothing
		t.Fatal("DASIM_REQUIRE_CHROMIUM is set but no chromium binary is on PATH")
	}
	t.Skip("no chromium binary on PATH (Debian package chromium; .ci/run installs it)")
	return ""
}

// newBrowser starts headless Chromium with a fresh profile, trusting only
// the certificates whose public keys are pinned (the world's listeners
// present certificates of a CA Chromium does not know).
func newBrowser(t *testing.T, pins ...string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumBinary(t)), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1500, 1000),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true), chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
	}
	if len(pins) > 0 {
		opts = append(opts, chromedp.Flag("ignore-certificate-errors-spki-list", strings.Join(pins, ",")))
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// spkiPin is the base64 SHA-256 of the public key a TLS server at addr
// presents, as Chromium's --ignore-certificate-errors-spki-list wants it.
func spkiPin(t *testing.T, addr string) string {
	t.Helper()
	conn, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // reading the key to pin, not trusting
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	sum := sha256.Sum256(conn.ConnectionState().PeerCertificates[0].RawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// screenshot keeps a full-page PNG (quality 100: PNG, not JPEG) in the test's artifact directory
// (go test -artifacts -outputdir DIR keeps it; .ci/run does).
func screenshot(ctx context.Context, t *testing.T, name string) string {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(t.ArtifactDir(), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	return path
}

// walkthroughSteps are the README walkthrough's steps 1 to 5, run against a
// world already serving in D: everything after the world is up, before it
// is stopped.
func walkthroughSteps(t *testing.T) string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(readme), "<!-- walkthrough:begin -->")
	block, _, _ := strings.Cut(rest, "<!-- walkthrough:end -->")
	start := strings.Index(block, `E="$D/endpoints.json"`)
	end := strings.Index(block, "kill %1")
	if start < 0 || end < start {
		t.Fatal("README walkthrough: no steps between the endpoints line and kill %1")
	}
	return block[start:end]
}

// waitFor polls a JavaScript condition in the page until it holds or the
// wait ends; the console is a live page in another process, so this is
// real time.
func waitFor(ctx context.Context, t *testing.T, what, js string, wait time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	for {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err == nil && ok {
			return
		}
		select {
		case <-ctx.Done():
			page := context.WithoutCancel(ctx)
			status, _ := chromedp.Run(page, chromedp.Evaluate[string](`document.getElementById("status").textContent`))
			body, _ := chromedp.Run(page, chromedp.Evaluate[string](`document.querySelector("#calls tbody").innerText.slice(0, 2000)`))
			t.Fatalf("the console does not show %s within %v (status %q); its rows:\n%s", what, wait, status, body)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// TestConsoleShowsTheWalkthroughLiveInChromium loads the live console of a
// running dasim serve, runs the README walkthrough, sees its calls appear,
// filters by office, opens the sequence diagram of the retrieval, and keeps
// a screenshot. It fails when the console does not show a new exchange.
func TestConsoleShowsTheWalkthroughLiveInChromium(t *testing.T) {
	chromiumBinary(t)
	for _, tool := range []string{"bash", "jq", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the walkthrough needs %s (.ci/run installs it)", tool)
		}
	}
	bin := dasimBinary(t)
	dir := t.TempDir()
	if err := os.Symlink(bin, filepath.Join(dir, "dasim")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var ep struct {
		Admin     string `json:"admin"`
		TokenFile string `json:"admin_token_file"`
	}
	startServe(ctx, t, bin, dir, &ep, "-v")
	token, err := os.ReadFile(ep.TokenFile)
	if err != nil {
		t.Fatal(err)
	}
	browser := newBrowser(t, spkiPin(t, strings.TrimPrefix(ep.Admin, "https://")))
	if err := chromedp.Do(browser, chromedp.Navigate(ep.Admin+"/#token="+strings.TrimSpace(string(token)))); err != nil {
		t.Fatal(err)
	}
	waitFor(browser, t, "its live stream", `document.getElementById("status").textContent.startsWith("live")`, 20*time.Second)
	before, err := chromedp.Run(browser, chromedp.Evaluate[int](`document.querySelectorAll("#calls tbody tr").length`))
	if err != nil {
		t.Fatal(err)
	}

	steps := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", walkthroughSteps(t))
	steps.Dir, steps.Env = dir, append(os.Environ(), "D="+dir)
	if out, err := steps.CombinedOutput(); err != nil || !strings.Contains(string(out), "%PDF-") {
		t.Fatalf("walkthrough steps: %v\n%s", err, out)
	}
	// Rows are prepended as calls arrive: the walkthrough's retrieval,
	// status, download URL, delete and the refused download after it.
	rowsWith := func(text string) string {
		return fmt.Sprintf(`[...document.querySelectorAll("#calls tbody tr")].some(r => r.innerText.includes(%q))`, text)
	}
	for _, op := range []string{"requestRetrieval", "getRetrievalStatuses", "getFileDownloadUrl", "deleteFile"} {
		waitFor(browser, t, "the walkthrough's "+op, rowsWith(op), 15*time.Second)
	}
	waitFor(browser, t, "new exchanges", fmt.Sprintf(`document.querySelectorAll("#calls tbody tr").length > %d`, before+5), 5*time.Second)
	waitFor(browser, t, "the refused download after the delete", rowsWith("410"), 5*time.Second)

	// Filter by office JP, the walkthrough's OSF: DAS's notification to it
	// and its download at the object store stay, the rest is hidden.
	if _, err := chromedp.Run(browser, chromedp.Evaluate[bool](selectOffice("JP"))); err != nil {
		t.Fatal(err)
	}
	waitFor(browser, t, "only office JP's calls after filtering", `(() => {
		const rows = [...document.querySelectorAll("#calls tbody tr")];
		const shown = rows.filter(r => !r.hidden);
		return shown.length > 0 && shown.length < rows.length && shown.every(r => r.innerText.includes("office JP"));
	})()`, 5*time.Second)

	// Open the sequence diagram of the walkthrough's retrieval.
	if _, err := chromedp.Run(browser, chromedp.Evaluate[bool](selectOffice("")+`;
		[...document.querySelectorAll("#calls tbody tr")].find(r => r.innerText.includes("requestRetrieval")).querySelector("button.ack").click(); true`)); err != nil {
		t.Fatal(err)
	}
	waitFor(browser, t, "the sequence diagram", `(() => { const i = document.getElementById("diagram"); return i.complete && i.naturalWidth > 300; })()`, 10*time.Second)
	screenshot(browser, t, "console-walkthrough.png")
}

// selectOffice is the script that picks office in the console's office
// filter, as a user would (the change event applies it).
func selectOffice(office string) string {
	return fmt.Sprintf(`(() => { const s = document.getElementById("f-office"); s.value = %q; s.dispatchEvent(new Event("change")); return true; })()`, office)
}

// TestFailingOFFReportInChromium renders the certification report of an
// OFF with a deliberate defect (a wrong checksum) and keeps a screenshot.
func TestFailingOFFReportInChromium(t *testing.T) {
	chromiumBinary(t)
	bin := dasimBinary(t)
	idDir, docs := ownOffice(t, bin)
	res := certifyOwnOffice(t, bin, idDir, docs, selfTestSetup{defect: "wrong-checksum"})
	if res.err != nil {
		t.Fatalf("%v\n%s", res.err, res.logs)
	}
	code, reportDir := res.code, res.reportDir
	if code != 1 {
		t.Fatalf("certify of a defective office exited %d, want 1", code)
	}
	browser := newBrowser(t)
	if err := chromedp.Do(browser, chromedp.Navigate("file://"+filepath.Join(reportDir, "report.html"))); err != nil {
		t.Fatal(err)
	}
	verdict, err := chromedp.Run(browser, chromedp.Evaluate[string](`document.querySelector(".banner").textContent`))
	if err != nil {
		t.Fatal(err)
	}
	diagrams, err := chromedp.Run(browser, chromedp.Evaluate[int](`document.querySelectorAll("svg.sequence").length`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(verdict, "NOT CERTIFIED: ") || !strings.Contains(verdict, "c.2") || diagrams == 0 {
		t.Fatalf("report shows %q with %d sequence diagrams", verdict, diagrams)
	}
	screenshot(browser, t, "failing-off-report.png")
}
