package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// The architecture checks itself (ARCHITECTURE.md §2, issue 16): every Go
// file of the module is parsed and held against the rules below. A rule is
// one row; add a row to add a rule.

// goFile is one parsed file of the module.
type goFile struct {
	path    string // relative to the module root, slash-separated
	dir     string // its package directory, e.g. simulators/das
	test    bool   // a _test.go file
	imports []string
	ast     *ast.File
	fset    *token.FileSet
}

// archRule is one rule; check returns one line per breach in f.
type archRule struct {
	name  string
	check func(f goFile) []string
}

var archRules = []archRule{
	{"layering: openapi ← simulators ← harness ← scenarios ← cmd, reports beside harness", checkLayering},
	{"parties do not import each other; leaves import no party", checkParties},
	{"time.Now only in simulators/clock", checkTimeNow},
	{"context.Background and context.TODO only in cmd/dasim/main.go and tests", checkRootContexts},
	{"no package-level sync primitive or mutable map in harness/ and scenarios/ (a run reaches specs as a value)", checkPackageState},
}

// layers ranks the module's top-level folders: a package imports only
// lower layers, or its own folder. reports stands beside harness and may
// import openapi alone.
var layers = map[string]int{"openapi": 0, "simulators": 1, "harness": 2, "reports": 2, "scenarios": 3, "cmd": 4}

// parties are the simulated parties; every other package under simulators/
// is a leaf they share (clock, protocol, bearer, faults, tlsca, ...).
var parties = map[string]bool{"simulators/authz": true, "simulators/das": true, "simulators/office": true,
	"simulators/pctdas": true, "simulators/objectstore": true}

// rootContextAllowed are the files besides tests that may make a root context.
var rootContextAllowed = map[string]string{
	"cmd/dasim/main.go": "the process's one root context",
}

const modulePath = "github.com/wipo-das/dasim"

// checkPackageState finds, in harness/ and scenarios/ (tests included),
// package-level variables that hold a sync or sync/atomic value or a map:
// state a run would share with the next one, or specs with each other.
func checkPackageState(f goFile) []string {
	if top := topFolder(f.dir); top != "harness" && top != "scenarios" {
		return nil
	}
	var out []string
	for _, decl := range f.ast.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			exprs := append([]ast.Expr{vs.Type}, vs.Values...)
			for _, e := range exprs {
				if what := statefulType(e); what != "" {
					for _, name := range vs.Names {
						out = append(out, f.fset.Position(name.Pos()).String()+": package variable "+name.Name+" holds "+what)
					}
				}
			}
		}
	}
	return out
}

// statefulType names what makes e (a declared type or an initial value)
// shared mutable state: a sync or atomic type, or a map.
func statefulType(e ast.Expr) string {
	switch x := e.(type) {
	case nil:
		return ""
	case *ast.MapType:
		return "a map"
	case *ast.StarExpr:
		return statefulType(x.X)
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok && (id.Name == "sync" || id.Name == "atomic") {
			return id.Name + "." + x.Sel.Name
		}
	case *ast.CompositeLit:
		return statefulType(x.Type)
	case *ast.UnaryExpr:
		return statefulType(x.X)
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok && (id.Name == "make" || id.Name == "new") && len(x.Args) > 0 {
			return statefulType(x.Args[0])
		}
	}
	return ""
}

func checkLayering(f goFile) []string {
	var out []string
	own := topFolder(f.dir)
	for _, imp := range internal(f.imports) {
		to := topFolder(imp)
		switch {
		case own == "reports" && to != "openapi" && to != "reports":
			out = append(out, "reports imports only openapi, not "+imp)
		case layers[to] > layers[own], layers[to] == layers[own] && to != own:
			out = append(out, own+" (layer "+strconv.Itoa(layers[own])+") imports "+imp+" (layer "+strconv.Itoa(layers[to])+")")
		}
	}
	return out
}

func checkParties(f goFile) []string {
	if f.test || topFolder(f.dir) != "simulators" {
		return nil // tests compose parties; only the packages keep apart
	}
	var out []string
	for _, imp := range internal(f.imports) {
		if !parties[imp] || imp == f.dir {
			continue
		}
		if parties[f.dir] {
			out = append(out, "party "+f.dir+" imports party "+imp+": move what they share into a leaf under simulators/")
		} else {
			out = append(out, "leaf "+f.dir+" imports party "+imp)
		}
	}
	return out
}

func checkTimeNow(f goFile) []string {
	if f.test || f.dir == "simulators/clock" {
		return nil
	}
	return calls(f, "time", "Now")
}

