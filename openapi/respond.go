package openapi

import (
	"encoding/json"
	"net/http"
	"strings"
)

// errorStyle is how a contract's servers answer a request that breaks it:
// the DAS API with the WIPO error body, the authorization server with an
// OAuth error (RFC 6749 §5.2).
type errorStyle int

const (
	styleWIPO errorStyle = iota
	styleOAuth
)

// WIPO detail codes for contract violations (das.yaml, ErrorDetail).
const (
	detailInvalidField  = -1
	detailMissingField  = -2
	detailMalformedBody = -3
)

type wipoDetail struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

type wipoError struct {
	Code    string       `json:"code"`
	Message *string      `json:"message"`
	Details []wipoDetail `json:"details"`
}

// writeViolations answers a request that broke the contract, naming each
// field and rule, in the protocol's own error shape.
func (c *Contract) writeViolations(w http.ResponseWriter, vs []Violation) {
	status, code := http.StatusBadRequest, "INVALID_INPUT_DATA"
	for _, v := range vs {
		switch {
		case v.In == InRoute && v.Rule == "method":
			status, code = http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED"
			w.Header().Set("Allow", strings.ReplaceAll(v.Expected, " or ", ", "))
		case v.In == InRoute:
			status, code = http.StatusNotFound, "NOT_FOUND"
		case v.In == InSecurity:
			// RFC 6750 §3.1: no token at all gets a challenge without an error code.
			status, code = http.StatusUnauthorized, "UNAUTHORIZED"
			w.Header().Set("WWW-Authenticate", `Bearer realm="das"`)
		case v.In == InContentType && status == http.StatusBadRequest:
			status = http.StatusUnsupportedMediaType
		}
	}
	if c.style == styleOAuth {
		desc := make([]string, len(vs))
		for i, v := range vs {
			desc[i] = v.String()
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_request",
			"error_description": oauthSafe(strings.Join(desc, "; "))})
		return
	}
	body := wipoError{Code: code, Details: make([]wipoDetail, len(vs))}
	for i, v := range vs {
		d := detailInvalidField
		switch {
		case v.Rule == "required":
			d = detailMissingField
		case v.Rule == "syntax" || v.In == InContentType:
			d = detailMalformedBody
		}
		body.Details[i] = wipoDetail{Code: d, Message: v.String()}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// oauthSafe keeps error_description within RFC 6749 §5.2's charset.
func oauthSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '"':
			return '\''
		case r == '\\':
			return '/'
		case r >= 0x20 && r <= 0x7E:
			return r
		default:
			return '?'
		}
	}, s)
}
