package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/authz"
)

// runServe starts the simulated world on loopback HTTPS — the embedded demo
// world, or the one a --world file describes —, registers the --client
// certificates, writes the endpoints file and the identities an external
// client may act as once every listener is ready, and runs until ctx is done.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	var clients clientFlags
	fs.Var(&clients, "client", "[CC:]ID=CERT_PEM: register client ID from its certificate, whitelisted for office CC (ST.3); repeatable")
	worldFile := fs.String("world", "", "YAML world description (see README, 'A world of your own'); default: the embedded demo world")
	endpoints := fs.String("endpoints-file", "", "write the endpoints JSON here once every listener is ready; identities/ is written beside it")
	caFile := fs.String("ca-file", "", "where to write the world's CA certificate (default: next to --endpoints-file, else the temp dir)")
	profile := fs.String("profile", "", "authorization server profile: wipo or fapi (overrides the world file)")
	clockKind := fs.String("clock", "", "system (real time) or virtual (advance it with POST <admin>/clock/advance?by=168h); overrides the world file")
	authzAddr := fs.String("authz-addr", "", "listen address of the authorization server (default a free loopback port)")
	dasAddr := fs.String("das-addr", "", "listen address of DAS (default a free loopback port)")
	adminAddr := fs.String("admin-addr", "", "listen address of the admin endpoint and live console (faults, clock, exchanges)")
	verbose := fs.Bool("v", false, "log one line per exchange: world time, parties, operation, status, verdict")
	keep := fs.Int("exchanges", 1000, "recorded exchanges kept in memory for GET <admin>/exchanges (older ones are counted and forgotten); 0 keeps all")
	exchangeFile := fs.String("exchange-log", "", "append every recorded exchange to this file, one JSON object per line")
	var dasDefects dasDefectFlags
	fs.Var(&dasDefects, "defect", "switch on a deliberate defect of DAS (repeatable), to show that WIPO's regression run catches it: "+
		strings.Join(harness.DASDefectNames(), ", "))
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	dir := os.TempDir()
	if *endpoints != "" {
		dir = filepath.Dir(*endpoints)
		// A script waiting for the file must not read an earlier run's.
		if err := os.Remove(*endpoints); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	wf := harness.DemoWorld()
	if *worldFile != "" {
		b, err := os.ReadFile(*worldFile)
		if err != nil {
			return err
		}
		if wf, err = harness.ParseWorldFile(b); err != nil {
			return err
		}
	}
	if *clockKind != "" {
		wf.Clock = *clockKind
	}
	if *profile != "" {
		wf.Profile = *profile
	}
	if err := wf.Validate(); err != nil {
		return err
	}
	quietTLSHandshakes(stderr)
	var spill io.Writer
	if *exchangeFile != "" {
		f, err := os.OpenFile(*exchangeFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("--exchange-log: %w", err)
		}
		defer f.Close()
		buffered := bufio.NewWriterSize(f, 64<<10)
		defer buffered.Flush() // runs before Close, after the world has stopped
		spill = buffered
	}
	cfg := harness.Config{Addrs: map[string]string{"authz": *authzAddr, "das": *dasAddr}, Log: openapi.NewLog(*keep, spill),
		DASDefects: dasDefects}
	w, err := harness.StartWorld(ctx, wf, cfg)
	if err != nil {
		return err
	}
	defer w.Close()
	if *verbose {
		stopLog, err := logExchanges(ctx, w.Feed, stdout)
		if err != nil {
			return err
		}
		defer stopLog()
	}
	admin, tokenFile, err := serveAdmin(w, dir, *adminAddr, wf.Clock == "virtual")
	if err != nil {
		return err
	}
	token, _ := os.ReadFile(tokenFile)
	defer removeIfOurs(tokenFile, token)
	ep, err := describeWorld(w, dir, *caFile, admin)
	if err != nil {
		return err
	}
	ep["admin_token_file"] = tokenFile
	ep["console"] = admin + "/"
	// After describeWorld: the identities it enrolls are registered ids too.
	for _, c := range clients {
		if err := registerClient(w, c, stdout); err != nil {
			return err
		}
	}
	printEndpoints(stdout, ep)
	if *endpoints != "" {
		if err := writeJSONFile(*endpoints, ep); err != nil {
			return err
		}
		written, _ := os.ReadFile(*endpoints)
		defer removeIfOurs(*endpoints, written)
	}
	fmt.Fprintln(stdout, "serving; Ctrl-C stops")
	<-ctx.Done()
	return nil
}

