package authz

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// parsedJWS is a client assertion split and decoded, not yet trusted.
type parsedJWS struct {
	raw     string
	header  map[string]json.RawMessage
	claims  map[string]json.RawMessage
	sig     []byte
	alg     string // header alg as sent (any case)
	payload []byte
}

// b64 is the base64url of RFC 7515 §2 ("with all trailing '=' characters
// omitted ... no line breaks, whitespace, or other additional characters").
// Strict also refuses non-zero trailing bits, which would let one JWS have
// several spellings.
var b64 = base64.RawURLEncoding.Strict()

// parseAssertion applies the structural checks N16, N17 and N51.
func parseAssertion(raw string) (*parsedJWS, *protocol.OAuthError) {
	if fields := strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' || r == '\r' }); len(fields) > 1 {
		return nil, reject(protocol.ErrInvalidClient, "N17", "client_assertion holds %d space- or comma-separated values: send exactly one JWT (RFC 7523 section 2.2)", len(fields))
	}
	segs := strings.Split(raw, ".")
	switch len(segs) {
	case 3:
	case 5:
		return nil, reject(protocol.ErrInvalidClient, "N16", "client_assertion has 5 segments, a JWE: the assertion must be a signed JWT in JWS compact serialization, not encrypted (RFC 7523 section 3)")
	case 6, 9:
		return nil, reject(protocol.ErrInvalidClient, "N17", "client_assertion has %d dot-separated segments, several JWTs joined together: send exactly one (RFC 7523 section 2.2)", len(segs))
	default:
		return nil, reject(protocol.ErrInvalidClient, "N16", "client_assertion has %d dot-separated segments: a JWS in compact serialization has 3 (RFC 7515 section 7.1)", len(segs))
	}
	names := [3]string{"header", "payload", "signature"}
	var dec [3][]byte
	for i, s := range segs {
		b, err := b64.DecodeString(s)
		if err != nil {
			return nil, reject(protocol.ErrInvalidClient, "N16", "%s segment is not unpadded base64url (%s) (RFC 7515 section 2)", names[i], b64Problem(s, err))
		}
		dec[i] = b
	}
	p := &parsedJWS{raw: raw, sig: dec[2], payload: dec[1]}
	var dup string
	var err error
	if p.header, dup, err = decodeObject(dec[0]); err != nil || dup != "" {
		return nil, reject(protocol.ErrInvalidClient, "N16", "JOSE header is not a JSON object with unique member names (RFC 7515 section 4): %s", jsonProblem(err, dup))
	}
	if p.claims, dup, err = decodeObject(dec[1]); err != nil {
		return nil, reject(protocol.ErrInvalidClient, "N16", "payload is not a JSON object (RFC 7519 section 7.2 step 10): %s", jsonProblem(err, ""))
	}
	if dup != "" {
		// RFC 7519 §4: "The Claim Names within a JWT Claims Set MUST be
		// unique; JWT parsers MUST either reject JWTs with duplicate Claim
		// Names or use a JSON parser that returns only the lexically last".
		return nil, reject(protocol.ErrInvalidClient, "N51", "claim '%s' appears more than once in the payload: claim names must be unique (RFC 7519 section 4)", dup)
	}
	alg, ok := stringMember(p.header, "alg")
	if !ok {
		return nil, reject(protocol.ErrInvalidClient, "N16", "JOSE header has no string alg (RFC 7515 section 4.1.1 REQUIRED)")
	}
	p.alg = alg
	return p, nil
}

func b64Problem(s string, err error) string {
	switch {
	case strings.Contains(s, "="):
		return "it has '=' padding"
	case strings.ContainsAny(s, "+/"):
		return "it has '+' or '/', the standard alphabet: use '-' and '_'"
	default:
		return err.Error()
	}
}

func jsonProblem(err error, dup string) string {
	if dup != "" {
		return "member '" + dup + "' appears twice"
	}
	return err.Error()
}

// decodeObject decodes a JSON object into its members, reporting the first
// duplicate name. encoding/json alone would silently keep the last one.
func decodeObject(b []byte) (map[string]json.RawMessage, string, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	t, err := d.Token()
	if err != nil {
		return nil, "", err
	}
	if t != json.Delim('{') {
		return nil, "", fmt.Errorf("want a JSON object, got %s", describeToken(t))
	}
	m := map[string]json.RawMessage{}
	dup := ""
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return nil, "", err
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return nil, "", err
		}
		if _, seen := m[k]; seen && dup == "" {
			dup = k
		}
		m[k] = v
	}
	if _, err := d.Token(); err != nil {
		return nil, "", err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, "", fmt.Errorf("data after the JSON object")
	}
	return m, dup, nil
}

func describeToken(t json.Token) string {
	switch t.(type) {
	case json.Delim:
		return fmt.Sprintf("'%v'", t)
	case string:
		return "a string"
	case nil:
		return "null"
	default:
		return fmt.Sprintf("a %T", t)
	}
}

// stringMember returns m[name] when it is a JSON string.
func stringMember(m map[string]json.RawMessage, name string) (string, bool) {
	raw, ok := m[name]
	if !ok {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// jsonType names the JSON type of raw for descriptions.
func jsonType(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 {
		return "nothing"
	}
	switch t[0] {
	case '"':
		return "a string"
	case '[':
		return "an array"
	case '{':
		return "an object"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	default:
		return "a number"
	}
}
