package scenarios

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/simulators/clientauth"
	"github.com/wipo-das/dasim/simulators/protocol"
)

func (s *Suite) tokenEndpoint() {
	Describe("Token endpoint: private_key_jwt client credentials (WIPO authentication pages, RFC 7523)",
		s.Flow("token-endpoint"), s.Role("authz", "token-client"), func() {
			var (
				e  *harness.Env
				as harness.AuthZ
				ee *harness.Identity
			)
			BeforeEach(func(ctx SpecContext) {
				e = s.env(ctx)
				as = e.AuthZ()
				ee = need(e.Enroll("EE", "ee-office"))
			})

			s.ConformanceIt("issues a Bearer token for the seeds' assertion (iss, sub, aud, exp only)", Rule{
				Rule:   "The client assertion carries iss = sub = client id, aud = token endpoint and exp; the response holds access_token, scope, token_type Bearer and expires_in",
				Source: "WIPO DAS private_key_jwt authentication page (seeds); RFC 7523 section 3",
			}, func(ctx SpecContext) {
				by(e, "building the assertion the seeds' script builds")
				assertion, err := as.Assertion(ee, harness.AssertionSpec{})
				Expect(err).NotTo(HaveOccurred())
				by(e, "posting it to the token endpoint with grant_type=client_credentials")
				res, err := as.PostToken(ctx, harness.ClientCredentialsForm(assertion, protocol.ScopeOfficeExchange))
				Expect(err).NotTo(HaveOccurred())
				Expect(res.Status).To(Equal(200), res.Body)
				Expect(res.Token.TokenType).To(Equal("Bearer"))
				Expect(res.Token.Scope).To(Equal(protocol.ScopeOfficeExchange))
				Expect(res.Token.ExpiresIn).To(BeNumerically(">", 3500))
				Expect(res.Header.Get("Cache-Control")).To(Equal("no-store"))
			})

			s.ConformanceIt("refuses a DER-encoded ES256 signature and explains the encoding", Rule{
				Rule:   "The ES256 signature is the 64-octet concatenation R||S; any other length fails",
				Source: "RFC 7518 section 3.4; fapi-checks N32",
			}, func(ctx SpecContext) {
				by(e, "signing the assertion, then re-encoding its signature as DER (what openssl dgst -sign prints)")
				assertion, err := as.Assertion(ee, harness.AssertionSpec{})
				Expect(err).NotTo(HaveOccurred())
				res, err := as.PostToken(ctx, harness.ClientCredentialsForm(derEncoded(assertion), ""))
				Expect(err).NotTo(HaveOccurred())
				Expect(res.Status).To(Equal(401), res.Body)
				Expect(res.Error.Code).To(Equal("invalid_client"))
				Expect(res.Error.CheckID).To(Equal("N32"))
				Expect(strings.ToLower(res.Error.Description)).To(ContainSubstring("der"))
			})

			s.ConformanceIt("refuses an assertion whose audience is another server", Rule{
				Rule:   "The JWT MUST contain an aud claim identifying the authorization server as an intended audience",
				Source: "RFC 7523 section 3 item 3; fapi-checks N42",
			}, func(ctx SpecContext) {
				assertion, err := as.Assertion(ee, harness.AssertionSpec{Audience: "https://logindev.wipo.int:443/am/oauth2/access_token"})
				Expect(err).NotTo(HaveOccurred())
				res, err := as.PostToken(ctx, harness.ClientCredentialsForm(assertion, ""))
				Expect(err).NotTo(HaveOccurred())
				Expect(res.Error).NotTo(BeNil(), res.Body)
				Expect(res.Error.Code).To(Equal("invalid_client"))
				Expect(res.Error.Description).To(ContainSubstring(as.TokenEndpoint()), "names the expected audience")
			})

			s.ConformanceIt("refuses a replayed jti", Rule{
				Rule:   "The authorization server may ensure that JWTs are not replayed by maintaining the set of used jti values",
				Source: "RFC 7523 section 3 item 7; OpenID Connect Core section 9; fapi-checks N60",
			}, func(ctx SpecContext) {
				assertion, err := as.Assertion(ee, harness.AssertionSpec{JTI: "replay-1234567890abc", IssuedAt: true})
				Expect(err).NotTo(HaveOccurred())
				by(e, "using the assertion once")
				first, err := as.PostToken(ctx, harness.ClientCredentialsForm(assertion, ""))
				Expect(err).NotTo(HaveOccurred())
				Expect(first.Status).To(Equal(200), first.Body)
				by(e, "using it again")
				again, err := as.PostToken(ctx, harness.ClientCredentialsForm(assertion, ""))
				Expect(err).NotTo(HaveOccurred())
				Expect(again.Error).NotTo(BeNil())
				Expect(again.Error.CheckID).To(Equal("N60"))
			})

			s.ConformanceIt("answers an unknown scope with invalid_scope", Rule{
				Rule:   "invalid_scope: the requested scope is invalid, unknown, malformed, or exceeds the scope granted",
				Source: "RFC 6749 section 5.2; fapi-checks N62",
			}, func(ctx SpecContext) {
				assertion, err := as.Assertion(ee, harness.AssertionSpec{})
				Expect(err).NotTo(HaveOccurred())
				res, err := as.PostToken(ctx, harness.ClientCredentialsForm(assertion, "das-api/everything"))
				Expect(err).NotTo(HaveOccurred())
				Expect(res.Status).To(Equal(400))
				Expect(res.Error.Code).To(Equal("invalid_scope"))
			})

			s.ConformanceIt("refuses an assertion that expired on the world clock", Rule{
				Rule:   "The JWT MUST contain an exp claim; the authorization server MUST reject JWTs with an exp that has passed",
				Source: "RFC 7523 section 3 item 4; fapi-checks N53",
			}, func(ctx SpecContext) {
				by(e, "signing an assertion valid 10 s, as the seeds' script does")
				assertion, err := as.Assertion(ee, harness.AssertionSpec{Lifetime: 10e9})
				Expect(err).NotTo(HaveOccurred())
				by(e, "advancing the world clock five minutes")
				require(e, harness.AdvanceClock)
				Expect(e.Advance(5 * 60e9)).To(Succeed())
				res, err := as.PostToken(ctx, harness.ClientCredentialsForm(assertion, ""))
				Expect(err).NotTo(HaveOccurred())
				Expect(res.Error).NotTo(BeNil(), res.Body)
				Expect(res.Error.Code).To(Equal("invalid_client"))
				Expect(res.Error.CheckID).To(Equal("N53"))
			})
		})
}

// derEncoded replaces an ES256 JWS's R||S signature by its ASN.1 DER form.
func derEncoded(jws string) string {
	der, err := clientauth.DEREncodedJWS(jws)
	Expect(err).NotTo(HaveOccurred())
	return der
}
