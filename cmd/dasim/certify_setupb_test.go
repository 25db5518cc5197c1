package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wipo-das/dasim/scenarios"
)

// oidcProviderDir is where .ci/run installs node oidc-provider (pinned in
// testdata/oidc-provider/package.json); DASIM_OIDC_PROVIDER_DIR overrides.
func oidcProviderDir() string {
	if d := os.Getenv("DASIM_OIDC_PROVIDER_DIR"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "dasim-oidc-provider")
}

// Setup B end to end against a standard, certified authorization server:
// the toolkit's office authenticates DAS with tokens of its own
// authorization server, node oidc-provider (OpenID Certified), where DAS is
// registered from its certificate; certify --role off --setup B passes with
// no required check skipped. It needs node and oidc-provider (.ci/run
// installs both); without them it is skipped, saying so.
func TestCertifyRoleOffSetupBWithOIDCProvider(t *testing.T) {
	if testing.Short() {
		t.Skip("runs dasim certify, dasim office and node oidc-provider")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed (.ci/run installs node and oidc-provider)")
	}
	dir := oidcProviderDir()
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "oidc-provider", "package.json")); err != nil {
		t.Skipf("oidc-provider is not installed in %s: cp testdata/oidc-provider/package.json there and run npm install (.ci/run does)", dir)
	}
	script, err := os.ReadFile(filepath.Join("testdata", "oidc-provider", "server.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	// Node resolves the package from the script's folder.
	serverFile := filepath.Join(dir, fmt.Sprintf("server-%d.mjs", os.Getpid()))
	if err := os.WriteFile(serverFile, script, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(serverFile) })
	asAddr, err := reservedAddr()
	if err != nil {
		t.Fatal(err)
	}
	issuer := "https://" + asAddr
	_, asPortText, _ := net.SplitHostPort(asAddr)
	asPort, _ := strconv.Atoi(asPortText)
	bin, idDir, docs := selfTestOffice(t)
	var asLog strings.Builder
	setup := selfTestSetup{
		certifyArgs: []string{"--setup", "B", "--issuer", issuer},
		officeArgs:  []string{"--setup", "B", "--issuer", issuer},
		beforeOffice: func(ctx context.Context, endpoints, officeAPI string) ([]string, func(), error) {
			stop, err := startOIDCProvider(ctx, node, serverFile, endpoints, officeAPI, asPort, &asLog)
			// oidc-provider writes the resource indicator, the office's API root, as aud.
			return []string{"--token-audience", officeAPI}, stop, err
		},
	}
	res := certifyOwnOffice(t, bin, idDir, docs, setup)
	if res.err != nil {
		t.Fatalf("%v\n%s\n--- oidc-provider ---\n%s", res.err, res.logs, asLog.String())
	}
	v := scenarios.Judge(res.run, "off")
	t.Logf("setup B with oidc-provider: exit %d, %s, %.0f s", res.code, v, res.seconds)
	if res.code != 0 || !v.OK() {
		t.Fatalf("setup B office: exit %d, %s\n%s\n--- oidc-provider ---\n%s", res.code, v, res.logs, asLog.String())
	}
}

// startOIDCProvider runs server.mjs with the world's TLS certificate for
// loopback and DAS's certificate, and waits until it serves.
func startOIDCProvider(ctx context.Context, node, server, endpoints, resource string, port int, log *strings.Builder) (func(), error) {
	b, err := os.ReadFile(endpoints)
	if err != nil {
		return nil, err
	}
	var ep struct {
		Cert    string `json:"target_tls_cert"`
		Key     string `json:"target_tls_key"`
		DASCert string `json:"das_cert_file"`
	}
	if err := json.Unmarshal(b, &ep); err != nil {
		return nil, err
	}
	out, err := os.CreateTemp("", "oidc-provider-*.log")
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, node, server)
	cmd.Dir = filepath.Dir(server)
	cmd.Env = append(os.Environ(), fmt.Sprintf("PORT=%d", port), "TLS_CERT="+ep.Cert, "TLS_KEY="+ep.Key,
		"DAS_CERT="+ep.DASCert, "DAS_CLIENT_ID=das-api-auth", "RESOURCE="+resource)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		out.Close()
		return nil, err
	}
	stop := func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		text, _ := os.ReadFile(out.Name())
		log.Write(text)
		out.Close()
		os.Remove(out.Name())
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if text, _ := os.ReadFile(out.Name()); strings.Contains(string(text), " ready") {
			return stop, nil
		}
	}
	stop()
	return nil, fmt.Errorf("oidc-provider did not start within 30 s:\n%s", log.String())
}
