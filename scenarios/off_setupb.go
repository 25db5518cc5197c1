package scenarios

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/reports"
	"github.com/wipo-das/dasim/simulators/office"
	"github.com/wipo-das/dasim/simulators/protocol"
)

func (s *Suite) offAuthorizationServer() {
	Describe("Setup B: the OFF's own authorization server serves WIPO DAS", s.Flow("off-auth"), s.Role("off"), func() {
		s.ConformanceIt("publishes its discovery document and JWKS and gives DAS a token of scope das-api/office-exchange", Rule{
			Rule:   "In setup B the office runs its own OAuth server where DAS is a registered private_key_jwt client: its discovery document names itself, a token endpoint and a JWKS; DAS's client_credentials request gets a Bearer token with das-api/office-exchange",
			Source: "WIPO DAS calls to offices, option 2; OpenID Connect Discovery 1.0 sections 3 and 4.3; RFC 7523 section 2.2; RFC 6749 section 4.4",
		}, func(ctx SpecContext) {
			e := s.env(ctx)
			off := s.theOFF(ctx, e, harness.OFFWanted{Config: office.Config{Code: "US"}, Setup: office.SetupB})
			issuer := e.OFFIssuer(off)
			fail := func(op, rule, expected, actual string) {
				failWith(reports.Failure{Party: off.Party(), Step: "WIPO DAS authenticates at the office's own authorization server " + issuer,
					Operation: op, Rule: rule, Expected: expected, Actual: actual})
			}
			by(e, "WIPO DAS reads the discovery document of "+issuer)
			meta, err := e.Discover(ctx, issuer)
			if err != nil {
				fail("discovery", "the issuer serves its discovery document at /.well-known/openid-configuration", "HTTP 200 with JSON", err.Error())
			}
			if got, _ := meta["issuer"].(string); got != issuer {
				fail("discovery", "the issuer value of the discovery document is the issuer URL it was fetched from (OpenID Connect Discovery 1.0 section 4.3)", issuer, fmt.Sprintf("%q", got))
			}
			for _, field := range []string{"token_endpoint", "jwks_uri"} {
				if v, _ := meta[field].(string); v == "" {
					fail("discovery", "the discovery document names the "+field, "a URL", "none")
				}
			}
			if methods, ok := meta["token_endpoint_auth_methods_supported"].([]any); ok && !slices.Contains(methods, any("private_key_jwt")) {
				fail("discovery", "DAS authenticates with private_key_jwt: the server supports it", "token_endpoint_auth_methods_supported with private_key_jwt", fmt.Sprint(methods))
			}
			by(e, "WIPO DAS reads the server's JWKS")
			keys, err := e.IssuerKeys(ctx, issuer)
			if err != nil || keys.Len() == 0 {
				fail("jwks", "the JWKS holds the keys that sign DAS's tokens", "a key set with at least one key", fmt.Sprint(err))
			}
			by(e, "WIPO DAS gets a token with its client assertion (client_credentials)")
			tok, err := e.DASToken(ctx, off)
			if err != nil {
				fail("requestAccessToken", "DAS, registered as a private_key_jwt client from its certificate, gets an access token (RFC 7523 section 2.2; the assertion carries iss, sub, aud, exp, jti and iat)",
					"HTTP 200 with an access_token", err.Error())
			}
			if scopes := tokenScopes(tok); scopes != nil && !slices.Contains(scopes, protocol.ScopeOfficeExchange) {
				fail("requestAccessToken", "DAS's token carries the scope das-api/office-exchange", protocol.ScopeOfficeExchange, strings.Join(scopes, " "))
			}
			Expect(tok).NotTo(BeEmpty())
		})
	})
}

// tokenScopes are the scopes of a JWT access token (an array, as WIPO's AM
// writes it, or a space-separated string, RFC 9068 section 2.2.3); nil for
// an opaque token.
func tokenScopes(tok string) []string {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil
	}
	var c struct {
		Scope json.RawMessage `json:"scope"`
	}
	if json.Unmarshal(b, &c) != nil || len(c.Scope) == 0 {
		return []string{}
	}
	var s string
	if json.Unmarshal(c.Scope, &s) == nil {
		return strings.Fields(s)
	}
	var l []string
	_ = json.Unmarshal(c.Scope, &l)
	return l
}
