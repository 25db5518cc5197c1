package authz

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// TokenResponse is the success body of RFC 6749 §5.1 (protocol.TokenResponse).
type TokenResponse = protocol.TokenResponse

// accessClaims are the claims of an AM stateless access token, in the order
// of the seeds' decoded sample.
type accessClaims struct {
	Sub             string   `json:"sub"`
	CTS             string   `json:"cts"`
	AuditTrackingID string   `json:"auditTrackingId"`
	Iss             string   `json:"iss"`
	TokenName       string   `json:"tokenName"`
	TokenType       string   `json:"token_type"`
	AuthGrantID     string   `json:"authGrantId"`
	Aud             string   `json:"aud"`
	Nbf             int64    `json:"nbf"`
	GrantType       string   `json:"grant_type"`
	Scope           []string `json:"scope"`
	AuthTime        int64    `json:"auth_time"`
	Realm           string   `json:"realm"`
	Exp             int64    `json:"exp"`
	Iat             int64    `json:"iat"`
	ExpiresIn       int64    `json:"expires_in"`
	JTI             string   `json:"jti"`
}

// Issue mints an access token for a registered client without HTTP (for
// harnesses and tests of resource servers).
func (s *Server) Issue(clientID string, scopes []string) (*TokenResponse, error) {
	if s.clients.get(clientID) == nil {
		return nil, fmt.Errorf("authz: unknown client %q", clientID)
	}
	return s.mint(clientID, scopes)
}

func (s *Server) mint(clientID string, scopes []string) (*TokenResponse, error) {
	now := s.cfg.Clock.Now().Truncate(time.Second)
	life := int64(s.cfg.TokenLifetime / time.Second)
	ids, err := s.randomIDs()
	if err != nil {
		return nil, err
	}
	c := accessClaims{Sub: clientID, CTS: "OAUTH2_STATELESS_GRANT",
		AuditTrackingID: fmt.Sprintf("%s-%d", ids[2], s.seq.Add(1)), Iss: s.cfg.Issuer(),
		TokenName: "access_token", TokenType: "Bearer", AuthGrantID: ids[0], Aud: clientID,
		Nbf: now.Unix(), GrantType: "client_credentials", Scope: scopes, AuthTime: now.Unix(), Realm: "/",
		Exp: now.Unix() + life, Iat: now.Unix(), ExpiresIn: life, JTI: ids[1]}
	payload, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	h := jws.NewHeaders()
	_ = h.Set("typ", "JWT")
	_ = h.Set("kid", s.signing.kid)
	tok, err := jws.Sign(payload, jws.WithKey(jwa.RS256(), s.signing.raw, jws.WithProtectedHeaders(h)))
	if err != nil {
		return nil, fmt.Errorf("authz: sign access token: %w", err)
	}
	// AM reports the whole seconds left once the response is built, one
	// less than the lifetime (the seeds' sample: expires_in 3599, claim 3600).
	return &TokenResponse{AccessToken: string(tok), Scope: strings.Join(scopes, " "),
		TokenType: "Bearer", ExpiresIn: life - 1}, nil
}

// randomIDs returns authGrantId and jti (27 base64url characters, as AM's)
// and a UUID-shaped audit tracking id, all from the configured Rand.
func (s *Server) randomIDs() ([3]string, error) {
	var b [56]byte
	s.randMu.Lock()
	_, err := io.ReadFull(s.cfg.Rand, b[:])
	s.randMu.Unlock()
	if err != nil {
		return [3]string{}, fmt.Errorf("authz: random: %w", err)
	}
	u := b[40:56]
	u[6] = u[6]&0x0f | 0x40 // RFC 9562 version 4
	u[8] = u[8]&0x3f | 0x80
	uuid := fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
	return [3]string{base64.RawURLEncoding.EncodeToString(b[0:20]), base64.RawURLEncoding.EncodeToString(b[20:40]), uuid}, nil
}
