package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/wipo-das/dasim/scenarios"
)

// completionFlag is one flag of a command, as its flag set prints it.
type completionFlag struct {
	name, usage string
	takesValue  bool
}

// defaultsLine matches a flag line of flag.PrintDefaults: "  -name type".
var defaultsLine = regexp.MustCompile(`^  -(\S+)(?: (\S+))?\s*(.*)$`)

// commandFlags reads a command's flags from its own flag set (its -h), so
// the completion never drifts from the commands. certify's flags depend on
// --role: all three sets are merged.
func commandFlags(ctx context.Context, c command) []completionFlag {
	variants := [][]string{{"-h"}}
	if c.name == "certify" {
		variants = append(variants, []string{"--role", "osf", "-h"}, []string{"--role", "das", "-h"})
	}
	var out []completionFlag
	for _, args := range variants {
		var help bytes.Buffer
		_ = c.run(ctx, args, io.Discard, &help)
		lines := strings.Split(help.String(), "\n")
		for i, line := range lines {
			m := defaultsLine.FindStringSubmatch(line)
			if m == nil || slices.ContainsFunc(out, func(f completionFlag) bool { return f.name == m[1] }) {
				continue
			}
			f := completionFlag{name: m[1], takesValue: m[2] != "", usage: strings.TrimSpace(m[3])}
			if f.takesValue && i+1 < len(lines) {
				f.usage = strings.TrimSpace(lines[i+1])
			}
			out = append(out, f)
		}
	}
	return out
}

// valueWords are the words a flag's value may be, where there is a fixed set.
func valueWords(flag string) []string {
	switch flag {
	case "label-filter":
		var words []string
		for _, f := range scenarios.Flows {
			words = append(words, "flow:"+f)
		}
		for _, r := range scenarios.Roles {
			words = append(words, "role:"+r)
		}
		return append(words, scenarios.ConformanceLabel)
	case "role":
		return []string{"off", "osf", "das"}
	case "profile":
		return []string{"wipo", "fapi"}
	case "clock":
		return []string{"system", "virtual"}
	case "setup":
		return []string{"A", "B"}
	case "defect":
		return defectNames()
	}
	return nil
}

// runCompletion prints a completion script for bash or zsh.
func runCompletion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("completion", stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: dasim completion bash|zsh\n  bash: source <(dasim completion bash)   (or save it in /etc/bash_completion.d/dasim)\n  zsh:  dasim completion zsh > \"${fpath[1]}/_dasim\"   (then compinit)")
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || (fs.Arg(0) != "bash" && fs.Arg(0) != "zsh") {
		fs.Usage()
		return errUsage
	}
	cmds := commands()
	if fs.Arg(0) == "bash" {
		writeBashCompletion(ctx, stdout, cmds)
	} else {
		writeZshCompletion(ctx, stdout, cmds)
	}
	return nil
}

func writeBashCompletion(ctx context.Context, w io.Writer, cmds []command) {
	var names []string
	for _, c := range cmds {
		names = append(names, c.name)
	}
	fmt.Fprintf(w, "# bash completion for dasim (dasim completion bash)\n_dasim() {\n")
	fmt.Fprintf(w, "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\" opts=\"\"\n")
	fmt.Fprintf(w, "  if [ \"$COMP_CWORD\" -eq 1 ]; then\n    COMPREPLY=($(compgen -W %q -- \"$cur\"))\n    return\n  fi\n",
		strings.Join(append(names, "--version", "--help"), " "))
	fmt.Fprintf(w, "  case \"$prev\" in\n")
	for _, flag := range []string{"label-filter", "role", "profile", "clock", "setup", "defect"} {
		fmt.Fprintf(w, "    --%s|-%s) COMPREPLY=($(compgen -W %q -- \"$cur\")); return ;;\n", flag, flag, strings.Join(valueWords(flag), " "))
	}
	fmt.Fprintf(w, "  esac\n  case \"${COMP_WORDS[1]}\" in\n")
	for _, c := range cmds {
		if c.name == "completion" {
			continue
		}
		var flags []string
		for _, f := range commandFlags(ctx, c) {
			flags = append(flags, "--"+f.name)
		}
		fmt.Fprintf(w, "    %s) opts=%q ;;\n", c.name, strings.Join(flags, " "))
	}
	fmt.Fprintf(w, "    completion) COMPREPLY=($(compgen -W \"bash zsh\" -- \"$cur\")); return ;;\n  esac\n")
	fmt.Fprintf(w, "  if [[ \"$cur\" == -* ]]; then\n    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n  else\n    COMPREPLY=($(compgen -f -- \"$cur\"))\n  fi\n}\ncomplete -o filenames -F _dasim dasim\n")
}

func writeZshCompletion(ctx context.Context, w io.Writer, cmds []command) {
	fmt.Fprintf(w, "#compdef dasim\n# zsh completion for dasim (dasim completion zsh > \"${fpath[1]}/_dasim\")\n\n_dasim() {\n  local -a commands\n  commands=(\n")
	for _, c := range cmds {
		fmt.Fprintf(w, "    %s\n", zshQuote(c.name+":"+c.summary))
	}
	fmt.Fprintf(w, "  )\n  if (( CURRENT == 2 )); then\n    _describe 'dasim command' commands\n    return\n  fi\n  case $words[2] in\n")
	for _, c := range cmds {
		if c.name == "completion" {
			continue
		}
		fmt.Fprintf(w, "    %s)\n      _arguments", c.name)
		for _, f := range commandFlags(ctx, c) {
			spec := "--" + f.name + "[" + zshEscape(f.usage) + "]"
			if f.takesValue {
				action := "_files"
				if words := valueWords(f.name); words != nil {
					action = "(" + strings.ReplaceAll(strings.Join(words, " "), ":", `\:`) + ")"
				}
				spec += ":" + f.name + ":" + action
			}
			fmt.Fprintf(w, " \\\n        %s", zshQuote(spec))
		}
		fmt.Fprintf(w, " \\\n        '*:file:_files' ;;\n")
	}
	fmt.Fprintf(w, "    completion) _arguments '1:shell:(bash zsh)' ;;\n  esac\n}\n\n_dasim \"$@\"\n")
}

// zshEscape makes a usage text safe inside an _arguments [description].
func zshEscape(s string) string {
	return strings.NewReplacer("[", "(", "]", ")", ":", " -", "\\", "/").Replace(s)
}

// zshQuote single-quotes s for zsh.
func zshQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