func checkRootContexts(f goFile) []string {
	if f.test || rootContextAllowed[f.path] != "" {
		return nil
	}
	return append(calls(f, "context", "Background"), calls(f, "context", "TODO")...)
}

// calls lists the calls of pkg.name in f, pkg being the import path's
// standard name however the file renamed it.
func calls(f goFile, pkg, name string) []string {
	local := ""
	for _, is := range f.ast.Imports {
		if p, _ := strconv.Unquote(is.Path.Value); p == pkg {
			local = pkg
			if is.Name != nil {
				local = is.Name.Name
			}
		}
	}
	if local == "" {
		return nil
	}
	var out []string
	ast.Inspect(f.ast, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if id, isIdent := sel.X.(*ast.Ident); isIdent && id.Name == local && sel.Sel.Name == name {
			out = append(out, f.fset.Position(sel.Pos()).String()+": "+pkg+"."+name)
		}
		return true
	})
	return out
}

func internal(imports []string) []string {
	var out []string
	for _, imp := range imports {
		if rest, ok := strings.CutPrefix(imp, modulePath+"/"); ok {
			out = append(out, rest)
		}
	}
	return out
}

func topFolder(dir string) string { top, _, _ := strings.Cut(dir, "/"); return top }

// moduleFiles parses every Go file of the module found above this test file.
func moduleFiles(t *testing.T) []goFile {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(filepath.Dir(here)))
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod at %s, the module root above %s: %v", root, here, err)
	}
	var files []goFile
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && p != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		fset := token.NewFileSet()
		af, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		f := goFile{path: rel, dir: path.Dir(rel), test: strings.HasSuffix(rel, "_test.go"), ast: af, fset: fset}
		for _, is := range af.Imports {
			imp, _ := strconv.Unquote(is.Path.Value)
			f.imports = append(f.imports, imp)
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestArchitecture(t *testing.T) {
	files := moduleFiles(t)
	if len(files) < 100 {
		t.Fatalf("parsed %d Go files: the walk missed the module", len(files))
	}
	for _, rule := range archRules {
		t.Run(rule.name, func(t *testing.T) {
			for _, f := range files {
				for _, breach := range rule.check(f) {
					t.Errorf("%s: %s", f.path, breach)
				}
			}
		})
	}
}

// The rules catch what they are for: each sample file breaks one.
func TestArchitectureRulesCatchBreaches(t *testing.T) {
	parse := func(rel, src string) goFile {
		fset := token.NewFileSet()
		af, err := parser.ParseFile(fset, rel, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		f := goFile{path: rel, dir: path.Dir(rel), test: strings.HasSuffix(rel, "_test.go"), ast: af, fset: fset}
		for _, is := range af.Imports {
			imp, _ := strconv.Unquote(is.Path.Value)
			f.imports = append(f.imports, imp)
		}
		return f
	}
	for _, tt := range []struct {
		name, path, src string
		check           func(goFile) []string
	}{
		{"openapi importing a party", "openapi/x.go", `package openapi; import _ "github.com/wipo-das/dasim/simulators/protocol"`, checkLayering},
		{"harness importing scenarios", "harness/x.go", `package harness; import _ "github.com/wipo-das/dasim/scenarios"`, checkLayering},
		{"harness importing reports", "harness/x.go", `package harness; import _ "github.com/wipo-das/dasim/reports"`, checkLayering},
		{"reports importing harness", "reports/x.go", `package reports; import _ "github.com/wipo-das/dasim/harness"`, checkLayering},
		{"das importing office", "simulators/das/x.go", `package das; import _ "github.com/wipo-das/dasim/simulators/office"`, checkParties},
		{"leaf importing a party", "simulators/dasapi/x.go", `package dasapi; import _ "github.com/wipo-das/dasim/simulators/das"`, checkParties},
		{"time.Now renamed", "simulators/das/x.go", `package das; import t "time"; var _ = t.Now()`, checkTimeNow},
		{"context.TODO", "harness/x.go", `package harness; import "context"; var _ = context.TODO()`, checkRootContexts},
		{"a package mutex in scenarios", "scenarios/x.go", `package scenarios; import "sync"; var mu sync.Mutex`, checkPackageState},
		{"a package sync.Once pointer in harness", "harness/x_test.go", `package harness; import "sync"; var once = &sync.Once{}`, checkPackageState},
		{"a package map in scenarios", "scenarios/x.go", `package scenarios; var rules = map[string]string{}`, checkPackageState},
		{"a package map made in harness", "harness/x.go", `package harness; var m = make(map[string]int)`, checkPackageState},
	} {
		if got := tt.check(parse(tt.path, tt.src)); len(got) == 0 {
			t.Errorf("%s: not caught", tt.name)
		}
	}
}
