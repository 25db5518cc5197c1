package harness

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// decodeYAML decodes b into v (a pointer to a struct with yaml tags) and
// returns every problem of its shape at once, in the file's own words: the
// path of YAML field names (offices[0].documents[1].size), the line, and
// for an unknown field the valid ones; never a Go type name. Only a YAML
// syntax error stops it before the shape is checked.
func decodeYAML(b []byte, v any) []error {
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return []error{fmt.Errorf("not YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))}
	}
	if len(root.Content) == 0 {
		return nil // an empty file: every field is optional
	}
	var errs []error
	checkShape(root.Content[0], reflect.TypeOf(v).Elem(), "", &errs)
	if err := root.Content[0].Decode(v); err != nil && len(errs) == 0 {
		errs = append(errs, err) // a mismatch checkShape does not know; kept as yaml says it
	}
	return errs
}

// checkShape compares node with what type t expects, recording each
// mismatch under path.
func checkShape(n *yaml.Node, t reflect.Type, path string, errs *[]error) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Tag == "!!null" {
		return
	}
	where := func() string {
		if path == "" {
			return fmt.Sprintf("line %d", n.Line)
		}
		return fmt.Sprintf("%s (line %d)", path, n.Line)
	}
	bad := func(format string, args ...any) {
		*errs = append(*errs, fmt.Errorf("%s: %s", where(), fmt.Sprintf(format, args...)))
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			bad("want a mapping of %s", strings.Join(yamlFields(t), ", "))
			return
		}
		fields := yamlFieldTypes(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			ft, ok := fields[key.Value]
			if !ok {
				*errs = append(*errs, fmt.Errorf("%s: unknown field %q (line %d); valid fields: %s",
					or(path, "top level"), key.Value, key.Line, strings.Join(yamlFields(t), ", ")))
				continue
			}
			checkShape(value, ft, join(path, key.Value), errs)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			bad("want a list")
			return
		}
		for i, item := range n.Content {
			checkShape(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i), errs)
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			bad("%q is not a whole number", n.Value)
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			bad("want a single value, not a %s", map[yaml.Kind]string{yaml.MappingNode: "mapping", yaml.SequenceNode: "list"}[n.Kind])
		}
	}
}

// yamlField is one field of a struct as YAML names it.
type yamlField struct {
	name string
	typ  reflect.Type
}

// yamlFieldsOf lists the YAML fields of struct t in declaration order,
// inline structs flattened.
func yamlFieldsOf(t reflect.Type) []yamlField {
	var out []yamlField
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case name == "-" || !f.IsExported():
		case opts == "inline":
			out = append(out, yamlFieldsOf(f.Type)...)
		case name == "":
			out = append(out, yamlField{strings.ToLower(f.Name), f.Type})
		default:
			out = append(out, yamlField{name, f.Type})
		}
	}
	return out
}

// yamlFieldTypes maps each YAML field name of struct t to its type.
func yamlFieldTypes(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for _, f := range yamlFieldsOf(t) {
		out[f.name] = f.typ
	}
	return out
}

// yamlFields lists the YAML field names of struct t.
func yamlFields(t reflect.Type) []string {
	var out []string
	for _, f := range yamlFieldsOf(t) {
		out = append(out, f.name)
	}
	return out
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

func or(s, def string) string {
	if s != "" {
		return s
	}
	return def
}
