package protocol

// The words of WIPO's client_credentials grant with private_key_jwt, which
// the authorization server, its clients and the resource servers share.

// AssertionType is the client_assertion_type of RFC 7523 §2.2.
const AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// The scopes of WIPO DAS: the 2021 documentation used das-api/das-access,
// every current example das-api/office-exchange (docs/wipo-facts.md).
const (
	ScopeDASAccess      = "das-api/das-access"
	ScopeOfficeExchange = "das-api/office-exchange"
)

// Profile selects which client assertions an authorization server accepts,
// and so which one a client sends.
type Profile string

const (
	// ProfileWIPO is exactly what WIPO documents for its AM: the seeds'
	// assertion ({"alg":"ES256","typ":"JWT"}; iss, sub, aud = token endpoint,
	// exp; no jti, kid or iat).
	ProfileWIPO Profile = "wipo"
	// ProfileFAPI is strict FAPI 2.0 Security Profile §5.3.2.1 with RFC
	// 10070: aud is the issuer as a single string, jti is required and
	// single use, iat/nbf at most the allowed skew in the future.
	ProfileFAPI Profile = "fapi"
)

// TokenResponse is the success body of RFC 6749 §5.1 as WIPO's AM sends it:
// no refresh_token (§4.4.3 "A refresh token SHOULD NOT be included").
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	Scope       string `json:"scope"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}
