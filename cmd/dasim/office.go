package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/bearer"
	"github.com/wipo-das/dasim/simulators/clientauth"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/faults"
	"github.com/wipo-das/dasim/simulators/office"
	"github.com/wipo-das/dasim/simulators/tlsca"
)

// runOffice runs ONE simulated office as its own process against a running
// world (dasim serve or dasim certify) described by an endpoints file: the
// toolkit's own office, so that certification can be tried on a real process
// — clean, or with --defect switched on. It registers its documents at that
// world's DAS before it starts answering (so "the target answers" means
// "its registrations were sent"), then serves until interrupted.
func runOffice(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("office", stderr)
	endpointsFile := fs.String("endpoints-file", "", "endpoints JSON of the running world (dasim serve/certify --endpoints-file); required")
	code := fs.String("code", "", "ST.3 code of the office, e.g. EE; required")
	listen := fs.String("listen", "127.0.0.1:0", "listen address of the office-side API (HTTPS)")
	clientID := fs.String("client-id", "", "the office's client id at WIPO's authorization server; required")
	keyFile := fs.String("key", "", "the office's ES256 private key PEM (es256_private.pem); required")
	certFile := fs.String("cert", "", "its certificate PEM as registered at WIPO (checked against --key)")
	documents := fs.String("documents", "", "documents file (YAML/JSON, see dasim certify -h); required")
	setup := fs.String("setup", "A", "how the office authenticates DAS: A (WIPO's tokens) or B (its own authorization server)")
	issuer := fs.String("issuer", "", "setup B: the issuer of an authorization server of the office's own that runs apart (e.g. oidc-provider); default: the office serves one itself under /am/oauth2")
	audience := fs.String("token-audience", "", "the aud DAS's tokens must carry (the resource indicator of --issuer); default DAS's client id, as WIPO's AM writes it")
	tlsCert := fs.String("tls-cert", "", "TLS certificate PEM to serve with (default: target_tls_cert of the endpoints file)")
	tlsKey := fs.String("tls-key", "", "its key PEM (default: target_tls_key of the endpoints file)")
	prepare := fs.Duration("prepare-delay", 300*time.Millisecond, "how long the office takes to prepare a forwarded retrieval before it notifies DAS")
	var defects defectFlags
	fs.Var(&defects, "defect", "switch on a deliberate defect (repeatable): "+strings.Join(defectNames(), ", "))
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *endpointsFile == "" || *code == "" || *clientID == "" || *keyFile == "" || *documents == "" {
		return requireFlags(fs, stderr, "endpoints-file", "code", "client-id", "key", "documents")
	}
	ep, err := readEndpoints(*endpointsFile)
	if err != nil {
		return err
	}
	key, err := readOfficeKey(*keyFile, *certFile)
	if err != nil {
		return err
	}
	docs, err := harness.ReadDocumentsFile(*documents)
	if err != nil {
		return err
	}
	hc, err := trustingClient(ep.CAFile)
	if err != nil {
		return err
	}
	serverCert, err := tls.LoadX509KeyPair(or(*tlsCert, ep.TargetTLSCert), or(*tlsKey, ep.TargetTLSKey))
	if err != nil {
		return fmt.Errorf("TLS certificate to serve with: %w", err)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	defer ln.Close()
	clk := clock.System()
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	cfg := office.Config{Code: *code, ClientID: *clientID, BaseURL: "https://" + ln.Addr().String(),
		DASBaseURL: ep.DASAPI, WIPOIssuer: ep.Issuer, Setup: office.AuthSetup(*setup), Documents: docs,
		PrepareDelay: *prepare, TokenAudience: *audience}
	deps := officeDeps{Clock: clk, HTTPClient: hc, Key: key, Faults: faults.New(clk), Logger: logger}
	for _, d := range defects {
		if err := d.apply(&cfg, &deps, hc); err != nil {
			return fmt.Errorf("defect %s: %w", d.name, err)
		}
	}
	if deps.Process.UntrustedTLS {
		if serverCert, err = untrustedCertificate(clk); err != nil {
			return err
		}
	}
	opts := deps.options(ctx)
	handler := http.NewServeMux()
	if cfg.Setup == office.SetupB && *issuer != "" {
		keys, err := issuerKeys(ctx, *issuer, hc, clk)
		if err != nil {
			return err
		}
		opts = append(opts, office.WithOwnAuthorizationServer(*issuer, keys))
	} else if cfg.Setup == office.SetupB {
		as, err := ownAuthorizationServer(cfg, clk, ep.DASCertFile)
		if err != nil {
			return err
		}
		handler.Handle("/am/oauth2/", as.Handler())
		opts = append(opts, office.WithOwnAuthorizationServer(as.Issuer(), bearer.StaticKeys(as.PublicKeys())))
	}
	o, err := office.New(cfg, opts...)
	if err != nil {
		return err
	}
	defer func() { _ = o.Close(context.WithoutCancel(ctx)) }()
	handler.Handle(TriggerPath, triggerHandler(ctx, o, deps.Process, func(f string, a ...any) { logger.Error(fmt.Sprintf(f, a...)) }))
	handler.Handle("/", o.Handler())
	// A refused registration is the world's to judge, not a reason to stop.
	if err := o.RegisterAll(ctx); err != nil {
		logger.Error("registering documents", "error", err)
	}
	// The limits of the world's own listeners (harness.DefaultListenerLimits, docs/limits.md).
	srv := harness.DefaultListenerLimits().Server(handler)
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{serverCert}, MinVersion: tls.VersionTLS12}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	fmt.Fprintf(stdout, "office %s (setup %s, defects %v) serving %s\n", *code, cfg.Setup, defects, o.APIBaseURL())
	if err := srv.ServeTLS(ln, "", ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// ownAuthorizationServer is the office's own authorization server of setup
// B, served beside it, with DAS registered from its certificate
// (das_cert_file of the endpoints file).
func ownAuthorizationServer(cfg office.Config, clk clock.Clock, dasCertFile string) (*authz.Server, error) {
	dasCert, err := os.ReadFile(dasCertFile)
	if err != nil {
		return nil, fmt.Errorf("setup B: DAS's certificate (das_cert_file of the endpoints file): %w", err)
	}
	as, err := authz.New(authz.Config{BaseURL: cfg.BaseURL, Profile: authz.ProfileWIPO, Clock: clk})
	if err != nil {
		return nil, fmt.Errorf("setup B: the office's authorization server: %w", err)
	}
	dasClientID := cfg.DASClientID
	if dasClientID == "" {
		dasClientID = office.DefaultDASClientID
	}
	return as, as.Register(authz.Client{ID: dasClientID, KeysPEM: dasCert})
}

// endpoints is what an office needs of the endpoints file.
type endpoints struct {
	Issuer        string `json:"issuer"`
	DASAPI        string `json:"das_api"`
	CAFile        string `json:"ca_file"`
	DASCertFile   string `json:"das_cert_file"`
	TargetTLSCert string `json:"target_tls_cert"`
	TargetTLSKey  string `json:"target_tls_key"`
}

func readEndpoints(path string) (endpoints, error) {
	var ep endpoints
	b, err := os.ReadFile(path)
	if err != nil {
		return ep, err
	}
	if err := json.Unmarshal(b, &ep); err != nil {
		return ep, fmt.Errorf("endpoints file %s: %w", path, err)
	}
	if ep.Issuer == "" || ep.DASAPI == "" || ep.CAFile == "" {
		return ep, fmt.Errorf("endpoints file %s: issuer, das_api and ca_file are required", path)
	}
	return ep, nil
}

// trustingClient trusts the world's CA (ca_file) and nothing else.
func trustingClient(caFile string) (*http.Client, error) {
	pool, err := tlsca.ReadPool(caFile, false)
	if err != nil {
		return nil, err
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: t, Timeout: 30 * time.Second}, nil
}

// readOfficeKey reads the ES256 key and, when given, checks the certificate
// WIPO registered holds its public key: a mismatch would fail every token
// request with a confusing signature error.
func readOfficeKey(keyFile, certFile string) (*ecdsa.PrivateKey, error) {
	signer, err := readPrivateKey(keyFile)
	if err != nil {
		return nil, err
	}
	key, ok := signer.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: want an ES256 (P-256) key", keyFile)
	}
	if certFile == "" {
		return key, nil
	}
	cert, err := readCertificate(certFile)
	if err != nil {
		return nil, err
	}
	if !key.PublicKey.Equal(cert.PublicKey) {
		return nil, fmt.Errorf("%s does not hold the public key of %s", certFile, keyFile)
	}
	return key, nil
}

func or(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// issuerKeys are the signing keys of an authorization server found by its
// discovery document (OpenID Connect Discovery 1.0 section 4), refreshed as
// it rotates them.
func issuerKeys(ctx context.Context, issuer string, hc *http.Client, clk clock.Clock) (bearer.KeySource, error) {
	meta, err := (&clientauth.TokenClient{HTTP: hc, Issuer: issuer}).Discover(ctx)
	if err != nil {
		return nil, fmt.Errorf("setup B: the office's authorization server %s: %w", issuer, err)
	}
	uri, _ := meta["jwks_uri"].(string)
	if uri == "" {
		return nil, fmt.Errorf("setup B: the discovery document of %s names no jwks_uri", issuer)
	}
	return bearer.RemoteKeys(ctx, uri, hc, clk)
}
