package scenarios

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/reports"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// offTokenChecks are the tokens an office must refuse on every call from
// DAS, each with the rule that makes it wrong.
var offTokenChecks = []struct {
	flaw   harness.TokenFlaw
	rule   string
	source string
}{
	{harness.NoToken, "a request without an access token is refused with 401 and a Bearer challenge", "RFC 6750 section 3 and 3.1"},
	{harness.MalformedToken, "a token that is not a JWS is invalid_token", "RFC 6750 section 3.1; RFC 7515 section 5.2"},
	{harness.TamperedToken, "access token signature must be verified: an altered signature is invalid_token", "WIPO DAS private_key_jwt authentication page (seeds); RFC 7515 section 5.2"},
	{harness.ForeignKeyToken, "the token is verified with the issuer's JWKS only: a key outside it (even under a known kid, even embedded in the header) is refused", "WIPO DAS calls to offices, option 1 (WIPO's JWKS, unknown kid refused); RFC 7515 section 10.3"},
	{harness.AlgNoneToken, "an unsecured JWS (alg none) is never accepted as an access token", "RFC 7519 section 6; RFC 8725 section 3.1"},
	{harness.HS256Token, "the algorithm is the issuer's (RS256), not the token's choice: HS256 keyed with the public key is refused", "RFC 8725 sections 2.1 and 3.1"},
	{harness.ExpiredToken, "access token validity must be verified: an expired token is invalid_token", "RFC 7519 section 4.1.4; RFC 6750 section 3.1"},
	{harness.NotYetValidToken, "a token not yet valid (nbf in the future) is invalid_token", "RFC 7519 section 4.1.5; RFC 6750 section 3.1"},
	{harness.OtherIssuerToken, "the token's issuer must be the authorization server the office trusts (iss)", "RFC 7519 section 4.1.1; RFC 8725 section 3.8"},
	{harness.NoScopeToken, "the token must carry the das-api/office-exchange scope (insufficient_scope otherwise)", "WIPO DAS calls to offices (scope das-api/office-exchange); RFC 6750 section 3.1"},
	{harness.OtherClientToken, "the token must have been issued to DAS: the client id (sub) must be authorized", "WIPO DAS private_key_jwt authentication page (seeds): check if the client id (=sub claim) is authorized"},
	{harness.WIPOTokenInSetupB, "in setup B the office accepts only tokens of its own authorization server", "WIPO DAS calls to offices, option 2 (the office's own OAuth server)"},
}

func (s *Suite) offAuthenticatesDAS() {
	Describe("The OFF authenticates every call from WIPO DAS (RFC 6750 section 3; WIPO's calls to offices)",
		s.Flow("off-auth"), s.Role("off"), func() {
			for _, c := range offTokenChecks {
				s.ConformanceIt("refuses "+string(c.flaw)+" on every DAS-facing operation, revealing nothing", Rule{
					Rule:   c.rule + "; the refusal (401, or 403 for scope and client; WWW-Authenticate: Bearer) names no document, checksum, URL or ack id, and the refused call has no effect",
					Source: c.source,
				}, func(ctx SpecContext) {
					e := s.env(ctx)
					off, osf := s.homeOFF(ctx, e)
					auth := need(e.ForgeToken(ctx, off, c.flaw))
					by(e, "a genuine retrieval through WIPO DAS gives the OFF's own request ack id")
					offAck := s.knownOFFAck(ctx, e, off, osf)
					ops := servedOperations(ctx, off, dasFacingOperations(off.Document(), offAck))
					by(e, "WIPO DAS's calls to the OFF carry "+string(c.flaw))
					from := len(e.Exchanges())
					var fs []reports.Failure
					for _, o := range ops {
						r, err := e.CallOFFWith(ctx, off, auth, o.method, o.path, o.query, o.body)
						Expect(err).NotTo(HaveOccurred(), "calling the OFF's "+o.String())
						if problem := refusalProblem(r, c.flaw, secretsOf(off, offAck)); problem != "" {
							fs = append(fs, reports.Failure{Party: off.Party(), Step: officeStep(o), Operation: o.op,
								Rule: "RFC 6750 section 3: " + c.rule, Expected: expectedRefusal(c.flaw), Actual: problem + "; " + answerText(r),
								Message: o.String() + " with " + string(c.flaw)})
						}
					}
					failAll(fs)
					by(e, "the OFF did not act on the refused calls")
					settleAfterProbes(ctx, e)
					probe := func(ack string) bool { return e.ProbeAck(off.Code(), ack) }
					if f := dasRefusal(e.Exchanges()[from:], "office "+off.Code(), probe, func(ack string) bool { return e.AnsweredAck(off.Code(), ack) }); f != nil {
						f.Party = off.Party()
						failWith(*f)
					}
				})
			}

			s.ConformanceIt("serves its document only through the download link it handed out, not an altered one", Rule{
				Rule:   "the OFF's download link is its only credential (DAS fetches it without a token): a link whose query or last character was altered serves nothing of the document",
				Source: "WIPO DAS exchange flows c.2 step 5 (WIPO DAS downloads the document file content from OFF); RFC 6819 section 5.1.4.2.2",
			}, func(ctx SpecContext) {
				e := s.env(ctx)
				off, osf := s.homeOFF(ctx, e)
				_, offAck := s.forwardedRetrieval(ctx, e, off, osf)
				by(e, "WIPO DAS asks the OFF for the file location URL")
				dl := offDownloadURL(ctx, off, offAck)
				by(e, "fetching altered copies of the link")
				var fs []reports.Failure
				for _, link := range alteredLinks(dl.FileDownloadURL) {
					status, _, body, err := e.FetchLink(ctx, link, int64(len(off.Document().Content))+1)
					if err != nil {
						continue // refused at the connection: nothing served
					}
					if status/100 == 2 || harness.SHA256(body) == harness.SHA256(off.Document().Content) {
						fs = append(fs, reports.Failure{Party: off.Party(), Step: offCallStep("getFileDownloadUrl"), Operation: "getFileDownloadUrl",
							Pointer: "/fileDownloadUrl", Rule: "an altered download link is refused (the link is signed or unguessable, and checked)",
							Expected: "a 4xx answer without the document", Actual: fmt.Sprintf("HTTP %d, %d bytes for %s", status, len(body), link)})
					}
				}
				failAll(fs)
			})
		})
}

