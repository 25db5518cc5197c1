package openapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// Where a violation sits.
const (
	InPath        = "path"
	InQuery       = "query"
	InHeader      = "header"
	InBody        = "body"
	InStatus      = "status"
	InContentType = "content-type"
	InSecurity    = "security"
	InRoute       = "route"
)

// Violation is one way a message breaks the contract.
type Violation struct {
	Operation string   `json:"operation,omitempty"` // operationId, empty if no route matched
	Side      string   `json:"side"`                // request or response
	In        string   `json:"in"`                  // path, query, header, body, status, content-type, security, route
	Pointer   string   `json:"pointer,omitempty"`   // JSON pointer into the body, or the parameter / header name
	Rule      string   `json:"rule"`                // the schema keyword or contract rule broken
	Expected  string   `json:"expected,omitempty"`
	Actual    string   `json:"actual,omitempty"` // redacted for x-dasim-secret fields
	Message   string   `json:"message"`
	allowed   []string // the methods of the path, for a 405's Allow header
}

func (v Violation) String() string {
	var b strings.Builder
	if v.Operation != "" {
		b.WriteString(v.Operation + " ")
	}
	b.WriteString(v.Side + " " + v.In)
	if v.Pointer != "" {
		b.WriteString(" " + v.Pointer)
	}
	b.WriteString(": ")
	if v.Rule != "" {
		b.WriteString(v.Rule + ": ")
	}
	b.WriteString(v.Message)
	if v.Expected != "" || v.Actual != "" {
		fmt.Fprintf(&b, " (expected %s, got %s)", orNone(v.Expected), orNone(v.Actual))
	}
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}

const (
	sideRequest  = "request"
	sideResponse = "response"
)

func routeViolation(r *http.Request, err error) Violation {
	v := Violation{Side: sideRequest, In: InRoute, Rule: "operation", Message: err.Error()}
	var re *RouteError
	if errors.As(err, &re) && re.Status == http.StatusMethodNotAllowed {
		v.Rule = "method"
		v.Expected, v.allowed = strings.Join(re.Allowed, " or "), re.Allowed
		v.Actual = r.Method
	}
	return v
}

// convert walks kin-openapi's error tree into Violations. It never uses the
// errors' Error() text for schema failures: that text embeds the schema and
// the raw value, which may be a secret.
func convert(op, side string, err error, body []byte) []Violation {
	var out []Violation
	var walk func(error, Violation)
	walk = func(err error, base Violation) {
		switch e := err.(type) {
		case openapi3.MultiError:
			for _, item := range e {
				walk(item, base)
			}
		case *openapi3filter.SecurityRequirementsError:
			out = append(out, securityViolation(base, e))
		case *openapi3filter.RequestError:
			b := requestBase(base, e)
			if e.Err == nil {
				out = append(out, leaf(b, e.Reason))
			} else {
				walk(e.Err, b)
			}
		case *openapi3filter.ResponseError:
			b := responseBase(base, e)
			if e.Err == nil {
				out = append(out, leaf(b, e.Reason))
			} else {
				walk(e.Err, b)
			}
		case *openapi3.SchemaError:
			// allOf only wraps the referenced schema (das.yaml uses it to add a
			// description): report the inner findings, which carry the pointer.
			if e.SchemaField == "allOf" && e.Origin != nil {
				walk(errors.Unwrap(e.Origin), base)
				return
			}
			if e.SchemaField == "oneOf" && e.Schema != nil && e.Schema.Discriminator != nil {
				out = append(out, discriminated(base, e)...)
				return
			}
			out = append(out, schemaViolation(base, e))
		case *openapi3filter.ParseError:
			out = append(out, parseViolation(base, e))
		default:
			switch {
			case errors.Is(err, openapi3filter.ErrInvalidRequired):
				v := base
				v.Rule, v.Expected, v.Actual = "required", "a value", "nothing"
				v.Message = "required " + base.In + " value is missing"
				out = append(out, v)
			case errors.Is(err, openapi3filter.ErrInvalidEmptyValue):
				v := base
				v.Rule, v.Message = "allowEmptyValue", "empty value is not allowed"
				out = append(out, v)
			case errors.Unwrap(err) != nil:
				walk(errors.Unwrap(err), base)
			default:
				out = append(out, leaf(base, err.Error()))
			}
		}
	}
	walk(err, Violation{Operation: op, Side: side})
	return out
}

