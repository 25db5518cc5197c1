package openapi

import (
	"encoding/json"
	"net/http"
	"strings"
)

// Refusal is a request the contract middleware refused: it hands it to the
// party's own error writer (OnRefusal), which answers in its protocol's
// shape, as kin-openapi's ErrFunc does. The middleware itself knows no
// party's error body.
type Refusal struct {
	// Status is the HTTP status the refusal calls for: 400 (a field breaks
	// a rule), 401 (no bearer token), 404 (no such operation), 405 (known
	// path, other method), 415 (content type).
	Status int
	// Allow lists the path's methods, for a 405's Allow header.
	Allow []string
	// Challenge is the WWW-Authenticate value of a 401 (RFC 6750 §3: no
	// error code when the request carries no token).
	Challenge string
	// Violations name each field and rule broken.
	Violations []Violation
}

// Missing reports whether v is a required member or parameter absent.
func (v Violation) Missing() bool { return v.Rule == "required" }

// Malformed reports whether v is a body that is not JSON of the documented
// shape or content type.
func (v Violation) Malformed() bool { return v.Rule == "syntax" || v.In == InContentType }

// RefusalFunc writes a refusal in the party's protocol.
type RefusalFunc func(w http.ResponseWriter, r *http.Request, ref *Refusal)

// OnRefusal makes a Middleware hand each refusal to f instead of answering
// with RFC 9457 problem+json.
func OnRefusal(f RefusalFunc) Option { return func(s *settings) { s.onRefusal = f } }

// refusalOf classifies violations into the status they call for.
func refusalOf(vs []Violation) *Refusal {
	ref := &Refusal{Status: http.StatusBadRequest, Violations: vs}
	for _, v := range vs {
		switch {
		case v.In == InRoute && v.Rule == "method":
			ref.Status, ref.Allow = http.StatusMethodNotAllowed, v.allowed
		case v.In == InRoute:
			ref.Status = http.StatusNotFound
		case v.In == InSecurity:
			ref.Status, ref.Challenge = http.StatusUnauthorized, `Bearer realm="das"`
		case v.In == InContentType && ref.Status == http.StatusBadRequest:
			ref.Status = http.StatusUnsupportedMediaType
		}
	}
	return ref
}

// refuse answers vs through the party's writer, or problem+json.
func (s *settings) refuse(w http.ResponseWriter, r *http.Request, vs []Violation) {
	ref := refusalOf(vs)
	if s.onRefusal != nil {
		s.onRefusal(w, r, ref)
		return
	}
	WriteProblem(w, ref)
}

// WriteProblem answers ref as RFC 9457 problem details (§3.1 members plus
// the extension member "violations"), the fallback of a middleware that was
// given no party writer.
func WriteProblem(w http.ResponseWriter, ref *Refusal) {
	h := w.Header()
	if len(ref.Allow) > 0 {
		h.Set("Allow", strings.Join(ref.Allow, ", "))
	}
	if ref.Challenge != "" {
		h.Set("WWW-Authenticate", ref.Challenge)
	}
	detail := make([]string, len(ref.Violations))
	for i, v := range ref.Violations {
		detail[i] = v.String()
	}
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(ref.Status)
	_ = json.NewEncoder(w).Encode(map[string]any{"type": "about:blank", "title": http.StatusText(ref.Status),
		"status": ref.Status, "detail": strings.Join(detail, "; "), "violations": ref.Violations})
}
