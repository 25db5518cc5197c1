package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestVersionNamesModuleRevisionAndContract(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}} {
		var out, errOut bytes.Buffer
		if code := dispatch(context.Background(), args, &out, &errOut); code != 0 {
			t.Fatalf("dasim %v exited %d: %s", args, code, errOut.String())
		}
		for _, want := range []string{"dasim " + Version, "module   github.com/wipo-das/dasim", "revision ", "contract das.yaml sha256 "} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("dasim %v lacks %q:\n%s", args, want, out.String())
			}
		}
	}
}

func TestMissingRequiredFlagsAreNamedOneByOne(t *testing.T) {
	var out, errOut bytes.Buffer
	code := dispatch(context.Background(), []string{"certify", "--role", "off", "--office", "EE"}, &out, &errOut)
	if code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	for _, flag := range []string{"--target", "--client-id", "--cert", "--documents"} {
		if !strings.Contains(errOut.String(), "dasim certify: missing "+flag+": ") {
			t.Errorf("stderr does not name %s:\n%s", flag, errOut.String())
		}
	}
	if strings.Contains(errOut.String(), "missing --office") {
		t.Errorf("--office was given:\n%s", errOut.String())
	}
}

func TestFlagsAfterArgumentsAndAfterDoubleDash(t *testing.T) {
	fs := newFlagSet("t", &bytes.Buffer{})
	cert := fs.String("cert", "", "")
	v := fs.Bool("v", false, "")
	if err := parseFlags(fs, []string{"DIR", "--cert", "C", "OTHER", "-v", "--", "--not-a-flag"}); err != nil {
		t.Fatal(err)
	}
	if *cert != "C" || !*v || strings.Join(fs.Args(), " ") != "DIR OTHER --not-a-flag" {
		t.Fatalf("cert %q v %v args %q", *cert, *v, fs.Args())
	}
}

func TestTLSFailureNamesTheFlagThatFixesIt(t *testing.T) {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	if code := dispatch(context.Background(), []string{"keygen", "--dir", dir}, &out, &errOut); code != 0 {
		t.Fatal(errOut.String())
	}
	code := dispatch(context.Background(), []string{"token", "--issuer", srv.URL + "/am/oauth2", "--client-id", "x",
		"--key", filepath.Join(dir, "es256_private.pem")}, &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "certificate is not trusted: give the CA that issued it with --ca") {
		t.Fatalf("exit %d:\n%s", code, errOut.String())
	}
}

// A label filter that selects nothing must fail: a typo would otherwise
// turn CI green. The suite runs once per process, so this runs the binary.
func TestLabelFilterSelectingNothingFailsAndListsTheLabels(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary: skipped with -short")
	}
	cmd := exec.Command(dasimBinary(t), "run", "--label-filter", "flow:nosuch", "--report-dir", filepath.Join(t.TempDir(), "r"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v", err)
	}
	for _, want := range []string{`no scenario matches --label-filter "flow:nosuch"`, "flow:c1-notification", "role:token-client", "Conformance"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
}
