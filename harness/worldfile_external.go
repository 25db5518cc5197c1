package harness

import (
	"crypto/ecdsa"
	"crypto/rand"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/clientauth"
	"github.com/wipo-das/dasim/simulators/das"
	"github.com/wipo-das/dasim/simulators/office"
	"github.com/wipo-das/dasim/simulators/tlsca"
)

// validateExternal checks the fields of an external office (one with a url).
func (o OfficeFile) validateExternal(at string) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if o.URL == "" {
		for field, v := range map[string]string{"ca": o.CA, "issuer": o.Issuer, "cert": o.Cert} {
			if v != "" {
				bad("%s.%s: only an external office (one with a url) has a %s", at, field, field)
			}
		}
		return errs
	}
	if u, err := url.Parse(o.URL); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		bad("%s.url: %q is not an absolute http(s) URL", at, o.URL)
	}
	if len(o.Documents) > 0 {
		bad("%s.documents: an external office holds its own documents; list none", at)
	}
	if o.Cert == "" {
		bad("%s.cert: an external office needs its client certificate (registered and whitelisted for %s)", at, o.Code)
	}
	if o.Setup == "B" && o.Issuer == "" {
		bad("%s.issuer: an external office in setup B needs the issuer of its own authorization server", at)
	}
	return errs
}

// validateTuning checks the durations of the DAS and authorization server.
func (w *WorldFile) validateTuning() []error {
	var errs []error
	duration := func(at, v string) {
		if v == "" {
			return
		}
		if d, err := time.ParseDuration(v); err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s: %q is not a positive duration such as 30s", at, v))
		}
	}
	duration("tokenLifetime", w.TokenLifetime)
	if d := w.DAS; d != nil {
		duration("das.callTimeout", d.CallTimeout)
		duration("das.offDeadline", d.OFFDeadline)
		if r := d.Retry; r != nil {
			duration("das.retry.firstDelay", r.FirstDelay)
			if r.Factor != 0 && r.Factor < 1 {
				errs = append(errs, fmt.Errorf("das.retry.factor: %v is below 1", r.Factor))
			}
			if r.MaxAttempts < 0 {
				errs = append(errs, fmt.Errorf("das.retry.maxAttempts: %d is negative", r.MaxAttempts))
			}
		}
	}
	if p := w.PCTDAS; p != nil {
		if u, err := url.Parse(p.URL); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			errs = append(errs, fmt.Errorf("pctDAS.url: %q is not an absolute http(s) URL", p.URL))
		}
	}
	for i, c := range w.Clients {
		if c.ID == "" || c.Cert == "" {
			errs = append(errs, fmt.Errorf("clients[%d]: id and cert are required", i))
		}
	}
	return errs
}

// externals are the parties outside a world file's world, read from their
// files: the world joins them once it runs.
type externals struct {
	offices []External
	setups  []string
	clients []ClientFile
	certs   map[string][]byte // client id → certificate PEM
}

// tune applies the world file's tuning and external parties to cfg,
// reading every file it names; it reports every problem at once.
func (w *WorldFile) tune(cfg *Config) (*externals, error) {
	var errs []error
	read := func(at, path string) []byte {
		if path == "" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", at, err))
		}
		return b
	}
	trust := func(at, path string) {
		if path != "" {
			cfg.TrustedRoots = append(append(cfg.TrustedRoots, read(at, path)...), '\n')
		}
	}
	parse := func(v string) time.Duration { d, _ := time.ParseDuration(v); return d } // checked by Validate
	cfg.TokenLifetime = parse(w.TokenLifetime)
	if d := w.DAS; d != nil {
		if b := read("das.key", d.Key); d.Key != "" && b != nil {
			k, err := clientauth.ParsePrivateKeyPEM(b)
			ec, ok := k.(*ecdsa.PrivateKey)
			switch {
			case err != nil:
				errs = append(errs, fmt.Errorf("das.key: %s: %w", d.Key, err))
			case !ok:
				errs = append(errs, fmt.Errorf("das.key: %s is not an ES256 key", d.Key))
			default:
				cfg.DASKey = ec
			}
		}
		cfg.DASOutboundTimeout, cfg.OFFDeadline = parse(d.CallTimeout), parse(d.OFFDeadline)
		if r := d.Retry; r != nil {
			cfg.DASRetry = das.RetryPolicy{FirstDelay: parse(r.FirstDelay), Factor: r.Factor, MaxAttempts: r.MaxAttempts}
		}
	}
	if c := w.CA; c != nil {
		certPEM, keyPEM := read("ca.cert", c.Cert), read("ca.key", c.Key)
		if certPEM != nil && keyPEM != nil {
			ca, err := tlsca.Load(rand.Reader, cfg.Clock.Now(), certPEM, keyPEM)
			if err != nil {
				errs = append(errs, fmt.Errorf("ca: %w", err))
			}
			cfg.CA = ca
		}
	}
	if p := w.PCTDAS; p != nil {
		cfg.ExternalPCT = strings.TrimSuffix(p.URL, "/")
		trust("pctDAS.ca", p.CA)
	}
	ext := &externals{clients: w.Clients, certs: map[string][]byte{}}
	for i, o := range w.Offices {
		if o.URL == "" {
			continue
		}
		at := fmt.Sprintf("offices[%d]", i)
		trust(at+".ca", o.CA)
		clientID := o.ClientID
		if clientID == "" {
			clientID = strings.ToLower(o.Code) + "-office"
		}
		ext.offices = append(ext.offices, External{URL: o.URL, Issuer: o.Issuer, ClientID: clientID,
			CertPEM: read(at+".cert", o.Cert), Office: o.Code})
		ext.setups = append(ext.setups, o.Setup)
	}
	for i, c := range w.Clients {
		ext.certs[c.ID] = read(fmt.Sprintf("clients[%d].cert", i), c.Cert)
	}
	return ext, errors.Join(errs...)
}

// joinExternal wires the external offices into DAS's directory and
// registers the external clients.
func (w *World) joinExternal(ext *externals) error {
	for i, o := range ext.offices {
		if err := w.AddExternalOffice(o, office.AuthSetup(ext.setups[i])); err != nil {
			return fmt.Errorf("external office %s: %w", o.Office, err)
		}
	}
	for _, c := range ext.clients {
		if err := w.AuthZ.Register(authz.Client{ID: c.ID, KeysPEM: ext.certs[c.ID]}); err != nil {
			return fmt.Errorf("client %s: %w", c.ID, err)
		}
	}
	return nil
}
