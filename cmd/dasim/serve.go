package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/clock"
)

// runServe starts the simulated world on loopback HTTPS (harness.Start: the
// authorization server first, then the other parties), registers the
// --client certificates, writes the endpoints file once every listener is
// ready, and runs until ctx is done (SIGINT/SIGTERM).
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	var clients clientFlags
	fs.Var(&clients, "client", "[CC:]ID=CERT_PEM: register client ID from its certificate, whitelisted for office CC (ST.3); repeatable")
	endpoints := fs.String("endpoints-file", "", "write the endpoints JSON here once every listener is ready")
	caFile := fs.String("ca-file", "", "where to write the world's CA certificate (default: next to --endpoints-file, else the temp dir)")
	profile := fs.String("profile", "wipo", "authorization server profile: wipo or fapi")
	addr := fs.String("authz-addr", "", "listen address of the authorization server (default a free loopback port)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg := harness.Config{Clock: clock.NewOffset(0), Profile: authz.Profile(*profile), Addrs: map[string]string{}}
	if *addr != "" {
		cfg.Addrs["authz"] = *addr
	}
	w, err := harness.Start(ctx, cfg)
	if err != nil {
		return err
	}
	defer w.Close()
	for _, c := range clients {
		if err := w.AuthZ.Register(authz.Client{ID: c.id, KeysPEM: c.cert}); err != nil {
			return err
		}
		if c.office != "" {
			// The seeds: "DAS API must maintain the whitelisted clients".
			if err := w.Verifier.Allow(c.id, c.office); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "client %s registered and whitelisted at DAS for office %s\n", c.id, c.office)
		} else {
			fmt.Fprintf(stdout, "client %s registered (not whitelisted at DAS: give CC:ID to act for an office)\n", c.id)
		}
	}
	ep := map[string]string{"issuer": w.AuthZ.Issuer(), "token_endpoint": w.AuthZ.TokenEndpoint(),
		"jwks_uri": w.AuthZ.JWKSURI(), "ca_file": *caFile}
	if s3 := w.URL("s3"); s3 != "" {
		ep["s3_endpoint"] = s3
	}
	ep["das_api"] = w.DASURL()
	if ep["ca_file"] == "" {
		dir := os.TempDir()
		if *endpoints != "" {
			dir = filepath.Dir(*endpoints)
		}
		ep["ca_file"] = filepath.Join(dir, "dasim-ca.pem")
	}
	if ep["ca_file"], err = filepath.Abs(ep["ca_file"]); err != nil {
		return err
	}
	if err := w.CA.WriteFile(ep["ca_file"]); err != nil {
		return err
	}
	for _, k := range []string{"issuer", "token_endpoint", "jwks_uri", "das_api", "s3_endpoint", "ca_file"} {
		if ep[k] != "" {
			fmt.Fprintf(stdout, "%-15s %s\n", k, ep[k])
		}
	}
	if *endpoints != "" {
		b, _ := json.MarshalIndent(ep, "", "  ")
		// Write then rename, so a script polling for the file never reads half of it.
		tmp := *endpoints + ".tmp"
		if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, *endpoints); err != nil {
			return err
		}
	}
	<-ctx.Done()
	return nil
}

type clientFlag struct {
	office, id string
	cert       []byte
}

// clientFlags parses repeated --client [CC:]ID=CERT_PEM.
type clientFlags []clientFlag

func (c *clientFlags) String() string { return fmt.Sprint(len(*c), " clients") }

func (c *clientFlags) Set(v string) error {
	left, path, ok := strings.Cut(v, "=")
	if !ok || left == "" || path == "" {
		return fmt.Errorf("want [CC:]ID=CERT_PEM, got %q", v)
	}
	f := clientFlag{id: left}
	if cc, id, ok := strings.Cut(left, ":"); ok {
		if len(cc) != 2 || strings.ToUpper(cc) != cc || cc[0] < 'A' || cc[1] < 'A' {
			return fmt.Errorf("office %q is not an ST.3 code (two upper-case letters)", cc)
		}
		f.office, f.id = cc, id
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	f.cert = b
	*c = append(*c, f)
	return nil
}
