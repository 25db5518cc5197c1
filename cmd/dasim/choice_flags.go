package main

import (
	"fmt"
	"sort"
	"strings"
)

// choiceFlags is a repeatable flag whose values are names from a
// catalogue (dasim osf-client --defect NAME ...).
type choiceFlags[T any] struct {
	what      string // what a value is, for errors: "defect"
	catalogue func() []T
	name      func(T) string
	chosen    []T
}

// names lists the catalogue's names, sorted.
func (f *choiceFlags[T]) names() []string {
	var out []string
	for _, c := range f.catalogue() {
		out = append(out, f.name(c))
	}
	sort.Strings(out)
	return out
}

func (f *choiceFlags[T]) String() string {
	if f == nil || f.name == nil {
		return "[]"
	}
	var names []string
	for _, c := range f.chosen {
		names = append(names, f.name(c))
	}
	return "[" + strings.Join(names, " ") + "]"
}

func (f *choiceFlags[T]) Set(v string) error {
	for _, c := range f.catalogue() {
		if f.name(c) == v {
			f.chosen = append(f.chosen, c)
			return nil
		}
	}
	return fmt.Errorf("unknown %s %q; known: %s", f.what, v, strings.Join(f.names(), ", "))
}
