package authz

import (
	"net/http"
	"strings"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// Refuse is the authorization server's writer for a request its contract
// (authz.yaml) refused, for openapi.OnRefusal: RFC 6749 §5.2
// invalid_request, the description naming each field and rule broken.
func (s *Server) Refuse(w http.ResponseWriter, _ *http.Request, ref *openapi.Refusal) {
	s.setDate(w)
	desc := make([]string, len(ref.Violations))
	for i, v := range ref.Violations {
		desc[i] = v.String()
	}
	protocol.WriteOAuthError(w, protocol.ErrInvalidRequest.Describef("", "%s", strings.Join(desc, "; ")))
}
