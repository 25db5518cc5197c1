package main

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/clientauth"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/faults"
	"github.com/wipo-das/dasim/simulators/office"
)

// officeDeps are what dasim office builds its office with; a defect may
// change them before the office is made.
type officeDeps struct {
	Clock      clock.Clock
	HTTPClient *http.Client
	Key        *ecdsa.PrivateKey
	Faults     *faults.Set
	Tokens     office.TokenFunc
	Logger     *slog.Logger
	Process    processDefects
}

// options are the office's options for d.
func (d *officeDeps) options(ctx context.Context) []office.Option {
	opts := []office.Option{office.WithContext(ctx), office.WithClock(d.Clock), office.WithHTTPClient(d.HTTPClient),
		office.WithKey(d.Key), office.WithFaults(d.Faults), office.WithLogger(d.Logger)}
	if d.Tokens != nil {
		opts = append(opts, office.WithTokens(d.Tokens))
	}
	return opts
}

// defect is one deliberate fault of dasim office --defect: a faults rule on
// the office's own party where simulators/faults has a kind for it, an
// office option (office.Defects) or a token source where not.
type defect struct {
	name    string
	summary string
	apply   func(cfg *office.Config, deps *officeDeps, hc *http.Client) error
}

// rule switches on a faults rule of the office's party, for every request.
func rule(operation string, kind faults.Kind, status int) func(*office.Config, *officeDeps, *http.Client) error {
	return func(cfg *office.Config, deps *officeDeps, _ *http.Client) error {
		_, err := deps.Faults.Add(faults.Rule{Party: "office " + cfg.Code, Operation: operation, Kind: kind, Status: status})
		return err
	}
}

// firstDefects are the defects of the first self-test: the office's own
// token requests, and the grossest faults of its answers.
func firstDefects() []defect {
	return []defect{
		{"der-assertion", "client assertions carry DER-encoded ES256 signatures, not R||S", func(cfg *office.Config, deps *officeDeps, hc *http.Client) error {
			deps.Tokens = flawedTokens(cfg, deps, hc, func(*clientauth.AssertionSpec) {}, clientauth.DEREncodedJWS)
			return nil
		}},
		{"wrong-aud", "client assertions name the issuer as aud, not the token endpoint", func(cfg *office.Config, deps *officeDeps, hc *http.Client) error {
			deps.Tokens = flawedTokens(cfg, deps, hc, func(spec *clientauth.AssertionSpec) {
				spec.Audience = strings.TrimSuffix(spec.Audience, "/access_token")
			}, nil)
			return nil
		}},
		{"no-notification", "never notifies DAS after a forwarded retrieval", rule("notify", faults.NotificationDropped, 0)},
		{"wrong-checksum", "serves altered bytes on its download links", rule(faults.OpDownloadFile, faults.WrongChecksum, 0)},
		{"forward-500", "answers 500 to forwarded POST retrievals", rule("requestRetrieval", faults.ServerError, http.StatusInternalServerError)},
		{"non-wipo-error", "answers errors as text/plain, not WIPO's error body", func(cfg *office.Config, _ *officeDeps, _ *http.Client) error {
			cfg.Defects.NonWIPOErrors = true
			return nil
		}},
		{"missing-field", "drops requestAckId from its POST retrievals answer", func(cfg *office.Config, _ *officeDeps, _ *http.Client) error {
			cfg.Defects.OmitRetrievalAckID = true
			return nil
		}},
		{"expired-download-url", "hands out download URLs that have already expired", rule("getFileDownloadUrl", faults.ExpiredDownloadURL, 0)},
	}
}

// defects lists every defect; names are stable (the self-test and scripts use them).
func defects() []defect {
	return slices.Concat(firstDefects(), authDefects(), lookupAndAckDefects(), documentDefects())
}

func defectNames() []string {
	var out []string
	for _, d := range defects() {
		out = append(out, d.name)
	}
	sort.Strings(out)
	return out
}

// defectFlags parses repeated --defect NAME.
type defectFlags []defect

func (f *defectFlags) String() string {
	var names []string
	for _, d := range *f {
		names = append(names, d.name)
	}
	return "[" + strings.Join(names, " ") + "]"
}

func (f *defectFlags) Set(v string) error {
	for _, d := range defects() {
		if d.name == v {
			*f = append(*f, d)
			return nil
		}
	}
	return fmt.Errorf("unknown defect %q; known: %s", v, strings.Join(defectNames(), ", "))
}

// flawedTokens is the seeds' token client with one mistake in the
// assertion: alter changes its claims before signing, resign (optional)
// rewrites the signed assertion. No caching: every call shows the mistake.
func flawedTokens(cfg *office.Config, deps *officeDeps, hc *http.Client, alter func(*clientauth.AssertionSpec), resign func(string) (string, error)) office.TokenFunc {
	tc := &clientauth.TokenClient{HTTP: hc, Issuer: cfg.WIPOIssuer, ClientID: cfg.ClientID, Key: deps.Key, Now: deps.Clock.Now}
	scope := or(cfg.Scope, authz.ScopeOfficeExchange)
	return func(ctx context.Context) (string, error) {
		meta, err := tc.Discover(ctx)
		if err != nil {
			return "", err
		}
		endpoint, _ := meta["token_endpoint"].(string)
		spec := clientauth.AssertionSpec{ClientID: tc.ClientID, Audience: endpoint}
		alter(&spec)
		assertion, err := clientauth.SignAssertion(tc.Key, spec, tc.Now())
		if err == nil && resign != nil {
			assertion, err = resign(assertion)
		}
		if err != nil {
			return "", err
		}
		tr, err := tc.Exchange(ctx, endpoint, assertion, scope)
		if err != nil {
			return "", err
		}
		return tr.AccessToken, nil
	}
}
