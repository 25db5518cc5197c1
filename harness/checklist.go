package harness

import (
	"time"
)

// Check states of an observed behaviour.
const (
	Met        = "met"
	Violated   = "violated"
	NotYetSeen = "not yet seen"
)

// Check is one obligation of a client under test, judged on what it did.
type Check struct {
	ID, Title      string
	Rule, Source   string
	Flow, Step, Op string
	Optional       bool
	State          string
	// At is when the evidence of a violation happened (world clock): the
	// first failure of a run is the earliest.
	At       time.Time
	Detail   string // what was seen, or what breaks the rule
	Expected string
	Actual   string
	Pointer  string
}

func (c *Check) meet(detail string) { c.State, c.Detail = Met, detail }

func (c *Check) violate(at time.Time, expected, actual, detail string) {
	c.State, c.At, c.Expected, c.Actual, c.Detail = Violated, at, expected, actual, detail
}

// Decided reports whether more observation cannot change the check's
// state: violated, or met for good (Optional checks count as decided).
func (c Check) Decided() bool { return c.State == Violated || c.State == Met || c.Optional }

// OSFChecklist judges what the OSF under test has done so far: every
// obligation of flows c.1/c.2/c.3 steps 2a–2e and Figure B on the OSF
// side, of its token client and of its notification receiver, each per
// retrieval. final says the run is over, so that what has not been seen
// will not be: a client that keeps DAS's copy of a corrupt download
// (reporting it instead of downloading again) is then judged as having
// reported it. The order is the order of the report; for violations at
// the same instant the first listed is the first failure.
func (o *Observed) OSFChecklist(final bool) []Check {
	s := o.snapshot(final)
	f := s.cfg.Faults
	checks := []Check{s.tokenGranted(), s.tokenRenewed(), s.requestedAll()}
	if s.cfg.NotifyURL != "" {
		checks = append(checks, s.probeChecks()...)
		checks = append(checks, s.notActedOnProbe(), s.notificationsAnswered())
	}
	if f.Unavailable {
		checks = append(checks, s.retriedUnavailable(), s.retryPaced())
	}
	checks = append(checks, s.polledAtPace(), s.gotURLs(), s.deletedAfterDownload())
	if f.ExpiredURL {
		checks = append(checks, s.renewedExpiredURL())
	}
	if f.CorruptDownload {
		checks = append(checks, s.corruptDownloadHandled())
	}
	return append(checks, s.tokenKeptFromStore(), s.downloadedAll(), s.contractKept())
}

// FirstFailure returns the violated check whose evidence came first.
func FirstFailure(checks []Check) (Check, bool) {
	var first Check
	found := false
	for _, c := range checks {
		if c.State == Violated && (!found || c.At.Before(first.At)) {
			first, found = c, true
		}
	}
	return first, found
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}
