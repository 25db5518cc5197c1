package faults

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// State is the body of GET on the admin endpoint.
type State struct {
	Rules  []Rule  `json:"rules"`
	Events []Event `json:"events"`
}

// AdminHandler switches faults over HTTP, for a running `dasim serve`:
//
//	GET                    {"rules":[...],"events":[...]}
//	PUT    a Rule or [Rule] switches them on, answers 200 with the rules as stored (ids set)
//	DELETE ?id=f3          switches one rule off (404 if none); without id, every rule
//
// Mount it wherever the CLI likes (e.g. /dasim/faults).
func (s *Set) AdminHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, http.StatusOK, State{Rules: nonNil(s.Rules()), Events: nonNil(s.Events())})
		case http.MethodPut:
			rules, err := decodeRules(r)
			if err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
				return
			}
			var added []Rule
			var errs []error
			for i, rule := range rules {
				if err := rule.Validate(); err != nil {
					errs = append(errs, fmt.Errorf("rule %d: %w", i, err))
				}
			}
			if len(errs) > 0 {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": errors.Join(errs...).Error()})
				return
			}
			for _, rule := range rules {
				a, _ := s.Add(rule) // validated above
				added = append(added, a)
			}
			writeJSON(w, http.StatusOK, added)
		case http.MethodDelete:
			id := r.URL.Query().Get("id")
			if id == "" {
				s.Clear()
			} else if !s.Remove(id) {
				writeJSON(w, http.StatusNotFound, map[string]string{"error": "no rule " + id})
				return
			}
			w.WriteHeader(http.StatusNoContent)
		default:
			w.Header().Set("Allow", "GET, PUT, DELETE")
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use GET, PUT or DELETE"})
		}
	})
}

// decodeRules reads one rule or an array of rules.
func decodeRules(r *http.Request) ([]Rule, error) {
	var raw json.RawMessage
	if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20)).Decode(&raw); err != nil {
		return nil, fmt.Errorf("body: want a rule or an array of rules: %w", err)
	}
	dec := func(v any) error { return json.Unmarshal(raw, v) }
	if len(raw) > 0 && raw[0] == '[' {
		var rules []Rule
		return rules, dec(&rules)
	}
	var one Rule
	if err := dec(&one); err != nil {
		return nil, fmt.Errorf("body: %w", err)
	}
	return []Rule{one}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
