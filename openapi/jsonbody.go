package openapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/valyala/fastjson"
)

// jsonBodyParsers recycles fastjson parsers between validations; a parser
// owns the tree it returns, so a tree never outlives decodeJSONBody.
var jsonBodyParsers fastjson.ParserPool

// decodeJSONBody replaces kin-openapi's application/json body decoder
// (encoding/json into `any`, about a third of a validation's cost) with
// a stricter and cheaper one:
//   - the body must be exactly one JSON text (RFC 8259 §2: ws value ws), so
//     trailing bytes after the document are a syntax violation, not ignored;
//   - it must be UTF-8 (RFC 8259 §8.1);
//   - an object must not repeat a member name (RFC 8259 §4 "SHOULD be
//     unique"; I-JSON, RFC 7493 §2.3, "MUST NOT"): a receiver cannot know
//     which value the sender meant, so a contract test names it;
//   - numbers stay json.Number, as kin-openapi's own decoder keeps them.
//
// encoding/json's Valid does the syntax check (so its offsets and messages
// stay those users already see); fastjson then builds the tree.
func decodeJSONBody(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Cause: err}
	}
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v) // only for the offset and message
		if err == nil {
			err = errors.New("not a single JSON text")
		}
		return nil, &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Cause: err}
	}
	if !utf8.Valid(data) {
		return nil, &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat,
			Reason: "body is not UTF-8 (RFC 8259 §8.1)"}
	}
	p := jsonBodyParsers.Get()
	defer jsonBodyParsers.Put(p)
	root, err := p.ParseBytes(data)
	if err != nil {
		return nil, &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Cause: err}
	}
	out, err := fromFastJSON(root)
	if err != nil {
		return nil, &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Reason: err.Error()}
	}
	return out, nil
}

// fromFastJSON copies a fastjson tree into the plain Go values kin-openapi's
// schema visitor expects.
func fromFastJSON(v *fastjson.Value) (any, error) {
	switch v.Type() {
	case fastjson.TypeObject:
		obj, _ := v.Object()
		out := make(map[string]any, obj.Len())
		var err error
		obj.Visit(func(key []byte, member *fastjson.Value) {
			if err != nil {
				return
			}
			name := string(key)
			if _, dup := out[name]; dup {
				err = &repeatedMember{name: name}
				return
			}
			if out[name], err = fromFastJSON(member); err != nil {
				err = within(err, escapePointerToken(name))
			}
		})
		return out, err
	case fastjson.TypeArray:
		items, _ := v.Array()
		out := make([]any, len(items))
		for i, item := range items {
			var err error
			if out[i], err = fromFastJSON(item); err != nil {
				return nil, within(err, strconv.Itoa(i))
			}
		}
		return out, nil
	case fastjson.TypeString:
		s, _ := v.StringBytes()
		return string(s), nil
	case fastjson.TypeNumber:
		return json.Number(v.String()), nil
	case fastjson.TypeTrue:
		return true, nil
	case fastjson.TypeFalse:
		return false, nil
	default:
		return nil, nil
	}
}

// repeatedMember is a member name that appears twice in one object; the
// object's JSON pointer is built only on this path, as the error unwinds.
type repeatedMember struct {
	name    string
	pointer string // of the object holding it; "" is the root
}

func (e *repeatedMember) Error() string {
	p := e.pointer
	if p == "" {
		p = "/"
	}
	return fmt.Sprintf("member %q appears twice in the object at %q (RFC 8259 §4, RFC 7493 §2.3)", e.name, p)
}

// within prefixes the pointer of a repeatedMember found under token.
func within(err error, token string) error {
	if rm, ok := err.(*repeatedMember); ok {
		rm.pointer = "/" + token + rm.pointer
	}
	return err
}

// joinPointerTokens joins kin-openapi's unescaped path tokens into the body
// of a JSON pointer (without its leading "/").
func joinPointerTokens(tokens []string) string {
	escaped := make([]string, len(tokens))
	for i, t := range tokens {
		escaped[i] = escapePointerToken(t)
	}
	return strings.Join(escaped, "/")
}

// escapePointerToken escapes a member name as a JSON pointer token (RFC 6901 §3).
func escapePointerToken(name string) string {
	return pointerEscaper.Replace(name)
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")
