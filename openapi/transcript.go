package openapi

import (
	"bytes"
	"encoding/json"
)

// redactJSONPrefix re-writes body as compact JSON, in its own member order
// and with its own string escapes, with the value of every secret member
// (secretNames) replaced by "(redacted)", and stops once more than limit
// bytes are written: a transcript keeps 4 KB, so a 300 KB answer costs
// what its first 4 KB cost, not a decoding and re-encoding of the whole of
// it. It checks the JSON grammar (RFC 8259 §2) of what it reads: ok is
// false when the part read is not JSON (nothing is shown then, since in a
// broken body a secret cannot be told from its member name), or when a body
// read to its end holds more than one JSON text.
func redactJSONPrefix(body []byte, limit int) (out []byte, ok bool) {
	t := &transcriber{in: body, limit: limit}
	t.out.Grow(min(len(body), limit+64))
	i, ok := t.value(skipSpace(body, 0), false, 0)
	if !ok {
		return nil, false
	}
	if !t.full() && skipSpace(body, i) != len(body) {
		return nil, false
	}
	return t.out.Bytes(), true
}

// maxTranscriptDepth bounds nesting, so a hostile body of nested brackets
// cannot exhaust the stack of the recorder.
const maxTranscriptDepth = 256

type transcriber struct {
	in    []byte
	out   bytes.Buffer
	limit int
}

func (t *transcriber) full() bool { return t.out.Len() > t.limit }

// emit writes b unless quiet (a secret being skipped) or the transcript is full.
func (t *transcriber) emit(quiet bool, b ...byte) {
	if !quiet && !t.full() {
		t.out.Write(b)
	}
}

// value reads the JSON value at i and returns the offset after it. Once
// the transcript is full it stops reading and reports success.
func (t *transcriber) value(i int, quiet bool, depth int) (int, bool) {
	b := t.in
	if t.full() && !quiet {
		return len(b), true
	}
	if i >= len(b) || depth > maxTranscriptDepth {
		return i, false
	}
	switch c := b[i]; {
	case c == '{' || c == '[':
		return t.container(i, quiet, depth)
	case c == '"':
		e := skipValue(b, i)
		if e < 0 || !isJSONString(b[i:e]) {
			return i, false
		}
		t.emit(quiet, b[i:e]...)
		return e, true
	default:
		e := i
		for e < len(b) && (b[e] >= 'a' && b[e] <= 'z' || b[e] >= '0' && b[e] <= '9' || bytes.IndexByte([]byte("+-.E"), b[e]) >= 0) {
			e++
		}
		tok := b[i:e]
		if e == i || !(string(tok) == "true" || string(tok) == "false" || string(tok) == "null" || isJSONNumber(tok)) {
			return i, false
		}
		t.emit(quiet, tok...)
		return e, true
	}
}

// container reads an object or an array.
func (t *transcriber) container(i int, quiet bool, depth int) (int, bool) {
	b := t.in
	object := b[i] == '{'
	closing := byte(']')
	if object {
		closing = '}'
	}
	t.emit(quiet, b[i])
	i = skipSpace(b, i+1)
	for n := 0; ; n++ {
		if t.full() && !quiet {
			return len(b), true
		}
		if i < len(b) && b[i] == closing && n == 0 {
			t.emit(quiet, closing)
			return i + 1, true
		}
		if n > 0 {
			t.emit(quiet, ',')
		}
		secret := false
		if object {
			if i >= len(b) || b[i] != '"' {
				return i, false
			}
			e := skipValue(b, i)
			if e < 0 || !isJSONString(b[i:e]) {
				return i, false
			}
			secret = isSecretName(b[i:e])
			t.emit(quiet, b[i:e]...)
			i = skipSpace(b, e)
			if i >= len(b) || b[i] != ':' {
				return i, false
			}
			t.emit(quiet, ':')
			i = skipSpace(b, i+1)
		}
		if secret {
			t.emit(quiet, []byte(`"(redacted)"`)...)
		}
		var ok bool
		if i, ok = t.value(i, quiet || secret, depth+1); !ok {
			return i, false
		}
		i = skipSpace(b, i)
		switch {
		case i < len(b) && b[i] == ',':
			i = skipSpace(b, i+1)
		case i < len(b) && b[i] == closing:
			t.emit(quiet, closing)
			return i + 1, true
		case t.full() && !quiet:
			return len(b), true
		default:
			return i, false
		}
	}
}

// isSecretName tells whether a member name (a JSON string token, quotes
// included) is one of secretNames, escapes resolved.
func isSecretName(tok []byte) bool {
	raw := tok[1 : len(tok)-1]
	if bytes.IndexByte(raw, '\\') < 0 {
		return secretNames[string(raw)]
	}
	var name string
	return json.Unmarshal(tok, &name) == nil && secretNames[name]
}

// isJSONNumber checks the number grammar of RFC 8259 §6.
func isJSONNumber(b []byte) bool {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return false
	}
	digits := func() bool {
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i > start
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	return i == len(b)
}

// isJSONString checks a string token, quotes included, against RFC 8259
// §7: no control character unescaped, only the escapes it lists.
func isJSONString(tok []byte) bool {
	for i := 1; i < len(tok)-1; i++ {
		switch c := tok[i]; {
		case c < 0x20:
			return false
		case c == '\\':
			i++
			switch tok[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(tok) {
					return false
				}
				for _, h := range tok[i+1 : i+5] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return false
					}
				}
				i += 4
			default:
				return false
			}
		}
	}
	return true
}
