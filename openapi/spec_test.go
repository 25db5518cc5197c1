package openapi

import (
	"encoding/json"
	"sort"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestEmbeddedContractsLoad(t *testing.T) {
	for _, c := range []*Contract{DAS(), AuthZ()} {
		if c.Doc().OpenAPI != "3.0.3" {
			t.Errorf("%s: openapi %s, want 3.0.3 (kin-openapi's 3.1 path is ~15x slower)", c.Name(), c.Doc().OpenAPI)
		}
		for _, r := range c.Routes() {
			if r.OperationID == "" {
				t.Errorf("%s %s %s has no operationId", c.Name(), r.Method, r.Path)
			}
		}
	}
}

// The DAS operations the issue requires, and who serves them.
func TestDASOperationsAndImplementers(t *testing.T) {
	want := map[string][]string{
		"POST /files/url-uploads":         {"das"},
		"PUT /files/url-uploads":          {"das"},
		"GET /files":                      {"das"},
		"DELETE /files":                   {"das"},
		"GET /files/url-downloads":        {"das", "office"},
		"POST /files/url-downloads":       {"das", "office"},
		"POST /registrations":             {"das"},
		"PUT /registrations":              {"das"},
		"DELETE /registrations":           {"das"},
		"GET /registrations/certificates": {"das"},
		"POST /retrievals":                {"das", "office"},
		"PUT /retrievals":                 {"das"},
		"GET /retrievals/statuses":        {"das"},
		"POST /notifications":             {"das", "office"},
	}
	got := map[string][]string{}
	for _, r := range DAS().Routes() {
		got[r.Method+" "+r.Path] = r.ImplementedBy
	}
	for op, impl := range want {
		g, ok := got[op]
		if !ok {
			t.Errorf("missing operation %s", op)
			continue
		}
		if !equalStrings(g, impl) {
			t.Errorf("%s implemented by %v, want %v", op, g, impl)
		}
	}
	if len(got) != len(want) {
		t.Errorf("contract has %d operations, test knows %d: update the test on purpose", len(got), len(want))
	}
}

// Every example in the documents validates against its own schema, and every
// operation carries examples for its request body and each response body.
func TestEveryExampleValidatesAgainstItsSchema(t *testing.T) {
	for _, c := range []*Contract{DAS(), AuthZ()} {
		checked := 0
		for _, r := range c.Routes() {
			op := r.kin.Operation
			where := c.Name() + " " + r.OperationID
			for _, p := range op.Parameters {
				if p.Value.Example == nil {
					t.Errorf("%s parameter %s has no example", where, p.Value.Name)
					continue
				}
				checked += visit(t, where+" parameter "+p.Value.Name, p.Value.Schema, p.Value.Example)
			}
			if op.RequestBody != nil {
				checked += checkContent(t, where+" request", op.RequestBody.Value.Content)
			}
			for code, resp := range op.Responses.Map() {
				checked += checkContent(t, where+" response "+code, resp.Value.Content)
			}
		}
		for name, s := range c.Doc().Components.Schemas {
			if s.Value.Example != nil {
				checked += visit(t, c.Name()+" schema "+name, s, s.Value.Example)
			}
		}
		if checked < len(c.Routes()) {
			t.Errorf("%s: only %d examples checked for %d operations", c.Name(), checked, len(c.Routes()))
		}
		t.Logf("%s: %d examples validated", c.Name(), checked)
	}
}

func checkContent(t *testing.T, where string, content openapi3.Content) int {
	n := 0
	for mt, media := range content {
		if media.Example == nil && len(media.Examples) == 0 {
			t.Errorf("%s %s has no example", where, mt)
		}
		if media.Example != nil {
			n += visit(t, where+" "+mt, media.Schema, media.Example)
		}
		names := make([]string, 0, len(media.Examples))
		for name := range media.Examples {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			n += visit(t, where+" "+mt+" example "+name, media.Schema, media.Examples[name].Value.Value)
		}
	}
	return n
}

func visit(t *testing.T, where string, s *openapi3.SchemaRef, example any) int {
	t.Helper()
	// Round-trip through JSON so YAML-typed values look like decoded JSON.
	b, err := json.Marshal(example)
	if err != nil {
		t.Errorf("%s: example does not marshal: %v", where, err)
		return 0
	}
	var v any
	_ = json.Unmarshal(b, &v)
	if err := s.Value.VisitJSON(v, openapi3.MultiErrors()); err != nil {
		for _, viol := range convert(where, "example", err, nil) {
			t.Errorf("%s: %s", where, viol)
		}
	}
	return 1
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Every field the documents mark x-dasim-secret is redacted by the recorders.
func TestSecretFieldsOfTheSpecAreRedacted(t *testing.T) {
	for _, c := range []*Contract{DAS(), AuthZ()} {
		for name, s := range c.Doc().Components.Schemas {
			for prop, ps := range s.Value.Properties {
				if ps.Value.Extensions["x-dasim-secret"] == true && !secretNames[prop] {
					t.Errorf("%s schema %s property %s is secret but not redacted", c.Name(), name, prop)
				}
			}
		}
	}
	got := redactBody("application/json", []byte(`{"a":{"dasAccessCode":"AB21"},"b":[{"access_token":"tok"}]}`))
	if got != `{"a":{"dasAccessCode":"(redacted)"},"b":[{"access_token":"(redacted)"}]}` {
		t.Errorf("json redaction: %s", got)
	}
	got = redactBody("application/x-www-form-urlencoded", []byte("client_assertion=eyJ.x.y&grant_type=client_credentials"))
	if got != "client_assertion=%28redacted%29&grant_type=client_credentials" {
		t.Errorf("form redaction: %s", got)
	}
}
