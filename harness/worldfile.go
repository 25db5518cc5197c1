package harness

import (
	_ "embed"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/wipo-das/dasim/simulators/das"
)

// WorldFile is the YAML description of a world of your own (dasim serve
// --world FILE). Every field is optional; DemoWorld is the embedded default.
type WorldFile struct {
	// Clock: "system" (real time, the default for serve: curl and office
	// clients see real timestamps) or "virtual" (starts at Start, moves only
	// when advanced).
	Clock string `yaml:"clock,omitempty"`
	// Start of a virtual clock, RFC 3339. Default harness.Epoch.
	Start string `yaml:"start,omitempty"`
	// Profile of the authorization server: wipo (default) or fapi.
	Profile string `yaml:"profile,omitempty"`
	// Retention of transit files, a Go duration ("168h"). Default 7 days.
	Retention string `yaml:"retention,omitempty"`
	// TokenLifetime of the authorization server's access tokens, a Go
	// duration. Default 1 hour, as WIPO's.
	TokenLifetime string `yaml:"tokenLifetime,omitempty"`
	// DAS tunes the world's DAS (its key, its timings).
	DAS *DASFile `yaml:"das,omitempty"`
	// Offices of the world; each plays both roles, OFF and OSF. An office
	// with a url is external: DAS calls it there instead of a simulated one.
	Offices []OfficeFile `yaml:"offices,omitempty"`
	// PCT lists the documents of PCT DAS (RO/IB applications).
	PCT []DocumentFile `yaml:"pct,omitempty"`
	// PCTDAS, when given, is an external PCT DAS that DAS fetches RO/IB
	// documents from instead of the world's own.
	PCTDAS *ExternalFile `yaml:"pctDAS,omitempty"`
	// Clients are registered at the authorization server and not
	// whitelisted at DAS (a client DAS must refuse).
	Clients []ClientFile `yaml:"clients,omitempty"`
	// CA is the certificate authority the world's parties serve with (PEM
	// files of its root and key); default a new one at every start.
	CA *CAFile `yaml:"ca,omitempty"`
}

// CAFile names the PEM files of a CA's root certificate and private key.
type CAFile struct {
	Cert string `yaml:"cert"`
	Key  string `yaml:"key"`
}

// DASFile tunes the world's DAS. Durations are Go durations ("500ms").
type DASFile struct {
	// Key is a PEM file of DAS's private_key_jwt key (its identity at WIPO's
	// authorization server and at offices' own, setup B); default a new one.
	Key string `yaml:"key,omitempty"`
	// CallTimeout bounds each call of DAS to an office; default 30s.
	CallTimeout string `yaml:"callTimeout,omitempty"`
	// OFFDeadline is how long DAS waits for an OFF's notification; default 7 days.
	OFFDeadline string `yaml:"offDeadline,omitempty"`
	// Retry of calls to offices that are down or answer 5xx.
	Retry *RetryFile `yaml:"retry,omitempty"`
}

// RetryFile is DAS's retry policy: attempt n+1 after firstDelay*factor^(n-1).
type RetryFile struct {
	FirstDelay  string  `yaml:"firstDelay,omitempty"`
	Factor      float64 `yaml:"factor,omitempty"`
	MaxAttempts int     `yaml:"maxAttempts,omitempty"`
}

// ExternalFile is a party outside the world: its API root and the CA its
// TLS certificate chains to.
type ExternalFile struct {
	URL string `yaml:"url,omitempty"`
	CA  string `yaml:"ca,omitempty"`
}

// ClientFile is a client registered from its certificate.
type ClientFile struct {
	ID   string `yaml:"id,omitempty"`
	Cert string `yaml:"cert,omitempty"`
}

// OfficeFile describes one office.
type OfficeFile struct {
	Code     string `yaml:"code,omitempty"`     // ST.3, e.g. EE
	ClientID string `yaml:"clientId,omitempty"` // default "<code lower>-office"
	// Setup of the office's incoming API: "A" trusts WIPO's authorization
	// server (default), "B" runs its own, where DAS is a registered client.
	Setup string `yaml:"setup,omitempty"`
	// TransitAbove: documents naming no hosting and larger than this many
	// bytes go through the DAS transit zone (flow c.3). 0: the office's
	// default, 8 MiB (office.DefaultTransitThreshold).
	TransitAbove int64          `yaml:"transitAbove,omitempty"`
	Documents    []DocumentFile `yaml:"documents,omitempty"`
	// URL makes the office external: its office-side API root (base path
	// included), which DAS calls instead of a simulated office's.
	URL string `yaml:"url,omitempty"`
	// CA is a PEM file of the root(s) an external office's TLS certificate
	// chains to.
	CA string `yaml:"ca,omitempty"`
	// Issuer of an external office's own authorization server (setup B),
	// where DAS is registered as a client.
	Issuer string `yaml:"issuer,omitempty"`
	// Cert is a PEM file of an external office's client certificate,
	// registered at the authorization server and whitelisted at DAS for Code.
	Cert string `yaml:"cert,omitempty"`
}

