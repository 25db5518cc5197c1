package harness

import (
	"context"
	"crypto/ecdsa"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/wipo-das/dasim/openapi"
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
	API    string // DAS API root with base path, e.g. https://das.example/das-api/v1/requests
	Issuer string // its authorization server's issuer
	// JWKSURI is where that server publishes its keys; empty: AM's path
	// under the issuer (office.Config.WIPOJWKSURI's default).
	JWKSURI string
	HTTP    *http.Client
	// CAPEM are the roots the DAS and its authorization server chain to
	// (--ca), beside the system roots; nil: the system roots only.
	CAPEM []byte
	// DASClientID is the DAS's client id at its authorization server: the
	// client the harness's offices whitelist for DAS's calls, and DAS's
	// client id at the setup-B offices' own servers. Default das-api-auth.
	DASClientID string
	// DASCertPEM is the DAS's private_key_jwt certificate, registered at
	// the setup-B offices' own authorization servers; nil: the harness
	// makes the DAS a key (Config.DASKey) and hands it to its operator.
	DASCertPEM []byte
	// Declared are its timings as its operator declares them (--retention, ...).
	Declared DASTimings
	// Identities are office clients provisioned at the DAS under test; the
	// harness's office of the same code acts as that client.
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
	r := &RemoteDAS{API: api, Issuer: issuer, HTTP: hc, Identities: ids, DASClientID: DASClientID}
	if caFile != "" {
		pool, err := tlsca.ReadPool(caFile, false)
		if err != nil {
			return nil, err
		}
		hc.Transport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		if r.CAPEM, err = os.ReadFile(caFile); err != nil {
			return nil, err
		}
	}
	return r, nil
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
	return w.remoteClient(w.remote.Identities[n]), nil
}

// remoteClient is a DAS API client of the DAS under test acting as ri.
func (w *World) remoteClient(ri *RemoteIdentity) *Client {
	id := &Identity{Office: ri.Office, ClientID: ri.ClientID}
	// A system under test is not trusted to answer with a sane size.
	return &Client{Identity: id, api: dasapi.New(dasapi.Config{BaseURL: w.remote.API, HTTPClient: w.remote.HTTP,
		Tokens: &clientauth.TokenCache{Client: w.remoteTokenClient(ri), Scope: authz.ScopeOfficeExchange}, MaxAnswer: 1 << 20,
		Recorder: w.recorder, Party: "office " + ri.Office, Transcripts: true})}
}

// remoteTokenClient is the seeds' authentication script for ri at the
// DAS under test's authorization server, on real time: the system under
// test keeps its own, not the world's virtual clock.
func (w *World) remoteTokenClient(ri *RemoteIdentity) *TokenClient {
	return &clientauth.TokenClient{HTTP: w.remote.HTTP, Issuer: w.remote.Issuer, ClientID: ri.ClientID, Key: ri.Key,
		Now: clock.System().Now, Rand: w.rand}
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
// that trusts it: the simulated DAS (which records what it is sent), or the
// DAS under test, whose calls the client records and validates itself, so
// that a failed probe is shown with the exchange that proves it.
func (w *World) DASTarget() (string, *http.Client) {
	if w.remote != nil {
		probe := *w.remote.HTTP
		probe.Transport = openapi.DAS().Transport(w.remote.HTTP.Transport, openapi.WithRecorder(w.recorder),
			openapi.WithParty("harness"), openapi.WithTranscripts())
		return w.remote.API, &probe
	}
	return w.DASURL(), w.HTTPClient()
}
