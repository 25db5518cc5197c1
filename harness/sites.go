package harness

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"github.com/wipo-das/dasim/simulators/clientauth"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/office"
	"github.com/wipo-das/dasim/simulators/tlsca"
)

// Site is one office the harness runs for a DAS under test (WIPO's
// regression run): a simulated office, OFF and OSF at once, that the DAS is
// configured to call back.
type Site struct {
	Code     string
	Setup    office.AuthSetup
	ClientID string // its client id at the DAS's authorization server
}

// RegressionSites are the offices of WIPO's regression run, in the order
// they take ports: EE and FI (non-IP5, library documents: flow c.1, the OFF
// and the OSF), JP (IP5, setup A: c.2), US (IP5, setup B, its own
// authorization server: c.2 in setup B, c.3), LV (a third office: cross-office
// isolation). PCT DAS takes the port after them.
func RegressionSites() []Site {
	return []Site{
		{"EE", office.SetupA, "ee-site"},
		{"FI", office.SetupA, "fi-site"},
		{"JP", office.SetupA, "jp-site"},
		{"US", office.SetupB, "us-site"},
		{"LV", office.SetupA, "lv-site"},
	}
}

// UnlistedClientID is a client the DAS under test registers at its
// authorization server but does not whitelist: the resource server's
// whitelist check is certified with its tokens.
const UnlistedClientID = "dasim-unlisted"

// SitesConfig configures the harness's offices for a DAS under test.
type SitesConfig struct {
	// DAS is the DAS under test and its authorization server. Required.
	DAS *RemoteDAS
	// Listen is host:port of the first site; the next sites and PCT DAS
	// listen on the ports after it, in RegressionSites order, so a DAS
	// configured once reaches them at every run. Empty: free loopback
	// ports (fine when the DAS is configured from the files of this run).
	Listen string
	// PublicHost is the host the DAS under test reaches the sites at (their
	// certificates name it); empty: Listen's host.
	PublicHost string
	// StateDir keeps what must not change from run to run: the sites' CA,
	// their keys, the key made for the DAS (see RemoteDAS.DASCertPEM), the
	// unlisted client's key. Required.
	StateDir string
}

