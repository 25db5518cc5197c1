package openapi

import (
	"net/url"
	"strings"
)

// secretNames are the members and form fields whose values never leave a
// recorder: the access code guards a priority document, the others are
// credentials. das.yaml and authz.yaml mark them x-dasim-secret.
var secretNames = map[string]bool{
	"dasAccessCode":    true,
	"client_assertion": true,
	"access_token":     true,
	"refresh_token":    true,
}

const maxTranscript = 4096

// redactBody returns a printable, redacted, truncated copy of a message body.
func redactBody(contentType string, body []byte) string {
	if len(body) == 0 {
		return ""
	}
	var out string
	switch {
	case strings.Contains(contentType, "json"):
		b, ok := redactJSONPrefix(body, maxTranscript)
		if !ok {
			return "(unparsable JSON body redacted)"
		}
		out = string(b)
	case strings.Contains(contentType, "x-www-form-urlencoded"):
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return "(unparsable form body redacted)"
		}
		for k := range form {
			if secretNames[k] {
				form[k] = []string{"(redacted)"}
			}
		}
		out = form.Encode()
	default:
		return "(" + contentType + " body not kept)"
	}
	if len(out) > maxTranscript {
		out = out[:maxTranscript] + "...(truncated)"
	}
	return out
}

// redactURL returns a request URL with the value of every secret query
// parameter replaced (GET registrations/certificates and DELETE
// registrations carry dasAccessCode in the query), the rest as sent.
func redactURL(raw string) string {
	path, query, ok := strings.Cut(raw, "?")
	if !ok || !mayHoldSecret(query) {
		return raw
	}
	pairs := strings.Split(query, "&")
	for i, pair := range pairs {
		rawKey, _, _ := strings.Cut(pair, "=")
		if key, err := url.QueryUnescape(rawKey); err == nil && secretNames[key] {
			pairs[i] = rawKey + "=%28redacted%29"
		}
	}
	return path + "?" + strings.Join(pairs, "&")
}

// mayHoldSecret is a cheap filter: a secret name, or an escape that might
// spell one.
func mayHoldSecret(query string) bool {
	if strings.IndexByte(query, '%') >= 0 {
		return true
	}
	for name := range secretNames {
		if strings.Contains(query, name) {
			return true
		}
	}
	return false
}