// DocumentFile describes one priority document of an office's library.
type DocumentFile struct {
	Number     string `yaml:"number,omitempty" json:"number,omitempty"`         // e.g. "EE P202300012" or "PCT/IB2021/057271"
	Kind       string `yaml:"kind,omitempty" json:"kind,omitempty"`             // patent (default), utility model, design, trademark
	Date       string `yaml:"date,omitempty" json:"date,omitempty"`             // filing date YYYY-MM-DD
	AccessCode string `yaml:"accessCode,omitempty" json:"accessCode,omitempty"` // 4 hexadecimal characters
	// Hosting: "library" (uploaded to DAS, flow c.1), "home" (kept by the
	// office, flow c.2), "transit" (kept by the office, sent through the DAS
	// transit zone, flow c.3). Default: library, or home for IP5 offices.
	Hosting string `yaml:"hosting,omitempty" json:"hosting,omitempty"`
	Size    int64  `yaml:"size,omitempty" json:"size,omitempty"` // bytes of generated PDF content; default 48 KiB
	Format  string `yaml:"format,omitempty" json:"format,omitempty"`
}

//go:embed demo-world.yaml
var demoWorldYAML []byte

// DemoWorld returns the embedded default world (README "Demo data set").
func DemoWorld() *WorldFile {
	w, err := ParseWorldFile(demoWorldYAML)
	if err != nil {
		panic("embedded demo-world.yaml: " + err.Error())
	}
	return w
}

// ParseWorldFile reads and validates a world description. Every problem
// comes at once: unknown fields (with the valid ones), values of the wrong
// kind, and what Validate finds; only a YAML syntax error stops earlier.
func ParseWorldFile(b []byte) (*WorldFile, error) {
	var w WorldFile
	errs := decodeYAML(b, &w)
	if err := w.Validate(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("world file: %w", errors.Join(errs...))
	}
	return &w, nil
}

var (
	st3Code    = regexp.MustCompile(`^[A-Z]{2}$`)
	accessCode = regexp.MustCompile(`^[0-9A-Fa-f]{4}$`)
	pctIB      = regexp.MustCompile(`^PCT/IB[0-9]{4}/[0-9]{6}$`)
)

// Validate reports every problem at once, each naming where it is.
func (w *WorldFile) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	switch w.Clock {
	case "", "system", "virtual":
	default:
		bad("clock: %q is neither system nor virtual", w.Clock)
	}
	if w.Start != "" {
		if _, err := time.Parse(time.RFC3339, w.Start); err != nil {
			bad("start: %q is not RFC 3339", w.Start)
		}
	}
	switch w.Profile {
	case "", "wipo", "fapi":
	default:
		bad("profile: %q is neither wipo nor fapi", w.Profile)
	}
	if w.Retention != "" {
		if d, err := time.ParseDuration(w.Retention); err != nil || d <= 0 {
			bad("retention: %q is not a positive duration such as 168h", w.Retention)
		}
	}
	seen := map[string]bool{}
	for i, o := range w.Offices {
		at := fmt.Sprintf("offices[%d]", i)
		if !st3Code.MatchString(o.Code) {
			bad("%s.code: %q is not an ST.3 code (two capital letters)", at, o.Code)
		}
		if o.Code == "IB" {
			bad("%s.code: IB is PCT DAS; list its documents under pct", at)
		}
		if seen[o.Code] {
			bad("%s.code: %s is listed twice", at, o.Code)
		}
		seen[o.Code] = true
		if o.Setup != "" && o.Setup != "A" && o.Setup != "B" {
			bad("%s.setup: %q is neither A nor B", at, o.Setup)
		}
		for j, d := range o.Documents {
			where := fmt.Sprintf("%s.documents[%d]", at, j)
			errs = append(errs, d.validate(where, o.Code)...)
			if d.Hosting == "library" && slices.Contains(das.DefaultIP5Offices(), o.Code) {
				// WIPO keeps IP5 documents in temporary storage only (docs/storage-rules.md);
				// DAS refuses them in its library with 403, detail -21.
				bad("%s.hosting: office %s is an IP5 office, whose documents DAS keeps in transit only, never in its library "+
					"(it would refuse the registration: 403, detail -21); use hosting home (flow c.2) or transit (c.3)", where, o.Code)
			}
		}
		errs = append(errs, o.validateExternal(at)...)
	}
	errs = append(errs, w.validateTuning()...)
	for j, d := range w.PCT {
		where := fmt.Sprintf("pct[%d]", j)
		if !pctIB.MatchString(d.Number) {
			bad("%s.number: %q is not a PCT RO/IB number PCT/IB<yyyy>/<nnnnnn>", where, d.Number)
		}
		errs = append(errs, d.validate(where, "")...)
	}
	return errors.Join(errs...)
}

func (d DocumentFile) validate(at, office string) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if office != "" && !strings.HasPrefix(strings.ReplaceAll(d.Number, "PCT/", ""), office) {
		bad("%s.number: %q does not start with the office code %s", at, d.Number, office)
	}
	switch d.Kind {
	case "", "patent", "utility model", "utilityModel", "design", "trademark":
	default:
		bad("%s.kind: %q is not patent, utility model, design or trademark", at, d.Kind)
	}
	if _, err := time.Parse(time.DateOnly, d.Date); err != nil {
		bad("%s.date: %q is not a date YYYY-MM-DD", at, d.Date)
	}
	if !accessCode.MatchString(d.AccessCode) {
		bad("%s.accessCode: %q is not 4 hexadecimal characters", at, d.AccessCode)
	}
	switch d.Hosting {
	case "", "library", "home", "transit":
	default:
		bad("%s.hosting: %q is not library, home or transit", at, d.Hosting)
	}
	switch d.Format {
	case "", "pdf", "zip":
	default:
		bad("%s.format: %q is not pdf or zip", at, d.Format)
	}
	if d.Size < 0 {
		bad("%s.size: %d is negative", at, d.Size)
	}
	return errs
}
