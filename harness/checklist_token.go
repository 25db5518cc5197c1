package harness

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// tokenGranted is T1: every token request of the system is granted. A
// refusal quotes the authorization server's answer: the RFC 6749 section
// 5.2 error, the check id and the description of the failed check.
func (s *snapshot) tokenGranted() Check {
	c := Check{ID: "T1", Title: "gets its access tokens: every token request is granted", Flow: "token-endpoint",
		Step: "token request", Op: "POST access_token",
		Rule: "The client authenticates with a private_key_jwt assertion (ES256; iss and sub its client id; aud the token endpoint; " +
			"exp a few seconds ahead, at most 1000 s) and grant_type client_credentials, scope das-api/office-exchange",
		Source: "WIPO DAS private_key_jwt authentication; RFC 7523 section 3; RFC 6749 sections 4.4 and 5.2",
		State:  NotYetSeen, Detail: "no token request of the system has reached the world's token endpoint"}
	granted := 0
	for _, t := range s.tokens {
		if t.Status == http.StatusOK {
			granted++
			continue
		}
		actual := fmt.Sprintf("%d %s", t.Status, t.Error)
		if t.CheckID != "" {
			actual += " (check " + t.CheckID + ")"
		}
		c.violate(t.At, "200 with an access token", actual+": "+t.Description,
			fmt.Sprintf("the token endpoint refused the system's token request (scope '%s'; %s)", t.Scope, t.Assertion))
		return c
	}
	if granted > 0 {
		c.meet(fmt.Sprintf("%d token request(s) granted", granted))
	}
	return c
}

// expiredTokenRefusal is what DAS's token check says of an expired token.
const expiredTokenRefusal = "R6 token expired"

// tokenRenewed is T2: the client renews its access token instead of
// presenting an expired one. It is met once DAS accepted a request after
// the system's first token expired (so a renewed token was presented).
func (s *snapshot) tokenRenewed() Check {
	c := Check{ID: "T2", Title: "renews its access token instead of presenting an expired one", Flow: "token-endpoint",
		Step: "every call", Op: "any DAS operation", Optional: !s.cfg.RequireRenewal, State: NotYetSeen,
		Rule:   "An access token serves until it expires (expires_in seconds after it was issued), then a new one is requested; DAS refuses an expired token with 401 invalid_token",
		Source: "RFC 6749 section 5.1 (expires_in); RFC 6750 section 3.1; das.yaml (401 Unauthorized)"}
	for _, e := range s.ex {
		if e.Status == http.StatusUnauthorized && strings.Contains(e.ResponseBody, expiredTokenRefusal) {
			c.Op = e.Operation
			c.violate(e.At, "a token that has not expired", "DAS answered 401: "+clip(e.ResponseBody),
				"the system presented an expired access token to DAS instead of renewing it")
			return c
		}
	}
	var expiry time.Time
	for _, t := range s.tokens {
		if t.Status == http.StatusOK && t.ExpiresIn > 0 {
			expiry = t.At.Add(t.ExpiresIn + time.Second) // AM's expires_in is one second short
			break
		}
	}
	if expiry.IsZero() {
		c.Detail = "no token of the system has been granted yet"
		return c
	}
	for _, e := range s.ex {
		// A fault's 503 is answered before DAS reads the token: it proves nothing.
		if e.At.After(expiry) && e.Status != 0 && e.Status < 500 && e.Status != http.StatusUnauthorized {
			c.meet(fmt.Sprintf("its first token expired at %s; DAS accepted its %s at %s, with a renewed token",
				stamp(expiry), e.Operation, stamp(e.At)))
			return c
		}
	}
	c.Detail = fmt.Sprintf("its first token expires at %s; no request to DAS has come after that yet", stamp(expiry))
	return c
}

func stamp(t time.Time) string { return t.UTC().Format("15:04:05.000Z") }
