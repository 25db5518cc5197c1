package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// redactJSONPrefix re-writes body as compact JSON, in its own member order,
// with the value of every secret member (secretNames) replaced by
// "(redacted)", and stops once more than limit bytes are written: a
// transcript keeps 4 KB, so a 300 KB answer costs what its first 4 KB cost,
// not a decoding and re-encoding of the whole of it. ok is false when the
// part read is not JSON (nothing of it is shown then, since an unparsable
// body cannot be told apart from a secret), or when a body read to its end
// holds more than one JSON text.
func redactJSONPrefix(body []byte, limit int) (out []byte, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var w bytes.Buffer
	type frame struct {
		object bool
		n      int // values (or members) written so far
	}
	var stack []frame
	secretNext := false // the next value belongs to a secret member
	for w.Len() <= limit {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return w.Bytes(), len(stack) == 0 && w.Len() > 0
		}
		if err != nil {
			return nil, false
		}
		if d, isDelim := tok.(json.Delim); isDelim && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			w.WriteByte(byte(d))
			continue
		}
		// tok starts a value, or is a member name.
		isKey := false
		if n := len(stack); n > 0 {
			top := &stack[n-1]
			isKey = top.object && top.n%2 == 0
			switch {
			case isKey && top.n > 0, !top.object && top.n > 0:
				w.WriteByte(',')
			case top.object && !isKey:
				w.WriteByte(':')
			}
			top.n++
		} else if w.Len() > 0 {
			return nil, false // a second JSON text after the first
		}
		if isKey {
			name, _ := tok.(string)
			secretNext = secretNames[name]
			writeJSONString(&w, name)
			continue
		}
		if secretNext {
			secretNext = false
			w.WriteString(`"(redacted)"`)
			if d, isDelim := tok.(json.Delim); isDelim {
				if err := skipContainer(dec, d); err != nil {
					return nil, false
				}
			}
			continue
		}
		switch v := tok.(type) {
		case json.Delim:
			w.WriteByte(byte(v))
			stack = append(stack, frame{object: v == '{'})
		case string:
			writeJSONString(&w, v)
		case json.Number:
			w.WriteString(v.String())
		case bool:
			if v {
				w.WriteString("true")
			} else {
				w.WriteString("false")
			}
		case nil:
			w.WriteString("null")
		}
	}
	return w.Bytes(), true
}

// skipContainer reads the tokens of an object or array whose opening
// delimiter was just read.
func skipContainer(dec *json.Decoder, open json.Delim) error {
	depth := 1
	for depth > 0 {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

func writeJSONString(w *bytes.Buffer, s string) {
	b, _ := json.Marshal(s)
	w.Write(b)
}
