package openapi

import (
	"fmt"
	"net/url"
	"strings"
)

// queryEncodingViolations names every query parameter whose name or value
// is not validly percent-encoded (RFC 3986 §2.1: "%" HEXDIG HEXDIG), or
// that is separated by ";" (net/http no longer splits on it). net/url's
// Query drops such pairs without a word, so the handler would act on a
// query the client did not send: requestAckId=%zz would become a request
// without requestAckId, and list every retrieval of the caller.
func queryEncodingViolations(op, rawQuery string) []Violation {
	if rawQuery == "" {
		return nil
	}
	var out []Violation
	for _, pair := range strings.Split(rawQuery, "&") {
		if pair == "" {
			continue
		}
		rawKey, rawValue, _ := strings.Cut(pair, "=")
		key, keyErr := url.QueryUnescape(rawKey)
		_, valueErr := url.QueryUnescape(rawValue)
		name := key
		if keyErr != nil {
			name = rawKey
		}
		problem := ""
		switch {
		case strings.Contains(pair, ";"):
			problem = "contains ';': separate parameters with '&' only"
		case keyErr != nil:
			problem = fmt.Sprintf("its name is not percent-encoded as RFC 3986 section 2.1 requires (%v)", keyErr)
		case valueErr != nil:
			problem = fmt.Sprintf("its value is not percent-encoded as RFC 3986 section 2.1 requires (%v)", valueErr)
		default:
			continue
		}
		actual := clipRaw(rawValue)
		if secretNames[key] {
			actual = fmt.Sprintf("a redacted secret of %d characters", len(rawValue))
			problem = "its value is not validly percent-encoded (RFC 3986 section 2.1)"
		}
		if len(name) > 64 {
			name = name[:64]
		}
		out = append(out, Violation{Operation: op, Side: sideRequest, In: InQuery, Pointer: name, Rule: "encoding",
			Expected: "'%' followed by two hexadecimal digits for every escaped byte", Actual: actual,
			Message: "query parameter " + clipRaw(name) + ": " + problem})
	}
	return out
}

func clipRaw(s string) string {
	const max = 64
	if len(s) > max {
		return fmt.Sprintf("%q... (%d bytes)", s[:max], len(s))
	}
	return fmt.Sprintf("%q", s)
}