// StartSites starts a world whose offices and PCT DAS work with the DAS
// under test of sc: they listen where sc says, authenticate at the DAS's
// authorization server as their own clients (or as the identity provisioned
// for their code), verify DAS's calls with that server's JWKS (setup A) or
// with their own authorization server where DAS is a client (setup B), and
// validate every call against the contract. WriteSitesFiles then writes
// what the DAS must be configured with.
func StartSites(ctx context.Context, sc SitesConfig) (*World, error) {
	if sc.DAS == nil || sc.StateDir == "" {
		return nil, errors.New("sites: a DAS under test and a state directory are required")
	}
	real := clock.System()
	ca, err := tlsca.LoadOrCreate(filepath.Join(sc.StateDir, "ca"), rand.Reader, real.Now(), "dasim regression sites CA")
	if err != nil {
		return nil, fmt.Errorf("sites: CA: %w", err)
	}
	if len(sc.DAS.CAPEM) == 0 {
		ca.TrustSystemRoots()
	}
	das, err := loadOrCreateKey(filepath.Join(sc.StateDir, "das"), real)
	if err != nil {
		return nil, err
	}
	addrs, public, err := siteAddresses(sc)
	if err != nil {
		return nil, err
	}
	w, err := Start(ctx, Config{Clock: real, CA: ca, TrustedRoots: sc.DAS.CAPEM, Addrs: addrs, PublicURLs: public,
		DASKey: das.Key, RemoteDAS: sc.DAS})
	if err != nil {
		return nil, err
	}
	// The world's transport trusts what the DAS presents (--ca, or the
	// system's roots) and the sites' own CA, which a dasim serve under test
	// serves with (world.yaml): the harness's calls to the DAS go through it.
	sc.DAS.HTTP = w.HTTPClient()
	if err := w.startSites(ctx, sc, real); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

func (w *World) startSites(ctx context.Context, sc SitesConfig, real clock.Clock) error {
	provisioned := map[string]*RemoteIdentity{}
	for _, id := range sc.DAS.Identities {
		provisioned[id.Office] = id
	}
	for _, s := range RegressionSites() {
		id := provisioned[s.Code]
		if id == nil {
			files, err := loadOrCreateKey(filepath.Join(sc.StateDir, "sites", s.Code), real)
			if err != nil {
				return err
			}
			id = &RemoteIdentity{Office: s.Code, ClientID: s.ClientID, Key: files.Key}
			sc.DAS.Identities = append(sc.DAS.Identities, id)
		}
		if _, err := w.AddOffice(ctx, office.Config{Code: s.Code, ClientID: id.ClientID, Setup: s.Setup},
			office.WithKey(id.Key)); err != nil {
			return fmt.Errorf("site %s: %w", s.Code, err)
		}
	}
	unlisted, err := loadOrCreateKey(filepath.Join(sc.StateDir, "sites", "unlisted"), real)
	if err != nil {
		return err
	}
	w.unlisted = &RemoteIdentity{Office: "XX", ClientID: UnlistedClientID, Key: unlisted.Key}
	return nil
}

// siteAddresses are the listen addresses and public URLs of the sites and
// PCT DAS: consecutive ports from sc.Listen.
func siteAddresses(sc SitesConfig) (addrs, public map[string]string, err error) {
	if sc.Listen == "" {
		return nil, nil, nil
	}
	host, port, err := net.SplitHostPort(sc.Listen)
	if err != nil {
		return nil, nil, fmt.Errorf("sites: --sites-addr %q: want host:port", sc.Listen)
	}
	first, err := strconv.Atoi(port)
	if err == nil && first == 0 {
		return nil, nil, nil // free ports, new at every run
	}
	if err != nil || first < 0 || first > 65535-len(RegressionSites()) {
		return nil, nil, fmt.Errorf("sites: --sites-addr %q: want a port below %d", sc.Listen, 65535-len(RegressionSites()))
	}
	publicHost := sc.PublicHost
	if publicHost == "" {
		publicHost = host
	}
	addrs, public = map[string]string{}, map[string]string{}
	names := []string{}
	for _, s := range RegressionSites() {
		names = append(names, s.Code)
	}
	for i, name := range append(names, "pctdas") {
		p := strconv.Itoa(first + i)
		addrs[name] = net.JoinHostPort(host, p)
		public[name] = "https://" + net.JoinHostPort(publicHost, p)
	}
	return addrs, public, nil
}

// loadOrCreateKey keeps the files of WIPO's keygen script in dir: the key
// there, with a fresh certificate, or a new key written there.
func loadOrCreateKey(dir string, c clock.Clock) (*clientauth.KeyFiles, error) {
	path := filepath.Join(dir, "es256_private.pem")
	if b, err := os.ReadFile(path); err == nil {
		k, err := clientauth.ParsePrivateKeyPEM(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		ec, ok := k.(*ecdsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("%s: not an ES256 key", path)
		}
		files, err := clientauth.KeyFilesFor(ec, rand.Reader, c.Now())
		if err != nil {
			return nil, err
		}
		return files, writeKeyFiles(dir, files)
	}
	files, err := clientauth.GenerateKeyFiles(rand.Reader, c.Now())
	if err != nil {
		return nil, err
	}
	return files, writeKeyFiles(dir, files)
}

func writeKeyFiles(dir string, f *clientauth.KeyFiles) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, b := range map[string][]byte{"es256_public.pem": f.PublicPEM, "es256_cert.pem": f.CertPEM} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "es256_private.pem"), f.PrivatePEM, 0o600)
}

// discoverJWKS reads jwks_uri from the DAS's authorization server's
// discovery document (OpenID Connect Discovery §3).
func discoverJWKS(ctx context.Context, r *RemoteDAS) (string, error) {
	tc := &clientauth.TokenClient{HTTP: r.HTTP, Issuer: r.Issuer}
	meta, err := tc.Discover(ctx)
	if err != nil {
		return "", fmt.Errorf("sites: discovery at %s: %w", r.Issuer, err)
	}
	uri, _ := meta["jwks_uri"].(string)
	if uri == "" {
		return "", fmt.Errorf("sites: the discovery document of %s names no jwks_uri", r.Issuer)
	}
	return uri, nil
}
