package harness

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/wipo-das/dasim/simulators/clientauth"
	"github.com/wipo-das/dasim/simulators/office"
	"gopkg.in/yaml.v3"
)

// DASTimings are what the operator declares of the DAS under test: the
// specs that must wait for one of them (a file's expiry, an OFF's missed
// deadline) wait that long in real time, or skip when it exceeds the run's
// MaxWait. A dasim serve under test is configured with them.
type DASTimings struct {
	Retention     time.Duration // transit retention (files the OSF does not delete)
	OFFDeadline   time.Duration // how long DAS waits for an OFF's notification
	CallTimeout   time.Duration // DAS's timeout for one call to an office
	TokenLifetime time.Duration // of its authorization server's access tokens; 0: not declared
}

// SiteFile is one of the harness's offices as the DAS under test is
// configured with it.
type SiteFile struct {
	Code        string `json:"code"`
	API         string `json:"api"`                     // its office-side API root, base path included
	Setup       string `json:"setup"`                   // how it authenticates DAS's calls: A or B
	ClientID    string `json:"client_id"`               // its client id at DAS's authorization server
	CertFile    string `json:"cert_file"`               // its client certificate: register it, whitelist it for Code
	CAFile      string `json:"ca_file"`                 // the root its TLS certificate chains to
	Issuer      string `json:"issuer,omitempty"`        // setup B: its own authorization server
	DASClientID string `json:"das_client_id,omitempty"` // setup B: DAS's client id there
}

// SitesFiles are the files WriteSitesFiles wrote.
type SitesFiles struct {
	Config string // das-config.json: what any DAS under test is configured with
	World  string // world.yaml: the same as a world file of dasim serve (--world)
}

// dasConfig is das-config.json.
type dasConfig struct {
	Offices         []SiteFile `json:"offices"`
	PCTDAS          string     `json:"pct_das"`
	CAFile          string     `json:"ca_file"`
	DASClientID     string     `json:"das_client_id"`
	DASKeyFile      string     `json:"das_key_file,omitempty"`
	DASCertFile     string     `json:"das_cert_file,omitempty"`
	UnlistedClient  string     `json:"unlisted_client_id"`
	UnlistedCert    string     `json:"unlisted_cert_file"`
	DeclaredTimings string     `json:"declared_timings"`
}

// WriteSitesFiles writes into dir what the DAS under test must be
// configured with: each site's DAS-facing base URL, CA, setup (A, or B with
// its authorization server and the client id DAS has there) and client
// certificate; PCT DAS's URL; the client to register without whitelisting;
// and, when the harness made DAS's key (no RemoteDAS.DASCertPEM), that key.
// world.yaml says the same as a dasim serve world file, with t applied.
func WriteSitesFiles(dir string, w *World, sc SitesConfig, t DASTimings) (SitesFiles, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return SitesFiles{}, err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return SitesFiles{}, err
	}
	caFile := filepath.Join(abs, "sites-ca.pem")
	if err := w.CA.WriteFile(caFile); err != nil {
		return SitesFiles{}, err
	}
	cfg := dasConfig{PCTDAS: w.PCT.APIBaseURL(), CAFile: caFile, DASClientID: sc.DAS.DASClientID,
		UnlistedClient: UnlistedClientID, DeclaredTimings: t.String()}
	for _, s := range RegressionSites() {
		o := w.Office(s.Code)
		cert := filepath.Join(abs, "sites", s.Code, "client_cert.pem")
		if err := writeFile(cert, o.CertificatePEM(), 0o644); err != nil {
			return SitesFiles{}, err
		}
		sf := SiteFile{Code: s.Code, API: o.APIBaseURL(), Setup: string(s.Setup), ClientID: o.ClientID(), CertFile: cert, CAFile: caFile}
		if s.Setup == office.SetupB {
			sf.Issuer, sf.DASClientID = o.AuthIssuer(), sc.DAS.DASClientID
		}
		cfg.Offices = append(cfg.Offices, sf)
	}
	unlisted, err := clientauth.KeyFilesFor(w.unlisted.Key, w.rand, w.Clock.Now())
	if err != nil {
		return SitesFiles{}, err
	}
	cfg.UnlistedCert = filepath.Join(abs, "sites", "unlisted", "client_cert.pem")
	if err := writeFile(cfg.UnlistedCert, unlisted.CertPEM, 0o644); err != nil {
		return SitesFiles{}, err
	}
	if len(sc.DAS.DASCertPEM) == 0 {
		cfg.DASKeyFile = filepath.Join(abs, "das", "es256_private.pem")
		cfg.DASCertFile = filepath.Join(abs, "das", "es256_cert.pem")
		if err := writeFile(cfg.DASKeyFile, w.dasIdentity.Files.PrivatePEM, 0o600); err != nil {
			return SitesFiles{}, err
		}
		if err := writeFile(cfg.DASCertFile, w.dasIdentity.Files.CertPEM, 0o644); err != nil {
			return SitesFiles{}, err
		}
	}
	files := SitesFiles{Config: filepath.Join(abs, "das-config.json"), World: filepath.Join(abs, "world.yaml")}
	b, _ := json.MarshalIndent(cfg, "", "  ")
	if err := writeFile(files.Config, append(b, '\n'), 0o644); err != nil {
		return files, err
	}
	ca := &CAFile{Cert: filepath.Join(sc.StateDir, "ca", "ca.pem"), Key: filepath.Join(sc.StateDir, "ca", "ca-key.pem")}
	for _, p := range []*string{&ca.Cert, &ca.Key} {
		if *p, err = filepath.Abs(*p); err != nil {
			return files, err
		}
	}
	return files, writeFile(files.World, serveWorld(cfg, t, ca), 0o644)
}

func (t DASTimings) String() string {
	return fmt.Sprintf("retention %v, OFF deadline %v, call timeout %v, token lifetime %v", t.Retention, t.OFFDeadline, t.CallTimeout, t.TokenLifetime)
}

// serveWorld is world.yaml: a world of dasim serve whose offices and PCT
// DAS are the harness's sites, with the declared timings, a retry policy
// short enough for a regression run to see DAS give up, and the sites' CA
// (so the harness trusts the DAS's certificates without a --ca).
func serveWorld(cfg dasConfig, t DASTimings, ca *CAFile) []byte {
	wf := WorldFile{Clock: "system", CA: ca, Retention: durationOrEmpty(t.Retention), TokenLifetime: durationOrEmpty(t.TokenLifetime),
		DAS: &DASFile{Key: cfg.DASKeyFile, CallTimeout: durationOrEmpty(t.CallTimeout), OFFDeadline: durationOrEmpty(t.OFFDeadline),
			Retry: &RetryFile{FirstDelay: "200ms", Factor: 2, MaxAttempts: 4}},
		PCTDAS:  &ExternalFile{URL: cfg.PCTDAS, CA: cfg.CAFile},
		Clients: []ClientFile{{ID: cfg.UnlistedClient, Cert: cfg.UnlistedCert}}}
	for _, s := range cfg.Offices {
		wf.Offices = append(wf.Offices, OfficeFile{Code: s.Code, ClientID: s.ClientID, Setup: s.Setup,
			URL: s.API, CA: s.CAFile, Issuer: s.Issuer, Cert: s.CertFile})
	}
	b, _ := yaml.Marshal(wf)
	head := "# Written by dasim certify --role das: the world of a dasim serve that is the DAS under test.\n" +
		"# Its offices and PCT DAS are the harness's; run: dasim serve --world " + "<this file>\n"
	return append([]byte(head), b...)
}

func durationOrEmpty(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

func writeFile(path string, b []byte, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b, mode)
}