// describeWorld writes the CA and the external identities into dir and
// returns the endpoints document (names are stable: scripts rely on them).
func describeWorld(w *harness.World, dir, caFile, admin string) (map[string]any, error) {
	if caFile == "" {
		caFile = filepath.Join(dir, "dasim-ca.pem")
	}
	caFile, err := filepath.Abs(caFile)
	if err != nil {
		return nil, err
	}
	if err := w.CA.WriteFile(caFile); err != nil {
		return nil, err
	}
	offices := map[string]any{}
	identities := map[string]any{}
	for code, o := range w.Offices {
		offices[code] = map[string]string{"api": o.APIBaseURL(), "issuer": o.AuthIssuer(), "client_id": o.ClientID()}
		// An identity acting for the office, for curl or an office's own client.
		id, err := w.EnrollOffice(code, strings.ToLower(code)+"-external")
		if err != nil {
			return nil, err
		}
		idDir, _ := filepath.Abs(filepath.Join(dir, "identities", code))
		if err := harness.WriteIdentity(idDir, id); err != nil {
			return nil, err
		}
		identities[code] = map[string]string{"client_id": id.ClientID, "office": code, "dir": idDir,
			"key": filepath.Join(idDir, "es256_private.pem"), "cert": filepath.Join(idDir, "es256_cert.pem")}
	}
	return map[string]any{
		"issuer": w.AuthZ.Issuer(), "token_endpoint": w.AuthZ.TokenEndpoint(), "jwks_uri": w.AuthZ.JWKSURI(),
		"das_api": w.DASURL(), "s3_endpoint": w.URL("s3"), "pct_das": pctAPI(w),
		"admin": admin, "ca_file": caFile, "offices": offices, "identities": identities,
	}, nil
}

func printEndpoints(out io.Writer, ep map[string]any) {
	for _, k := range []string{"issuer", "token_endpoint", "jwks_uri", "das_api", "s3_endpoint", "pct_das", "admin", "ca_file", "admin_token_file"} {
		if v, ok := ep[k]; ok && v != "" {
			fmt.Fprintf(out, "%-16s %s\n", k, v)
		}
	}
	if c, ok := ep["console"]; ok {
		fmt.Fprintf(out, "%-16s %s  (open it with #token=<the admin token> appended, or paste the token)\n", "console", c)
	}
	ids := ep["identities"].(map[string]any)
	codes := make([]string, 0, len(ids))
	for c := range ids {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		id := ids[c].(map[string]string)
		fmt.Fprintf(out, "identity %s    client_id %s, key and certificate in %s\n", c, id["client_id"], id["dir"])
	}
}

// removeIfOurs removes the endpoints file on exit unless another world,
// started since (a script re-run at once), has written its own there.
func removeIfOurs(path string, ours []byte) {
	if b, err := os.ReadFile(path); err == nil && bytes.Equal(b, ours) {
		_ = os.Remove(path)
	}
}

// writeJSONFile writes then renames, so a script polling for the file never
// reads half of it.
func writeJSONFile(path string, v any) error {
	b, _ := json.MarshalIndent(v, "", "  ")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func registerClient(w *harness.World, c clientFlag, stdout io.Writer) error {
	// Registering replaces a registration: a taken id would silently take
	// DAS's key (every call of DAS to an office then fails) or an office's.
	switch {
	case c.id == harness.DASClientID:
		return fmt.Errorf("--client %s: that is DAS's own client id, with which DAS authenticates when it calls offices and PCT DAS; "+
			"registering your certificate under it would replace DAS's key and leave every forwarded retrieval pending: choose another id", c.id)
	case w.AuthZ.Registered(c.id):
		return fmt.Errorf("--client %s: a client with this id is already registered in the world (a simulated office or an identity "+
			"of the endpoints file): choose another id", c.id)
	}
	if err := w.AuthZ.Register(authz.Client{ID: c.id, KeysPEM: c.cert}); err != nil {
		return err
	}
	if c.office == "" {
		fmt.Fprintf(stdout, "client %s registered (not whitelisted at DAS: give CC:ID to act for an office)\n", c.id)
		return nil
	}
	// The seeds: "DAS API must maintain the whitelisted clients".
	if err := w.Verifier.Allow(c.id, c.office); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "client %s registered and whitelisted at DAS for office %s\n", c.id, c.office)
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

// pctAPI is the world's PCT DAS API root; empty when PCT DAS is external.
func pctAPI(w *harness.World) string {
	if w.PCT == nil {
		return ""
	}
	return w.PCT.APIBaseURL()
}

// dasDefectFlags parses repeated --defect NAME (harness.DASDefects).
type dasDefectFlags []string

func (f *dasDefectFlags) String() string { return strings.Join(*f, ",") }

func (f *dasDefectFlags) Set(v string) error {
	if !slices.Contains(harness.DASDefectNames(), v) {
		return fmt.Errorf("unknown defect %q; known: %s", v, strings.Join(harness.DASDefectNames(), ", "))
	}
	*f = append(*f, v)
	return nil
}
