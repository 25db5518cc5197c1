package harness

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/wipo-das/dasim/simulators/bearer"
	"github.com/wipo-das/dasim/simulators/das"
)

// DASDefect is one deliberate fault of the world's DAS (dasim serve
// --defect NAME), each breaking one obligation of a DAS, so that WIPO's
// regression run can be shown to catch it. Caught names the scenarios'
// flow label that fails on it (the self-test runs those).
type DASDefect struct {
	Name, Summary string
	Caught        string
	apply         func(d *dasDefects)
}

// dasDefects are the switches the defects of a world turn: inside DAS
// (das.Defects), and in how the world wires DAS (its token check, its
// retries, its timers, its tokens for offices).
type dasDefects struct {
	inside          das.Defects
	auth            string // "", "unverified", "unlisted", "expired"
	noRetry         bool
	neverExpire     bool
	noOFFDeadline   bool
	noCallbackToken bool
}

// DASDefects lists every defect; names are stable (the self-test and scripts use them).
func DASDefects() []DASDefect {
	return []DASDefect{
		{"unverified-tokens", "accepts any JWT whose sub is whitelisted, without checking its signature", "flow:resource-token",
			func(d *dasDefects) { d.auth = "unverified" }},
		{"expired-tokens", "accepts expired access tokens", "flow:resource-token", func(d *dasDefects) { d.auth = "expired" }},
		{"no-whitelist", "serves every registered client, whitelisted or not", "flow:resource-token", func(d *dasDefects) { d.auth = "unlisted" }},
		{"roib-in-library", "registers PCT RO/IB documents into the library", "flow:pct", func(d *dasDefects) { d.inside.ROIBIntoLibrary = true }},
		{"no-object-authorization", "answers any office about any retrieval (status, download URL)", "flow:isolation",
			func(d *dasDefects) { d.inside.AnyOfficesRetrieval = true }},
		{"date-as-access-code", "answers a filing-date mismatch with -14 instead of -12", "flow:wipo-errors",
			func(d *dasDefects) { d.inside.DateMismatchAsAccessCode = true }},
		{"leak-access-code", "names the registered access code in a -14 detail", "flow:wipo-errors",
			func(d *dasDefects) { d.inside.LeakAccessCode = true }},
		{"skip-checksum", "delivers a document whose bytes differ from the sha256 the OFF announced", "flow:faults",
			func(d *dasDefects) { d.inside.SkipChecksum = true }},
		{"notify-early", "notifies the OSF before the document is in transit", "flow:c2", func(d *dasDefects) { d.inside.NotifyEarly = true }},
		{"repeat-duplicate", "fetches again and notifies the OSF again on a repeated OFF notification", "flow:faults",
			func(d *dasDefects) { d.inside.RepeatDuplicate = true }},
		{"keep-deleted", "answers DELETE files 204 and keeps serving the file", "flow:c1-polling", func(d *dasDefects) { d.inside.KeepDeleted = true }},
		{"ignore-corrections", "answers PUT registrations 200 and keeps the old attributes", "flow:corrections",
			func(d *dasDefects) { d.inside.IgnoreCorrections = true }},
		{"non-wipo-errors", "answers refusals as text/plain, not WIPO's error body", "flow:wipo-errors", func(d *dasDefects) { d.inside.PlainErrors = true }},
		{"notification-201", "answers an office's POST notifications 201 with a body, where das.yaml documents 204", "flow:c2",
			func(d *dasDefects) { d.inside.NotificationCreated = true }},
		{"no-retry", "never retries an office that is down or answers 5xx", "flow:faults", func(d *dasDefects) { d.noRetry = true }},
		{"never-expire", "never removes a transit file the OSF does not delete", "flow:expiry", func(d *dasDefects) { d.neverExpire = true }},
		{"no-off-deadline", "waits forever for an OFF that never notifies", "flow:faults", func(d *dasDefects) { d.noOFFDeadline = true }},
		{"unauthenticated-callbacks", "calls offices without an access token", "flow:c2", func(d *dasDefects) { d.noCallbackToken = true }},
	}
}

// DASDefectNames are the names of DASDefects, for a flag's help.
func DASDefectNames() []string {
	var out []string
	for _, d := range DASDefects() {
		out = append(out, d.Name)
	}
	return out
}

// dasDefectsOf applies the named defects; an unknown name is an error
// listing the known ones.
func dasDefectsOf(names []string) (dasDefects, error) {
	var d dasDefects
	var errs []error
	for _, n := range names {
		i := slices.IndexFunc(DASDefects(), func(x DASDefect) bool { return x.Name == n })
		if i < 0 {
			errs = append(errs, fmt.Errorf("unknown DAS defect %q; known: %s", n, strings.Join(DASDefectNames(), ", ")))
			continue
		}
		DASDefects()[i].apply(&d)
	}
	return d, errors.Join(errs...)
}

// century stands for "never" in the timings the defects stretch.
const century = 100 * 365 * 24 * time.Hour

// tune applies the defects to DAS's configuration.
func (d dasDefects) tune(cfg *das.Config) {
	cfg.Defects = d.inside
	if d.noRetry {
		cfg.Retry.MaxAttempts = 1
	}
	if d.neverExpire {
		cfg.TransitRetention = century
	}
	if d.noOFFDeadline {
		cfg.OFFDeadline = century
	}
}

// authenticate is DAS's token check with the defect's hole in it.
func (d dasDefects) authenticate(v *bearer.Verifier) das.Authenticator {
	switch d.auth {
	case "unverified":
		return func(r *http.Request) (string, error) {
			office, err := v.OfficeOf(r)
			if err == nil {
				return office, nil
			}
			if sub := unverifiedSubject(r); sub != "" {
				if office, ok := v.Whitelisted(sub); ok {
					return office, nil
				}
			}
			return "", err
		}
	case "unlisted", "expired":
		check := d.auth
		return func(r *http.Request) (string, error) {
			office, err := v.OfficeOf(r)
			var be *bearer.Error
			switch {
			case err == nil:
				return office, nil
			case errors.As(err, &be) && check == "unlisted" && be.CheckID == "R11":
				return "XX", nil
			case errors.As(err, &be) && check == "expired" && be.CheckID == "R6":
				if sub := unverifiedSubject(r); sub != "" {
					if office, ok := v.Whitelisted(sub); ok {
						return office, nil
					}
				}
			}
			return "", err
		}
	}
	return v.OfficeOf
}

// unverifiedSubject reads the sub claim of the request's bearer token
// without checking anything: what a DAS that does not verify tokens trusts.
func unverifiedSubject(r *http.Request) string {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	parts := strings.Split(tok, ".")
	if !ok || len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var c struct {
		Sub string `json:"sub"`
	}
	_ = json.Unmarshal(payload, &c)
	return c.Sub
}
