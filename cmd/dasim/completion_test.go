package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func completionScript(t *testing.T, shell string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := dispatch(context.Background(), []string{"completion", shell}, &out, &errOut); code != 0 {
		t.Fatalf("dasim completion %s exited %d: %s", shell, code, errOut.String())
	}
	return out.String()
}

// TestBashCompletionCompletesCommandsFlagsAndValues runs the script in
// bash as completion does: COMP_WORDS and COMP_CWORD set, _dasim called.
func TestBashCompletionCompletesCommandsFlagsAndValues(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	script := filepath.Join(t.TempDir(), "dasim.bash")
	if err := os.WriteFile(script, []byte(completionScript(t, "bash")), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ words, want string }{
		{"dasim ver", "version verify-report"},
		{"dasim run --lab", "--label-filter"},
		{"dasim run --label-filter flow:c", "flow:c1-notification flow:c1-polling flow:corrections flow:content-replacement flow:c2 flow:c3"},
		{"dasim certify --role o", "off osf"},
		{"dasim certify --no", "--notify"}, // a flag of certify --role osf
		{"dasim serve --clock v", "virtual"},
		{"dasim completion z", "zsh"},
	} {
		words := strings.Fields(c.words)
		cmd := exec.Command("bash", "-c", `source "$1"; COMP_WORDS=(${@:2}); COMP_CWORD=$(( $# - 2 )); _dasim; echo "${COMPREPLY[*]}"`,
			"bash", script)
		cmd.Args = append(cmd.Args, words...)
		out, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != c.want {
			t.Errorf("%q completes to %q (%v), want %q", c.words, strings.TrimSpace(string(out)), err, c.want)
		}
	}
}

func TestZshCompletionIsValidZshForEveryCommand(t *testing.T) {
	script := completionScript(t, "zsh")
	if !strings.HasPrefix(script, "#compdef dasim\n") {
		t.Fatalf("not a zsh completion function:\n%.200s", script)
	}
	for _, c := range commands() {
		if !strings.Contains(script, "'"+c.name+":") {
			t.Errorf("zsh completion lacks command %s", c.name)
		}
	}
	if !strings.Contains(script, `'--role[`) || !strings.Contains(script, `flow\:c2`) {
		t.Error("zsh completion lacks --role or the label values")
	}
	if _, err := exec.LookPath("zsh"); err != nil {
		t.Skip("no zsh to parse the script (.ci/run installs it)")
	}
	path := filepath.Join(t.TempDir(), "_dasim")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("zsh", "-n", path).CombinedOutput(); err != nil {
		t.Fatalf("zsh -n: %v\n%s", err, out)
	}
}
