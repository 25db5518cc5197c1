package main

import "strings"

// roleOf finds --role (or -role, --role=X) in args and returns its value and
// the other arguments; off when absent.
func roleOf(args []string) (string, []string) {
	for i, a := range args {
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "role" {
			continue
		}
		rest := append(append([]string(nil), args[:i]...), args[i+1:]...)
		if hasValue {
			return value, rest
		}
		if i+1 < len(args) {
			return args[i+1], append(append([]string(nil), args[:i]...), args[i+2:]...)
		}
		return "", rest
	}
	return "off", args
}
