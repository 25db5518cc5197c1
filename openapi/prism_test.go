package openapi

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// Prism (the validating proxy a user may put in front of dasim) compiles a
// document's schemas once; a nullable enum listing null, which OpenAPI 3.0.3
// needs for null to pass the enum, makes that compilation fail, and Prism
// then validates no request or response body at all. The contracts say
// "this string, or null" with a pattern instead. .ci/run proves it against
// Prism itself.
func TestNoSchemaListsNullInAnEnum(t *testing.T) {
	for _, c := range []*Contract{DAS(), AuthZ()} {
		seen := map[*openapi3.Schema]bool{}
		var walk func(where string, s *openapi3.SchemaRef)
		walk = func(where string, s *openapi3.SchemaRef) {
			if s == nil || s.Value == nil || seen[s.Value] {
				return
			}
			seen[s.Value] = true
			for _, e := range s.Value.Enum {
				if e == nil {
					t.Errorf("%s %s: enum lists null (Prism then validates nothing): use nullable with a pattern", c.Name(), where)
				}
			}
			for name, p := range s.Value.Properties {
				walk(where+"/"+name, p)
			}
			walk(where+"/items", s.Value.Items)
			for _, group := range [][]*openapi3.SchemaRef{s.Value.AllOf, s.Value.OneOf, s.Value.AnyOf} {
				for _, sub := range group {
					walk(where, sub)
				}
			}
		}
		for name, s := range c.Doc().Components.Schemas {
			walk(name, s)
		}
		for _, r := range c.Routes() {
			for _, p := range r.kin.Operation.Parameters {
				walk(r.OperationID+" parameter "+p.Value.Name, p.Value.Schema)
			}
		}
	}
}

// The pattern keeps the enum's meaning: the one value, or null.
func TestApplicationCategoryIsPriorityDocumentOrNull(t *testing.T) {
	s := DAS().Doc().Components.Schemas["RetrievalRequest"].Value.Properties["applicationCategory"].Value
	for _, ok := range []any{"priority document", nil} {
		if err := s.VisitJSON(ok); err != nil {
			t.Errorf("%v refused: %v", ok, err)
		}
	}
	for _, bad := range []any{"priority", "priority documents", "", float64(1)} {
		if s.VisitJSON(bad) == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}