// secretsOf are what a refusal must not reveal of off's document.
func secretsOf(off harness.OFF, offAck string) []string {
	d := off.Document()
	out := []string{d.Number, harness.SHA256(d.Content), "fileDownloadUrl", "requestAckId"}
	if len(offAck) >= 6 {
		out = append(out, offAck)
	}
	return out
}

func expectedRefusal(flaw harness.TokenFlaw) string {
	if flaw == harness.NoScopeToken || flaw == harness.OtherClientToken {
		return "HTTP 401 or 403 with WWW-Authenticate: Bearer, nothing of the document"
	}
	return "HTTP 401 with WWW-Authenticate: Bearer, nothing of the document"
}

// refusalProblem says what is wrong with r as the refusal of a call with
// flaw; "" when it is a proper refusal.
func refusalProblem(r *harness.Response, flaw harness.TokenFlaw, secrets []string) string {
	var problems []string
	ok := r.Status == http.StatusUnauthorized ||
		(r.Status == http.StatusForbidden && (flaw == harness.NoScopeToken || flaw == harness.OtherClientToken))
	if !ok {
		problems = append(problems, fmt.Sprintf("answered %d, not a refusal", r.Status))
	}
	if ch := r.Header.Get("WWW-Authenticate"); !strings.HasPrefix(strings.ToLower(ch), "bearer") {
		problems = append(problems, fmt.Sprintf("WWW-Authenticate is %q, not a Bearer challenge", ch))
	}
	for _, sec := range secrets {
		if strings.Contains(string(r.Body), sec) {
			problems = append(problems, "the answer reveals "+sec)
		}
	}
	for _, code := range []int{protocol.DetailNotRegistered, protocol.DetailFilingDateMismatch, protocol.DetailAccessCodeMismatch} {
		if hasDetail(r, code) {
			problems = append(problems, fmt.Sprintf("the answer carries lookup detail %d: the document was looked up for an unauthenticated caller", code))
		}
	}
	return strings.Join(problems, "; ")
}

// alteredLinks are copies of link an attacker could try: without its query,
// and with the last character of its query (a signature) or path changed.
func alteredLinks(link string) []string {
	u, err := url.Parse(link)
	if err != nil {
		return nil
	}
	flip := func(s string) string {
		if s == "" {
			return s
		}
		c := s[len(s)-1]
		n := byte('0')
		if c == '0' {
			n = '1'
		}
		return s[:len(s)-1] + string(n)
	}
	var out []string
	if u.RawQuery != "" {
		bare := *u
		bare.RawQuery = ""
		out = append(out, bare.String())
		q := *u
		q.RawQuery = flip(u.RawQuery)
		out = append(out, q.String())
	} else {
		p := *u
		p.Path = flip(u.Path)
		p.RawPath = ""
		out = append(out, p.String())
	}
	return out
}
