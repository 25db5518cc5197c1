package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/reports"
	"github.com/wipo-das/dasim/scenarios"
	"github.com/wipo-das/dasim/simulators/clock"
)

type observeOptions struct {
	timeout, idle time.Duration
	keepGoing     bool
}

// observation is how a run ended and its checks.
type observation struct {
	checks      []harness.Check
	final       bool   // the run is over for good: what was not seen fails
	ended       string // why it ended
	interrupted bool
}

// doneGrace is how long a run goes on once every check is decided: a
// client still deleting its files is judged on that too.
const doneGrace = time.Second

// observePoll is how often the checklist is evaluated.
const observePoll = 100 * time.Millisecond

// observeOSF evaluates the checklist until it is decided: at the first
// violation (unless keepGoing), once every check is decided (plus
// doneGrace), when the client has been idle for idle since its last call
// (not before its first: it may be slow to start), or at the timeout.
// It waits on the machine's clock: it watches another process.
func observeOSF(ctx context.Context, o *harness.Observed, opt observeOptions) observation {
	real := clock.System()
	deadline, decidedSince := real.Now().Add(opt.timeout), time.Time{}
	end := func(why string) observation {
		return observation{checks: o.OSFChecklist(true), final: true, ended: why, interrupted: ctx.Err() != nil}
	}
	for {
		checks := o.OSFChecklist(false)
		if first, bad := harness.FirstFailure(checks); bad && !opt.keepGoing {
			return observation{checks: checks, ended: "stopped at the first violation, " + first.ID + " (--keep-going collects all)"}
		}
		now := real.Now()
		decided := true
		for _, c := range checks {
			decided = decided && c.Decided()
		}
		switch {
		case !decided:
			decidedSince = time.Time{}
		case decidedSince.IsZero():
			decidedSince = now
		case now.Sub(decidedSince) >= doneGrace:
			return end("every obligation decided")
		}
		last, busy := o.Activity()
		if since := o.Now().Sub(last); opt.idle > 0 && !busy && !last.IsZero() && since >= opt.idle {
			return end(fmt.Sprintf("the client has been idle for %v", since.Round(time.Second)))
		}
		if now.After(deadline) {
			return end(fmt.Sprintf("the %v timeout passed", opt.timeout))
		}
		if ctx.Err() != nil {
			return end("interrupted")
		}
		t := time.NewTimer(observePoll)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
	}
}

// osfTranscript names the one transcript every check is judged on.
const osfTranscript = "observed OSF"

// checklistRun reports the checks as scenarios of role osf, all judged on
// one transcript, stored once (harness.Observed.Transcript): a failure
// points at the call that proves it and at that call's retrieval.
func checklistRun(o *harness.Observed, obs observation, started time.Time) *reports.Run {
	run := &reports.Run{Toolkit: Version, Target: "OSF " + o.ClientID + " for office " + o.Office, Role: "osf",
		SpecSHA256: openapi.DASSpecSHA256(), Started: started, Duration: clock.System().Since(started).Seconds()}
	calls := reports.Merge(o.Transcript())
	run.Count(osfTranscript, calls)
	run.Keep(osfTranscript, calls)
	for _, c := range obs.checks {
		s := reports.Scenario{Name: c.ID + " " + c.Title, Flow: c.Flow, Roles: []string{"osf"},
			Labels: []string{"flow:" + c.Flow, "role:osf", scenarios.ConformanceLabel},
			Rule:   scenarios.Rule{Rule: c.Rule, Source: c.Source}.String(), Calls: len(calls), Transcript: osfTranscript}
		fail := func(state, actual string) {
			s.State = "failed"
			s.Failure = &reports.Failure{Party: o.Party, Step: c.Step, Operation: c.Op, Pointer: c.Pointer,
				Rule: c.Title, Expected: c.Expected, Actual: actual, Message: state + ": " + c.Detail}
		}
		switch {
		case c.State == harness.Met:
			s.State, s.Steps = "passed", []string{c.Detail}
		case c.State == harness.Violated:
			fail(harness.Violated, c.Actual)
		case c.Optional:
			s.State, s.SkipReason = "skipped", "optional, and not seen while observing: "+c.Detail
		case obs.final:
			fail("not seen ("+obs.ended+")", or(c.Actual, "not seen"))
		default:
			s.State, s.SkipReason = "skipped", "undecided: "+obs.ended+"; "+c.Detail
		}
		run.Add(s)
	}
	run.Finish(openapi.DAS())
	return run
}

// printOSFRun writes one line per check and, first, the first failure.
func printOSFRun(w io.Writer, o *harness.Observed, run *reports.Run, obs observation) {
	fmt.Fprintf(w, "run ended: %s\n", obs.ended)
	if s, ok := firstFailure(run, obs); ok {
		f := s.Failure
		fmt.Fprintf(w, "first failure: %s | %s | %s | %s | %s | expected %s | actual %s\n", s.Name, f.Party, f.Step,
			strings.TrimSpace(f.Operation+" "+f.Pointer), s.Rule, f.Expected, f.Actual)
	}
	for _, s := range run.Scenarios {
		line := fmt.Sprintf("%-7s %s", s.State, s.Name)
		if s.Failure != nil {
			line += ": " + s.Failure.Message
			if s.Failure.Actual != "" {
				line += " (actual: " + s.Failure.Actual + ")"
			}
		}
		fmt.Fprintln(w, strings.TrimSpace(line))
	}
}

// firstFailure is the failed scenario of the violation seen first. When
// nothing was violated it is the first obligation not seen, a reaction to
// an injected fault (or the renewal of a short-lived token) first: a
// client that gave up on a 503 has not retrieved the rest either, and the
// 503 is the cause.
func firstFailure(run *reports.Run, obs observation) (reports.Scenario, bool) {
	var candidates []harness.Check
	if c, ok := harness.FirstFailure(obs.checks); ok {
		candidates = []harness.Check{c}
	} else {
		for _, c := range obs.checks {
			if c.Flow == "faults" || c.ID == "T2" {
				candidates = append(candidates, c)
			}
		}
		candidates = append(candidates, obs.checks...)
	}
	for _, c := range candidates {
		for _, s := range run.Scenarios {
			if s.Failure != nil && strings.HasPrefix(s.Name, c.ID+" ") {
				return s, true
			}
		}
	}
	return reports.Scenario{}, false
}
