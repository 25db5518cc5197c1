package authz

import (
	"github.com/wipo-das/dasim/simulators/protocol"
)

// Inspect explains what this server would refuse in a client assertion,
// running the same checks as the token endpoint but collecting every
// finding instead of stopping at the first. clientID may be empty (then it
// is taken from the assertion). Replay (N60) is not considered: Inspect
// remembers nothing. No findings means the token endpoint would accept it.
func (s *Server) Inspect(assertion, clientID string) []*protocol.OAuthError {
	jws, oerr := parseAssertion(assertion)
	if oerr != nil {
		return []*protocol.OAuthError{oerr}
	}
	client, oerr := s.identify(clientID, jws)
	if oerr != nil {
		return []*protocol.OAuthError{oerr}
	}
	ev := s.newEvaluation(jws, client)
	var out []*protocol.OAuthError
	for _, c := range headerChecks {
		if oerr := c(ev); oerr != nil {
			out = append(out, oerr)
		}
	}
	if ev.key != nil && len(out) == 0 {
		if oerr := checkSignature(ev); oerr != nil {
			out = append(out, oerr)
		}
	}
	for _, c := range claimChecks {
		if oerr := c(ev); oerr != nil {
			out = append(out, oerr)
		}
	}
	return out
}
