package office

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"io"
	"log/slog"
	"net/http"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/bearer"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/faults"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// TokenFunc gives an access token for the office's calls to DAS.
type TokenFunc func(ctx context.Context) (string, error)

// Deps are the world's facilities the office runs with. Every field is optional.
type Deps struct {
	// Clock is the world's clock; default clock.System().
	Clock clock.Clock
	// HTTPClient carries every outgoing call; API calls go through
	// openapi.DAS().Transport on top of its transport. Default: http.DefaultTransport.
	HTTPClient *http.Client
	// Recorder receives every exchange the office serves or makes.
	Recorder openapi.Recorder
	// Faults makes the office misbehave on purpose (party "office <Code>").
	Faults *faults.Set
	// Tokens overrides how the office gets its tokens for DAS; default: the
	// seeds' private_key_jwt client (clientauth.TokenClient) at Config.WIPOIssuer.
	Tokens TokenFunc
	// WIPOKeys verifies DAS's tokens in setup A; default: WIPO's JWKS fetched
	// from Config.WIPOJWKSURI (so WIPO's server must be up before New).
	WIPOKeys bearer.KeySource
	// Key is the office's ES256 key; default: generated from Rand.
	Key *ecdsa.PrivateKey
	// ASSigningKey signs the tokens of the office's own authorization server
	// (setup B); default: a fresh 2048-bit key (slow: share one in tests).
	ASSigningKey *rsa.PrivateKey
	// Rand supplies keys, ack ids and the link-signing secret; default crypto/rand.
	Rand io.Reader
	// CheckNumber, when set, vets the documentNumber of every forwarded
	// retrieval before the library is searched (PCT DAS refuses numbers that
	// are not PCT/IB<yyyy>/<nnnnnn>); its error is answered as is.
	CheckNumber func(documentNumber string) *protocol.DASError
	// Logger receives what goes wrong in background work; default: discard.
	Logger *slog.Logger
}

func (d Deps) withDefaults() Deps {
	if d.Clock == nil {
		d.Clock = clock.System()
	}
	if d.HTTPClient == nil {
		d.HTTPClient = &http.Client{Transport: http.DefaultTransport}
	}
	if d.HTTPClient.Transport == nil {
		c := *d.HTTPClient
		c.Transport = http.DefaultTransport
		d.HTTPClient = &c
	}
	if d.Rand == nil {
		d.Rand = rand.Reader
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return d
}
