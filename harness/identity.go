package harness

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/clientauth"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// Identity is a client of the world's authorization server: an office (or
// DAS itself) with the files of WIPO's keygen script.
type Identity struct {
	Office   string
	ClientID string
	Files    *clientauth.KeyFiles
}

// Key is the identity's ES256 private key.
func (id *Identity) Key() *ecdsa.PrivateKey { return id.Files.Key }

// Enroll creates an identity and registers its certificate at the world's
// authorization server, as WIPO does with the es256_cert.pem an office sends.
func (w *World) Enroll(office, clientID string) (*Identity, error) {
	return w.enrollWithKey(office, clientID, nil)
}

// enrollWithKey is Enroll with a given key (nil: a new one).
func (w *World) enrollWithKey(office, clientID string, key *ecdsa.PrivateKey) (*Identity, error) {
	files, err := keyFiles(w.rand, w.Clock.Now(), key)
	if err != nil {
		return nil, err
	}
	if err := w.AuthZ.Register(authz.Client{ID: clientID, KeysPEM: files.CertPEM}); err != nil {
		return nil, err
	}
	return &Identity{Office: office, ClientID: clientID, Files: files}, nil
}

// AssertionSpec says how to build a client assertion (deliberately broken ones too).
type AssertionSpec = clientauth.AssertionSpec

// TokenClient is the seeds' authentication script as a Go client.
type TokenClient = clientauth.TokenClient

// TokenClient returns the seeds' authentication script as a Go client for id.
func (w *World) TokenClient(id *Identity) *clientauth.TokenClient {
	return &clientauth.TokenClient{HTTP: w.HTTPClient(), Issuer: w.AuthZ.Issuer(), ClientID: id.ClientID,
		Key: id.Key(), Now: w.Clock.Now, Rand: w.rand, Profile: w.profile}
}

// Assertion signs a client assertion for id at the world's current time.
// The zero spec is the seeds' assertion aimed at the world's token endpoint.
func (w *World) Assertion(id *Identity, spec clientauth.AssertionSpec) (string, error) {
	if spec.ClientID == "" {
		spec.ClientID = id.ClientID
	}
	if spec.Audience == "" {
		spec.Audience = w.AuthZ.TokenEndpoint()
	}
	return clientauth.SignAssertion(id.Key(), spec, w.Clock.Now())
}

// TokenResult is the token endpoint's answer, success or OAuth error.
type TokenResult struct {
	Status int
	Header http.Header
	Token  *authz.TokenResponse
	Error  *protocol.OAuthError
	Body   string
}

// PostToken sends form to the token endpoint as an office client would and
// decodes the answer, success or error, without judging it.
func (w *World) PostToken(ctx context.Context, form url.Values) (*TokenResult, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.AuthZ.TokenEndpoint(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := w.HTTPClient().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	r := &TokenResult{Status: resp.StatusCode, Header: resp.Header, Body: string(body)}
	if resp.StatusCode == http.StatusOK {
		r.Token = &authz.TokenResponse{}
		if err := json.Unmarshal(body, r.Token); err != nil {
			return nil, fmt.Errorf("token response is not JSON: %w", err)
		}
		return r, nil
	}
	r.Error = &protocol.OAuthError{Status: resp.StatusCode}
	if err := json.Unmarshal(body, r.Error); err != nil {
		return nil, fmt.Errorf("error response is not JSON (RFC 6749 section 5.2): %w", err)
	}
	return r, nil
}

// ClientCredentialsForm is the seeds' token request with assertion.
func ClientCredentialsForm(assertion, scope string) url.Values {
	f := url.Values{
		"grant_type":            {"client_credentials"},
		"client_assertion_type": {authz.AssertionType},
		"client_assertion":      {assertion},
	}
	if scope != "" {
		f.Set("scope", scope)
	}
	return f
}

func jsonField(body string, v any) error { return json.Unmarshal([]byte(body), v) }

// keyFiles are the keygen script's files for key, or for a new key when
// key is nil.
func keyFiles(rand io.Reader, now time.Time, key *ecdsa.PrivateKey) (*clientauth.KeyFiles, error) {
	if key == nil {
		return clientauth.GenerateKeyFiles(rand, now)
	}
	return clientauth.KeyFilesFor(key, rand, now)
}
