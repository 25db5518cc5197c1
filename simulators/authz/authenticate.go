package authz

import (
	"github.com/wipo-das/dasim/simulators/protocol"
)

// authenticate runs the private_key_jwt checks of RFC 7523 §3 on a parsed
// request: structure, client, header, signature, claims, replay.
func (s *Server) authenticate(tr *tokenRequest) (*evaluation, *protocol.OAuthError) {
	ev, findings := s.evaluate(tr.assertion, tr.clientID, false)
	if len(findings) > 0 {
		return nil, findings[0]
	}
	if ev.jti != "" {
		if first, ok := s.replay.use(ev.client.id, ev.jti, ev.exp.Add(s.cfg.Skew), ev.now); !ok {
			return nil, reject(protocol.ErrInvalidClient, "N60", "jti '%s' of client '%s' was already used; it stays used until %s: mint a new jti for every request (RFC 7523 section 3 item 7)", clip(ev.jti), ev.client.id, stamp(first))
		}
	}
	return ev, nil
}

// evaluate runs the checks of an assertion in order: structure, client,
// header, signature, claims. It stops at the first finding, or with all
// collects every finding (Inspect); then the signature is checked only when
// the header checks passed and found a key, as nothing else can be said of it.
func (s *Server) evaluate(assertion, clientID string, all bool) (*evaluation, []*protocol.OAuthError) {
	jws, oerr := parseAssertion(assertion)
	if oerr != nil {
		return nil, []*protocol.OAuthError{oerr}
	}
	client, oerr := s.identify(clientID, jws)
	if oerr != nil {
		return nil, []*protocol.OAuthError{oerr}
	}
	ev := s.newEvaluation(jws, client)
	var findings []*protocol.OAuthError
	// passes runs c and says whether to go on.
	passes := func(c check) bool {
		if oerr := c(ev); oerr != nil {
			findings = append(findings, oerr)
			return all
		}
		return true
	}
	for _, c := range headerChecks {
		if !passes(c) {
			return ev, findings
		}
	}
	if !all || (len(findings) == 0 && ev.key != nil) {
		if !passes(checkSignature) {
			return ev, findings
		}
	}
	for _, c := range claimChecks {
		if !passes(c) {
			return ev, findings
		}
	}
	return ev, findings
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
