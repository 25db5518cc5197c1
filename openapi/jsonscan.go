package openapi

import (
	"bytes"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// splitArrayMember finds, in a JSON object, the first member named in
// arrays whose value is an array, and returns the offsets of its '[' and of
// its ']' and each element's bytes. ok is false when body is not a
// well-delimited JSON object, or a member name uses escapes.
func splitArrayMember(body []byte, arrays map[string]*openapi3.Schema) (member string, open int, elems [][]byte, end int, ok bool) {
	i := skipSpace(body, 0)
	if i >= len(body) || body[i] != '{' {
		return "", 0, nil, 0, false
	}
	i = skipSpace(body, i+1)
	for i < len(body) && body[i] != '}' {
		if body[i] != '"' {
			return "", 0, nil, 0, false
		}
		keyEnd := skipValue(body, i)
		if keyEnd < 0 {
			return "", 0, nil, 0, false
		}
		key := body[i+1 : keyEnd-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			return "", 0, nil, 0, false
		}
		i = skipSpace(body, keyEnd)
		if i >= len(body) || body[i] != ':' {
			return "", 0, nil, 0, false
		}
		v := skipSpace(body, i+1)
		var vEnd int
		if _, wanted := arrays[string(key)]; wanted && member == "" && v < len(body) && body[v] == '[' {
			// Split the elements in the one pass that finds the array's end.
			member, open = string(key), v
			j := skipSpace(body, v+1)
			for j < len(body) && body[j] != ']' {
				e := skipValue(body, j)
				if e < 0 {
					return "", 0, nil, 0, false
				}
				elems = append(elems, body[j:e])
				j = skipSpace(body, e)
				if j < len(body) && body[j] == ',' {
					j = skipSpace(body, j+1)
				} else if j >= len(body) || body[j] != ']' {
					return "", 0, nil, 0, false
				}
			}
			if j >= len(body) {
				return "", 0, nil, 0, false
			}
			end, vEnd = j, j+1
		} else if vEnd = skipValue(body, v); vEnd < 0 {
			return "", 0, nil, 0, false
		}
		i = skipSpace(body, vEnd)
		if i < len(body) && body[i] == ',' {
			i = skipSpace(body, i+1)
		}
	}
	if i >= len(body) || skipSpace(body, i+1) != len(body) || member == "" {
		return "", 0, nil, 0, false
	}
	return member, open, elems, end, true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the offset just after the JSON value starting at i, or
// -1 when it runs off the end. It delimits, it does not validate: the
// elements it finds are validated (or were, byte for byte) by the contract.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		for j := i + 1; ; {
			k := bytes.IndexByte(b[j:], '"')
			if k < 0 {
				return -1
			}
			q := j + k
			// The quote ends the string unless an odd run of backslashes escapes it.
			n := 0
			for p := q - 1; p > i && b[p] == '\\'; p-- {
				n++
			}
			if n%2 == 0 {
				return q + 1
			}
			j = q + 1
		}
	case '{', '[':
		// One pass: outside strings only brackets count; inside, a backslash
		// escapes the next byte and a quote ends the string.
		depth, inString := 0, false
		for j := i; j < len(b); j++ {
			c := b[j]
			if inString {
				if c == '\\' {
					j++
				} else if c == '"' {
					inString = false
				}
				continue
			}
			switch c {
			case '"':
				inString = true
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(b) && strings.IndexByte(",}] \t\r\n", b[j]) < 0 {
		j++
	}
	if j == i {
		return -1
	}
	return j
}
