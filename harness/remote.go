package harness

import (
	"context"
	"crypto/ecdsa"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"

	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/clientauth"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/das"
	"github.com/wipo-das/dasim/simulators/dasapi"
	"github.com/wipo-das/dasim/simulators/tlsca"
)

// RemoteDAS is a DAS under test (WIPO's own regression run: its DAS and its
// authorization server, given by URL) and the office identities registered
// and whitelisted there that the harness may act as.
type RemoteDAS struct {
	API        string // DAS API root with base path, e.g. https://das.example/das-api/v1/requests
	Issuer     string // its authorization server's issuer
	HTTP       *http.Client
	Identities []*RemoteIdentity
}

// RemoteIdentity is an office client provisioned at the remote DAS.
type RemoteIdentity struct {
	Office, ClientID string
	Key              *ecdsa.PrivateKey
}

// NewRemoteDAS reads the trust anchors and keys for a remote DAS run.
func NewRemoteDAS(api, issuer, caFile string, ids []*RemoteIdentity) (*RemoteDAS, error) {
	if api == "" || issuer == "" {
		return nil, errors.New("a remote DAS needs its API URL and its issuer")
	}
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	if caFile != "" {
		pool, err := tlsca.ReadPool(caFile, false)
		if err != nil {
			return nil, err
		}
		hc.Transport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &RemoteDAS{API: api, Issuer: issuer, HTTP: hc, Identities: ids}, nil
}

// UseRemoteDAS makes the world's office clients (Client, RemoteOffice) talk
// to r instead of the simulated DAS.
func (w *World) UseRemoteDAS(r *RemoteDAS) { w.remote = r }

// Remote reports whether DAS is a system under test.
func (w *World) Remote() bool { return w.remote != nil }

// RemoteOffice returns a client acting as the n-th provisioned identity of
// the remote DAS, or an error naming how many were given.
func (w *World) RemoteOffice(n int) (*Client, error) {
	if w.remote == nil || n >= len(w.remote.Identities) {
		return nil, fmt.Errorf("the run needs %d office identities at the DAS under test (--office CC:CLIENT_ID=KEY_PEM)", n+1)
	}
	ri := w.remote.Identities[n]
	// The system under test keeps real time, not the world's virtual clock.
	real := clock.System()
	tc := &clientauth.TokenClient{HTTP: w.remote.HTTP, Issuer: w.remote.Issuer, ClientID: ri.ClientID, Key: ri.Key,
		Now: real.Now, Rand: w.rand}
	id := &Identity{Office: ri.Office, ClientID: ri.ClientID}
	// A system under test is not trusted to answer with a sane size.
	return &Client{Identity: id, api: dasapi.New(dasapi.Config{BaseURL: w.remote.API, HTTPClient: w.remote.HTTP,
		Tokens: &clientauth.TokenCache{Client: tc, Scope: authz.ScopeOfficeExchange}, MaxAnswer: 1 << 20,
		Recorder: w.recorder, Party: "office " + ri.Office, Transcripts: true})}, nil
}

var _ das.TokenSource = (*clientauth.TokenCache)(nil)

// Await waits until the retrieval ack is no longer pending: the simulated
// DAS is settled at once; a remote one is polled in real time, up to ctx.
func (w *World) Await(ctx context.Context, c *Client, ack string) (RetrievalStatus, error) {
	if w.remote == nil {
		w.Settle()
		st, _, err := c.Status(ctx, ack)
		return st, err
	}
	for {
		st, r, err := c.Status(ctx, ack)
		if err != nil {
			return st, err
		}
		if r.Status != http.StatusOK || st.RequestStatusCategory != "pending" {
			return st, nil
		}
		if err := pause(ctx); err != nil {
			return st, fmt.Errorf("retrieval %s still pending: %w", ack, err)
		}
	}
}

// DASTarget is the DAS API root the world's offices call and an HTTP client
// that trusts it: the simulated DAS, or the DAS under test.
func (w *World) DASTarget() (string, *http.Client) {
	if w.remote != nil {
		return w.remote.API, w.remote.HTTP
	}
	return w.DASURL(), w.HTTPClient()
}
