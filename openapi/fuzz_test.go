package openapi

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzJSONBodyDecoder feeds arbitrary bytes to the contract's JSON body
// decoder: it must never panic, and must accept only one well-formed UTF-8
// JSON text without repeated member names, decoded to values that encode
// back to JSON.
func FuzzJSONBodyDecoder(f *testing.F) {
	for _, s := range []string{validRetrieval, validRegistration, validStatusBag, `{"a":1,"a":2}`, `[1,2]`, `"x"`, `{}x`,
		"\"\xff\"", `{"a":{"b":[{"c":1e999}]}}`, `-0.0e-0`, strings.Repeat("[", 2000)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := decodeJSONBody(bytes.NewReader(body), nil, nil, nil)
		if err != nil {
			return
		}
		if !json.Valid(body) || !utf8.Valid(body) {
			t.Fatalf("accepted %q", body)
		}
		if _, err := json.Marshal(v); err != nil {
			t.Fatalf("decoded %q to a value that does not encode: %v", body, err)
		}
	})
}

// FuzzTranscript: the recorder's streaming redaction never panics; what it
// keeps of a body it read to the end is JSON, and never a secret's value.
func FuzzTranscript(f *testing.F) {
	for _, s := range []string{validRetrieval, validRegistration, validStatusBag, `{"dasAccessCode":{"x":["AB21"]}}`,
		`{"das\u0041ccessCode":"AB21"}`, `{"a":"\"dasAccessCode\":\"AB21\""}`, `[{"access_token":"t"},1,true,null]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		out, ok := redactJSONPrefix(body, maxTranscript)
		if !ok || len(out) > maxTranscript {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("transcript of %q is not JSON: %q", body, out)
		}
		var v any
		_ = json.Unmarshal(out, &v)
		var walk func(any)
		walk = func(x any) {
			switch x := x.(type) {
			case map[string]any:
				for k, e := range x {
					if secretNames[k] && e != "(redacted)" {
						t.Fatalf("secret %s kept in %q", k, out)
					}
					walk(e)
				}
			case []any:
				for _, e := range x {
					walk(e)
				}
			}
		}
		walk(v)
	})
}

// FuzzQueryEncoding: the query check never panics and flags exactly the
// queries net/url cannot parse.
func FuzzQueryEncoding(f *testing.F) {
	for _, s := range []string{"requestAckId=%zz", "a=1&b=2", "a=%2", "%=x", "a;b=c", "dasAccessCode=%G0", "&&=&"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		vs := queryEncodingViolations("op", q)
		if _, err := url.ParseQuery(q); (err != nil) != (len(vs) > 0) {
			t.Fatalf("%q: net/url says %v, the contract %d violations", q, err, len(vs))
		}
		_ = redactURL("/x?" + q)
	})
}
