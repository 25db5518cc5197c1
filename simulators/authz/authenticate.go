package authz

import (
	"github.com/wipo-das/dasim/simulators/protocol"
)

// authenticate runs the private_key_jwt checks of RFC 7523 §3 on a parsed
// request: structure, client, header, signature, claims, replay.
func (s *Server) authenticate(tr *tokenRequest) (*evaluation, *protocol.OAuthError) {
	jws, oerr := parseAssertion(tr.assertion)
	if oerr != nil {
		return nil, oerr
	}
	client, oerr := s.identify(tr.clientID, jws)
	if oerr != nil {
		return nil, oerr
	}
	ev := s.newEvaluation(jws, client)
	for _, c := range headerChecks {
		if oerr := c(ev); oerr != nil {
			return nil, oerr
		}
	}
	if oerr := checkSignature(ev); oerr != nil {
		return nil, oerr
	}
	for _, c := range claimChecks {
		if oerr := c(ev); oerr != nil {
			return nil, oerr
		}
	}
	if ev.jti != "" {
		if first, ok := s.replay.use(client.id, ev.jti, ev.exp.Add(s.cfg.Skew), ev.now); !ok {
			return nil, reject(protocol.ErrInvalidClient, "N60", "jti '%s' of client '%s' was already used; it stays used until %s: mint a new jti for every request (RFC 7523 section 3 item 7)", clip(ev.jti), client.id, stamp(first))
		}
	}
	return ev, nil
}

func (s *Server) newEvaluation(jws *parsedJWS, c *registered) *evaluation {
	return &evaluation{cfg: &s.cfg, jws: jws, client: c, now: s.cfg.Clock.Now(),
		others: func() []*registered { return s.clients.others(c.id) }}
}

// identify finds the client: client_id if sent (RFC 7521 §4.2 lets the
// client send it, then it must match sub), else sub, else iss.
func (s *Server) identify(clientID string, jws *parsedJWS) (*registered, *protocol.OAuthError) {
	sub, _ := stringMember(jws.claims, "sub")
	iss, _ := stringMember(jws.claims, "iss")
	if clientID != "" && sub != "" && clientID != sub {
		return nil, reject(protocol.ErrInvalidClient, "N13", "client_id parameter '%s' differs from the assertion sub '%s' (RFC 7521 section 4.2)", clientID, sub)
	}
	// With sub != iss, the registered one is the client, so that checkIss
	// or checkSub names the wrong claim instead of "unknown client".
	var c *registered
	first := ""
	for _, id := range []string{clientID, sub, iss} {
		if id == "" {
			continue
		}
		if first == "" {
			first = id
		}
		if c = s.clients.get(id); c != nil {
			break
		}
	}
	if first == "" {
		return nil, reject(protocol.ErrInvalidClient, "N39", "cannot tell the client: the assertion has no string sub or iss and no client_id parameter was sent (RFC 7523 section 3 item 2.B)")
	}
	if c == nil {
		return nil, reject(protocol.ErrInvalidClient, "N14", "unknown client '%s': no registration for it (register its certificate first)", clip(first))
	}
	if c.authMethod != MethodPrivateKeyJWT {
		return nil, reject(protocol.ErrInvalidClient, "N15", "client '%s' is registered for token_endpoint_auth_method %s, not private_key_jwt", c.id, c.authMethod)
	}
	return c, nil
}
