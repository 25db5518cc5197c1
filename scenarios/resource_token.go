package scenarios

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
)

func (s *Suite) resourceToken() {
	Describe("The DAS API checks every access token and its client (RFC 6750; WIPO authentication pages)",
		s.Flow("resource-token"), s.Role("das"), func() {
			var e *harness.Env
			BeforeEach(func(ctx SpecContext) {
				e = s.env(ctx)
			})

			statuses := func(ctx SpecContext, authorization string) *http.Response {
				api, client := e.DASTarget()
				req, err := http.NewRequestWithContext(deliberately(ctx), http.MethodGet, api+"/retrievals/statuses", nil)
				Expect(err).NotTo(HaveOccurred())
				if authorization != "" {
					req.Header.Set("Authorization", authorization)
				}
				resp, err := client.Do(req)
				Expect(err).NotTo(HaveOccurred())
				resp.Body.Close()
				return resp
			}
			// officeToken is a token of a whitelisted office: enrolled in the
			// simulated world, or the first identity at a DAS under test.
			officeToken := func(ctx SpecContext) string {
				tok, err := need(e.OfficeClient(0, "EE", "ee-office")).Token(ctx)
				Expect(err).NotTo(HaveOccurred())
				return tok
			}

			s.ConformanceIt("challenges a request without a token, with no error code", Rule{
				Rule:   "If the request lacks any authentication information, the resource server SHOULD NOT include an error code",
				Source: "RFC 6750 section 3.1",
			}, func(ctx SpecContext) {
				resp := statuses(ctx, "")
				Expect(resp.StatusCode).To(Equal(http.StatusUnauthorized))
				Expect(resp.Header.Get("WWW-Authenticate")).To(HavePrefix("Bearer realm="))
				Expect(resp.Header.Get("WWW-Authenticate")).NotTo(ContainSubstring("error="))
			})

			s.ConformanceIt("refuses a token of a client that is not whitelisted", Rule{
				Rule:   "DAS API must additionally check if the client id (= sub claim) is authorized. DAS API must maintain the whitelisted clients",
				Source: "WIPO DAS private_key_jwt authentication page (seeds)",
			}, func(ctx SpecContext) {
				by(e, "a client registered at the authorization server, not whitelisted at DAS, gets a token")
				t, err := need(e.UnlistedClient()).Token(ctx, "")
				Expect(err).NotTo(HaveOccurred())
				resp := statuses(ctx, "Bearer "+t.AccessToken)
				Expect(resp.StatusCode).To(Equal(http.StatusForbidden))
			})

			s.ConformanceIt("refuses a token that expired on the world clock", Rule{
				Rule:   "The access token's validity must be verified; an expired token is invalid_token",
				Source: "RFC 6750 section 3.1; WIPO DAS private_key_jwt authentication page (seeds)",
			}, func(ctx SpecContext) {
				tok := officeToken(ctx)
				Expect(statuses(ctx, "Bearer "+tok).StatusCode).To(Equal(http.StatusOK))
				exp := tokenExpiry(tok)
				by(e, "letting the world's time pass beyond the token's exp ("+exp.UTC().Format(time.RFC3339)+")")
				need(struct{}{}, e.WaitFor(ctx, exp.Sub(e.Clock().Now())+time.Second, "the access token to expire"))
				resp := statuses(ctx, "Bearer "+tok)
				Expect(resp.StatusCode).To(Equal(http.StatusUnauthorized))
				Expect(resp.Header.Get("WWW-Authenticate")).To(ContainSubstring(`error="invalid_token"`))
			})

			s.ConformanceIt("accepts the Bearer scheme in any letter case", Rule{
				Rule:   "The authentication scheme name is case-insensitive",
				Source: "RFC 7235 section 2.1; RFC 6750 section 2.1; fapi-checks R3",
			}, func(ctx SpecContext) {
				Expect(statuses(ctx, "bEaReR "+officeToken(ctx)).StatusCode).To(Equal(http.StatusOK))
			})

			s.ConformanceIt("refuses a token whose signature was tampered with", Rule{
				Rule:   "Access token signature must be verified by the API",
				Source: "WIPO DAS private_key_jwt authentication page (seeds); RFC 6750 section 3.1 invalid_token",
			}, func(ctx SpecContext) {
				tok := officeToken(ctx)
				by(e, "flipping one bit of the decoded RS256 signature")
				parts := strings.Split(tok, ".")
				sig, err := base64.RawURLEncoding.DecodeString(parts[2])
				Expect(err).NotTo(HaveOccurred())
				sig[10] ^= 1
				parts[2] = base64.RawURLEncoding.EncodeToString(sig)
				resp := statuses(ctx, "Bearer "+strings.Join(parts, "."))
				Expect(resp.StatusCode).To(Equal(http.StatusUnauthorized))
				Expect(resp.Header.Get("WWW-Authenticate")).To(ContainSubstring(`error="invalid_token"`))
			})
		})
}

// tokenExpiry reads the exp claim of a JWT access token, unverified: the
// spec needs to know how long to wait, the DAS verifies.
func tokenExpiry(jwt string) time.Time {
	GinkgoHelper()
	parts := strings.Split(jwt, ".")
	Expect(parts).To(HaveLen(3), "a JWS compact access token")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	Expect(err).NotTo(HaveOccurred())
	var claims struct {
		Exp float64 `json:"exp"`
	}
	Expect(json.Unmarshal(payload, &claims)).To(Succeed())
	Expect(claims.Exp).To(BeNumerically(">", 0), "the access token has an exp claim")
	return time.Unix(int64(claims.Exp), 0)
}
