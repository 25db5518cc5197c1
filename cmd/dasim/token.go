package main

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/clientauth"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/protocol"
	"github.com/wipo-das/dasim/simulators/tlsca"
)

// runToken does WIPO's authentication script in one command: discovery,
// client assertion, client_credentials request; it prints the response.
func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("token", stderr)
	issuer := fs.String("issuer", "", "issuer URL, e.g. https://127.0.0.1:8443/am/oauth2 (required)")
	clientID := fs.String("client-id", "", "client id registered at WIPO (required)")
	keyFile := fs.String("key", "es256_private.pem", "private key PEM")
	scope := fs.String("scope", authz.ScopeOfficeExchange, "scope to request")
	profile := fs.String("profile", "wipo", "assertion shape: wipo (the script's) or fapi (aud issuer, jti, iat)")
	caFile := fs.String("ca", "", "PEM file of the CA to trust (dasim serve's ca_file)")
	insecure := fs.Bool("insecure", false, "do not verify the server certificate (the script's curl -k)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := requireFlags(fs, stderr, "issuer", "client-id"); err != nil {
		return err
	}
	key, err := readPrivateKey(*keyFile)
	if err != nil {
		return err
	}
	hc, err := httpClient(*caFile, *insecure)
	if err != nil {
		return err
	}
	tc := &clientauth.TokenClient{HTTP: hc, Issuer: *issuer, ClientID: *clientID, Key: key,
		Profile: authz.Profile(*profile), Now: clock.System().Now, Rand: rand.Reader}
	tr, err := tc.Token(ctx, *scope)
	var oe *protocol.OAuthError
	if errors.As(err, &oe) {
		b, _ := json.MarshalIndent(oe, "", "  ")
		fmt.Fprintf(stdout, "%s\n", b)
		return fmt.Errorf("refused with status %d: %s", oe.Status, oe.Description)
	}
	if err != nil {
		return withTLSHint(err, "give the CA that issued it with --ca (dasim serve's ca_file), or skip the check with --insecure as WIPO's script does with curl -k")
	}
	b, _ := json.MarshalIndent(tr, "", "  ")
	fmt.Fprintf(stdout, "%s\n", b)
	return nil
}

func readPrivateKey(path string) (crypto.Signer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, err := clientauth.ParsePrivateKeyPEM(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// httpClient trusts caFile (if given) on top of the system roots.
func httpClient(caFile string, insecure bool) (*http.Client, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: insecure} //nolint:gosec // --insecure is the script's curl -k
	if caFile != "" {
		pool, err := tlsca.ReadPool(caFile, true)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = cfg
	return &http.Client{Transport: t}, nil
}

func publicPEM(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}
