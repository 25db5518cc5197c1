package main

import (
	"context"
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

	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/office"
)

// runOSFClient is the toolkit's own OSF client as a process of its own,
// against the world of dasim certify --role osf (its endpoints file): the
// simulated office's OSF side (office.RetrieveAll) retrieves every listed
// document, with --listen serving DAS's notifications over HTTPS. With
// --defect it breaks one obligation on purpose, so that the self-test can
// certify each (osf_selftest_test.go). It exits 0 once every document is
// downloaded intact (and deleted), non-zero at its first error.
func runOSFClient(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("osf-client", stderr)
	endpointsFile := fs.String("endpoints-file", "", "endpoints JSON of dasim certify --role osf; required")
	keyFile := fs.String("key", "", "the office's ES256 private key PEM (es256_private.pem); required")
	certFile := fs.String("cert", "", "its certificate PEM as registered (checked against --key)")
	clientID := fs.String("client-id", "", "its client id (default: client_id of the endpoints file)")
	code := fs.String("office", "", "its ST.3 code (default: office of the endpoints file)")
	listen := fs.String("listen", "", "serve DAS's notifications on this address over HTTPS (certify --notify https://ADDR/das/v1/requests); empty: poll")
	tlsCert := fs.String("tls-cert", "", "with --listen: the TLS certificate PEM to serve (certify --notify-ca trusts its CA)")
	tlsKey := fs.String("tls-key", "", "with --listen: its private key PEM")
	pollEvery := fs.Duration("poll-every", time.Second, "status polling interval (dasim's pacing: at most one a second per retrieval)")
	defects := osfDefectFlags()
	fs.Var(defects, "defect", "break one obligation on purpose (repeatable): "+strings.Join(defects.names(), ", "))
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := requireFlags(fs, stderr, "endpoints-file", "key"); err != nil {
		return err
	}
	if *listen != "" {
		if err := requireFlags(fs, stderr, "tls-cert", "tls-key"); err != nil {
			return err
		}
	}
	ep, err := readOSFEndpoints(*endpointsFile)
	if err != nil {
		return err
	}
	key, err := readOfficeKey(*keyFile, *certFile)
	if err != nil {
		return err
	}
	hc, err := trustingClient(ep.CAFile)
	if err != nil {
		return err
	}
	cfg := office.Config{Code: or(*code, ep.Office), ClientID: or(*clientID, ep.ClientID), BaseURL: "https://localhost",
		DASBaseURL: ep.DASAPI, WIPOIssuer: ep.Issuer}
	var ln net.Listener
	if *listen != "" {
		if ln, err = net.Listen("tcp", *listen); err != nil {
			return err
		}
		defer ln.Close()
		cfg.BaseURL = "https://" + ln.Addr().String()
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	clk := clock.System()
	opts := []office.Option{office.WithContext(ctx), office.WithClock(clk), office.WithHTTPClient(hc), office.WithKey(key),
		office.WithLogger(logger)}
	for _, d := range defects.chosen {
		if tokens := d.apply(&cfg.OSFDefects, osfTokenSetup{http: hc, issuer: ep.Issuer, clientID: cfg.ClientID, key: key, clock: clk}); tokens != nil {
			opts = append(opts, office.WithTokens(tokens))
		}
	}
	o, err := office.New(cfg, opts...)
	if err != nil {
		return err
	}
	defer func() { _ = o.Close(context.WithoutCancel(ctx)) }()
	if ln != nil {
		stop, err := serveNotifications(ln, o.Handler(), *tlsCert, *tlsKey)
		if err != nil {
			return err
		}
		defer stop()
	}
	var keys []office.RetrievalKey
	for _, d := range ep.Documents {
		keys = append(keys, office.RetrievalKey{Kind: d.Kind, Number: d.Number, FilingDate: d.Date, AccessCode: d.AccessCode})
	}
	fmt.Fprintf(stdout, "OSF %s of office %s (defects %s): retrieving %d documents from %s\n", cfg.ClientID, cfg.Code, defects.String(), len(keys), ep.DASAPI)
	if err := o.RetrieveAll(ctx, keys, office.OSFRun{Notified: ln != nil, PollEvery: *pollEvery}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "every document retrieved\n")
	return nil
}

// serveNotifications serves h on ln over TLS until stop is called.
func serveNotifications(ln net.Listener, h http.Handler, certFile, keyFile string) (stop func(), err error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("TLS certificate to serve with: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.ServeTLS(ln, "", ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "notifications:", err)
		}
	}()
	return func() { _ = srv.Close(); <-done }, nil
}

// osfEndpoints is what the OSF client needs of certify --role osf's
// endpoints file: an office's endpoints, its own identity and the documents.
type osfEndpoints struct {
	endpoints
	Office    string `json:"office"`
	ClientID  string `json:"client_id"`
	Documents []struct {
		Number     string `json:"number"`
		Kind       string `json:"kind"`
		Date       string `json:"date"`
		AccessCode string `json:"accessCode"`
	} `json:"documents"`
}

func readOSFEndpoints(path string) (osfEndpoints, error) {
	base, err := readEndpoints(path)
	if err != nil {
		return osfEndpoints{}, err
	}
	ep := osfEndpoints{endpoints: base}
	b, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(b, &ep)
	}
	if err == nil && len(ep.Documents) == 0 {
		err = errors.New("no documents to retrieve")
	}
	if err != nil {
		return ep, fmt.Errorf("endpoints file %s: %w", path, err)
	}
	return ep, nil
}
