package clientauth

import (
	"context"
	"crypto"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// TokenClient does the seeds' authentication script in Go: discovery, a
// fresh client assertion, the client_credentials request.
type TokenClient struct {
	HTTP     *http.Client // nil: http.DefaultClient
	Issuer   string       // e.g. https://127.0.0.1:8443/am/oauth2
	ClientID string
	Key      crypto.Signer
	// Profile decides the audience: the token endpoint (wipo) or the issuer
	// (fapi); fapi also sends jti, iat and nbf.
	Profile protocol.Profile
	// Identified sends jti, iat and nbf in every profile: RFC 7523 §3 allows
	// them (items 6 and 7), and certified servers require them; WIPO's
	// seed script sends neither, so offices under test need not.
	Identified bool
	Lifetime   time.Duration // 0: 10 s as the seeds' script
	Now        func() time.Time
	Rand       io.Reader // for jti
}

// Discover fetches the provider metadata (OpenID Connect Discovery 1.0 §4).
func (c *TokenClient) Discover(ctx context.Context) (map[string]any, error) {
	u := strings.TrimSuffix(c.Issuer, "/") + "/.well-known/openid-configuration"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	res, err := c.httpClient().Do(req)
	if err != nil {
		return nil, fmt.Errorf("discovery: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("discovery %s: status %d", u, res.StatusCode)
	}
	var m map[string]any
	if err := json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&m); err != nil {
		return nil, fmt.Errorf("discovery %s: %w", u, err)
	}
	return m, nil
}

// Token requests an access token for scope. A refusal comes back as a
// *protocol.OAuthError carrying the server's status and description.
func (c *TokenClient) Token(ctx context.Context, scope string) (*protocol.TokenResponse, error) {
	meta, err := c.Discover(ctx)
	if err != nil {
		return nil, err
	}
	endpoint, _ := meta["token_endpoint"].(string)
	issuer, _ := meta["issuer"].(string)
	if endpoint == "" {
		return nil, fmt.Errorf("discovery: no token_endpoint")
	}
	spec := AssertionSpec{ClientID: c.ClientID, Audience: endpoint, Lifetime: c.Lifetime}
	if c.Profile == protocol.ProfileFAPI {
		spec.Audience = issuer
	}
	if c.Profile == protocol.ProfileFAPI || c.Identified {
		spec.IssuedAt = true
		if spec.JTI, err = NewJTI(c.Rand); err != nil {
			return nil, err
		}
	}
	assertion, err := SignAssertion(c.Key, spec, c.Now())
	if err != nil {
		return nil, err
	}
	return c.Exchange(ctx, endpoint, assertion, scope)
}

// Exchange posts an already built assertion to the token endpoint.
func (c *TokenClient) Exchange(ctx context.Context, endpoint, assertion, scope string) (*protocol.TokenResponse, error) {
	form := url.Values{"grant_type": {"client_credentials"}, "client_assertion_type": {protocol.AssertionType},
		"client_assertion": {assertion}}
	if scope != "" {
		form.Set("scope", scope)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.httpClient().Do(req)
	if err != nil {
		return nil, fmt.Errorf("token request: %w", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		oe := &protocol.OAuthError{}
		if json.Unmarshal(body, oe) != nil || oe.Code == "" {
			return nil, fmt.Errorf("token endpoint: status %d: %.200s", res.StatusCode, body)
		}
		oe.Status = res.StatusCode
		return nil, oe
	}
	var tr protocol.TokenResponse
	if err := json.Unmarshal(body, &tr); err != nil {
		return nil, fmt.Errorf("token response: %w", err)
	}
	return &tr, nil
}

func (c *TokenClient) httpClient() *http.Client {
	if c.HTTP == nil {
		return http.DefaultClient
	}
	return c.HTTP
}