// discriminated explains a oneOf failure by the shape its discriminator
// selects, instead of listing why every alternative failed.
func discriminated(base Violation, e *openapi3.SchemaError) []Violation {
	at := base
	if at.In == "" {
		at.In = InBody
	}
	prefix := "/" + joinPointerTokens(e.JSONPointer())
	d := e.Schema.Discriminator
	obj, _ := e.Value.(map[string]any)
	tag, _ := obj[d.PropertyName].(string)
	ref, known := d.Mapping[tag]
	if !known {
		keys := make([]string, 0, len(d.Mapping))
		for k := range d.Mapping {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		at.Pointer = strings.TrimSuffix(prefix, "/") + "/" + escapePointerToken(d.PropertyName)
		at.Rule = "discriminator"
		at.Expected = "one of " + strings.Join(keys, ", ")
		at.Actual = describeValue(obj[d.PropertyName], false)
		at.Message = "the discriminator selects none of the documented shapes"
		return []Violation{at}
	}
	for _, alt := range e.Schema.OneOf {
		if alt.Ref != ref.Ref || alt.Value == nil {
			continue
		}
		err := alt.Value.VisitJSON(e.Value, openapi3.MultiErrors())
		if err == nil {
			break
		}
		inner := convert(base.Operation, base.Side, err, nil)
		for i := range inner {
			inner[i].In = at.In
			inner[i].Pointer = strings.TrimSuffix(prefix, "/") + inner[i].Pointer
			inner[i].Message += " (" + d.PropertyName + "=" + tag + " selects " + alt.Ref + ")"
		}
		return inner
	}
	at.Pointer, at.Rule = prefix, "oneOf"
	at.Expected, at.Actual = "exactly one of the documented shapes", describeValue(e.Value, false)
	at.Message = e.Reason
	return []Violation{at}
}

func requestBase(base Violation, e *openapi3filter.RequestError) Violation {
	switch {
	case e.Parameter != nil:
		base.In = e.Parameter.In
		base.Pointer = e.Parameter.Name
	case e.RequestBody != nil:
		base.In = InBody
		if strings.HasPrefix(e.Reason, "header Content-Type") {
			base.In = InContentType
		}
	}
	return base
}

func responseBase(base Violation, e *openapi3filter.ResponseError) Violation {
	switch {
	case e.Reason == "status is not supported":
		base.In = InStatus
	case strings.Contains(e.Reason, "Content-Type"):
		base.In = InContentType
	case strings.HasPrefix(e.Reason, "response header"):
		base.In = InHeader
	default:
		base.In = InBody
	}
	return base
}

// leaf turns a reason without a schema error into a violation.
func leaf(v Violation, reason string) Violation {
	if v.In == "" {
		v.In = InBody
	}
	v.Rule = v.In
	v.Message = reason
	switch v.In {
	case InStatus:
		v.Rule = "documented status"
		v.Message = "the status code is not documented for this operation"
	case InContentType:
		v.Rule = "media type"
		v.Message = reason
	}
	return v
}

func securityViolation(base Violation, e *openapi3filter.SecurityRequirementsError) Violation {
	base.In, base.Pointer, base.Rule = InSecurity, "Authorization", "oauth2 bearer token"
	msg := "security requirement not met"
	for _, err := range e.Errors {
		var re *openapi3filter.RequestError
		if errors.As(err, &re) && re.Err != nil {
			msg = re.Err.Error()
			break
		}
	}
	base.Message = msg
	return base
}

func parseViolation(base Violation, e *openapi3filter.ParseError) Violation {
	if base.In == "" {
		base.In = InBody
	}
	base.Rule = "syntax"
	cause := e.Cause
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(cause, &syn):
		base.Message = fmt.Sprintf("not valid JSON at byte %d: %s", syn.Offset, syn.Error())
	case errors.As(cause, &typ):
		base.Message = fmt.Sprintf("not valid JSON for the schema: %s", typ.Error())
	case e.Reason != "":
		base.Message = e.Reason
	default:
		base.Message = "cannot be decoded"
	}
	return base
}
