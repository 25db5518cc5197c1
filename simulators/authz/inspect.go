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
	_, findings := s.evaluate(assertion, clientID, true)
	return findings
}
