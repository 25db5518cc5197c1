package openapi

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// schemaViolation describes a schema failure: the pointer into the message,
// the keyword broken, what the schema expects and what was sent.
func schemaViolation(base Violation, e *openapi3.SchemaError) Violation {
	v := base
	if v.In == "" {
		v.In = InBody
	}
	ptr := e.JSONPointer()
	if v.In == InBody || len(ptr) > 0 {
		if v.Pointer != "" && v.In != InBody {
			v.Pointer += "/" + joinPointerTokens(ptr)
		} else {
			v.Pointer = "/" + joinPointerTokens(ptr)
		}
	}
	v.Rule = e.SchemaField
	s := e.Schema
	secret := s != nil && s.Extensions["x-dasim-secret"] == true
	v.Actual = describeValue(e.Value, secret)
	switch e.SchemaField {
	case "required":
		// kin-openapi points at the missing property itself.
		v.Expected, v.Actual = "the property to be present", "nothing"
		v.Message = "required property is missing"
		return v
	case "pattern":
		v.Expected = fmt.Sprintf("a string matching '%s'", s.Pattern)
		if s.Description != "" {
			v.Expected += " (" + firstSentence(s.Description) + ")"
		}
	case "enum":
		v.Expected = "one of " + enumList(s.Enum)
	case "format":
		v.Expected = "format " + s.Format
	case "type":
		v.Expected = "type " + typeName(s)
	case "maxLength":
		v.Expected = fmt.Sprintf("at most %d characters", *s.MaxLength)
	case "minLength":
		v.Expected = fmt.Sprintf("at least %d characters", s.MinLength)
	case "minimum", "maximum":
		v.Expected = e.Reason
	case "nullable":
		v.Expected = "a non-null " + typeName(s)
	case "oneOf", "discriminator":
		v.Expected = "exactly one of the documented shapes"
	}
	v.Message = reasonWithoutValue(e, secret)
	return v
}

func reasonWithoutValue(e *openapi3.SchemaError, secret bool) string {
	r := e.Reason
	if r == "" {
		r = "does not match the schema keyword " + e.SchemaField
	}
	if secret {
		// kin-openapi's reasons name patterns and enums, not values; this
		// guard keeps a secret out even if a future version quotes them.
		if s, ok := e.Value.(string); ok && s != "" {
			r = strings.ReplaceAll(r, s, "(redacted)")
		}
	}
	return r
}

func describeValue(v any, secret bool) string {
	if v == nil {
		return "null"
	}
	if secret {
		if s, ok := v.(string); ok {
			return fmt.Sprintf("a redacted secret of %d characters", utf8.RuneCountInString(s))
		}
		return "a redacted secret"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%T", v)
	}
	const max = 120
	if len(b) > max {
		return string(b[:max]) + fmt.Sprintf("... (%d bytes)", len(b))
	}
	return string(b)
}

func enumList(vals []any) string {
	parts := make([]string, len(vals))
	for i, e := range vals {
		b, _ := json.Marshal(e)
		parts[i] = string(b)
	}
	return strings.Join(parts, ", ")
}

func typeName(s *openapi3.Schema) string {
	if s.Type == nil || len(*s.Type) == 0 {
		return "any"
	}
	return strings.Join(*s.Type, " or ")
}

func firstSentence(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, ".\n"); i > 0 {
		return s[:i]
	}
	return s
}
