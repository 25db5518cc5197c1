package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/reports"
	"github.com/wipo-das/dasim/scenarios"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/faults"
)

// runCertifyOSF certifies an office-of-second-filing client by observing it:
// the system under test drives the simulated demo world through a DAS
// entrance of its own, and a checklist marks each required behaviour met,
// violated or not yet seen — including its reaction to faults the harness
// injects (a 503 on its first retrieval, a repeated notification, an
// expired first file location URL).
func runCertifyOSF(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("certify --role osf", stderr)
	office := fs.String("office", "", "ST.3 code the system acts for (required)")
	clientID := fs.String("client-id", "", "its client id (required)")
	certFile := fs.String("cert", "", "its certificate PEM, the file an office sends WIPO (required)")
	notify := fs.String("notify", "", "its notifications API root (…/das/v1/requests), if DAS should notify it; it must trust the issuer's JWKS")
	withFaults := fs.Bool("faults", true, "inject a 503 on its first retrieval, repeat the first notification, hand out an expired first download URL, and check it copes")
	timeout := fs.Duration("timeout", time.Minute, "how long to observe")
	endpoints := fs.String("endpoints-file", "dasim-osf-endpoints.json", "where the system finds the world (written when ready)")
	reportDir := fs.String("report-dir", "dasim-report", "directory for junit.xml, report.json, report.html")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := requireFlags(fs, stderr, "office", "client-id", "cert"); err != nil {
		return err
	}
	cert, err := os.ReadFile(*certFile)
	if err != nil {
		return err
	}
	wf := harness.DemoWorld()
	w, err := harness.StartWorld(ctx, wf, harness.Config{Clock: clock.NewOffset(0)})
	if err != nil {
		return err
	}
	defer w.Close()
	o, err := w.Observe(*office, *clientID, cert, *notify)
	if err != nil {
		return err
	}
	if *withFaults {
		for _, r := range []faults.Rule{
			{Party: harness.ObservedParty, Operation: "requestRetrieval", Kind: faults.ServerError, Status: 503, Remaining: 1},
			{Party: "das", Operation: "notify", Kind: faults.NotificationDuplicated, Remaining: 1},
			{Party: "das", Kind: faults.ExpiredDownloadURL, Remaining: 1}, // its first file location URL
		} {
			if _, err := w.Faults.Add(r); err != nil {
				return err
			}
		}
	}
	if err := writeOSFEndpoints(w, o, wf, *endpoints); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "observing %s; endpoints in %s\n", o, *endpoints)
	started := clock.System().Now()
	checks := observe(ctx, o, *notify != "", *withFaults, *timeout)
	run := checklistRun(o, checks, observedExchanges(w, o))
	run.Started, run.Duration = started, clock.System().Since(started).Seconds()
	if err := scenarios.WriteReports(run, scenarios.Options{ReportDir: *reportDir, Toolkit: Version, Target: run.Target}); err != nil {
		return err
	}
	for _, s := range run.Scenarios {
		fmt.Fprintf(stdout, "%-7s %s\n", s.State, s.Name)
	}
	if _, failed, _ := run.Counts(); failed > 0 {
		return fmt.Errorf("%d required behaviours not met (see %s/report.html)", failed, *reportDir)
	}
	return nil
}

// observe polls the checklist until every required check is met (plus a
// short grace for optional ones) or the timeout passes.
func observe(ctx context.Context, o *harness.Observed, notify, withFaults bool, timeout time.Duration) []harness.Check {
	real := clock.System()
	deadline, graceUntil := real.Now().Add(timeout), time.Time{}
	for {
		checks := o.OSFChecklist(notify, withFaults)
		done := true
		for _, c := range checks {
			done = done && (c.Optional || c.State == harness.Met)
		}
		now := real.Now()
		if done && graceUntil.IsZero() {
			graceUntil = now.Add(2 * time.Second)
		}
		if (done && now.After(graceUntil)) || now.After(deadline) || ctx.Err() != nil {
			return checks
		}
		time.Sleep(200 * time.Millisecond) // watching another process, not world time
	}
}

// checklistRun reports the checks as scenarios of role osf. They are all
// judged on one transcript, stored once: the system's calls through its DAS
// entrance and its requests to the object store.
func checklistRun(o *harness.Observed, checks []harness.Check, exchanges []openapi.Exchange) *reports.Run {
	party := "office " + o.Office + " (system under test)"
	run := &reports.Run{Toolkit: Version, SpecSHA256: openapi.DASSpecSHA256(), Role: "osf",
		Target: "OSF " + o.ClientID + " for office " + o.Office}
	const transcript = "observed OSF"
	calls := reports.Merge(exchanges)
	run.Count(transcript, calls)
	run.Keep(transcript, calls)
	for _, c := range checks {
		s := reports.Scenario{Name: c.ID + " " + c.Title, Flow: c.Flow, Roles: []string{"osf"},
			Labels: []string{"flow:" + c.Flow, "role:osf", scenarios.ConformanceLabel},
			Rule:   scenarios.Rule{Rule: c.Rule, Source: c.Source}.String(), Calls: len(calls), Transcript: transcript}
		switch {
		case c.State == harness.Met:
			s.State = "passed"
		case c.Optional && c.State == harness.NotYetSeen:
			s.State, s.SkipReason = "skipped", "optional, and not seen while observing"
		default:
			s.State = "failed"
			s.Failure = &reports.Failure{Party: party, Step: c.Step, Operation: c.Op, Pointer: c.Pointer,
				Rule: c.Title, Expected: c.Expected, Actual: c.Actual, Message: checkMessage(c)}
		}
		run.Add(s)
	}
	run.Finish(openapi.DAS())
	return run
}

// checkMessage says what was seen of a check that is not met.
func checkMessage(c harness.Check) string {
	if c.Detail != "" {
		return c.State + ": " + c.Detail
	}
	if c.State == harness.NotYetSeen {
		return "not seen while observing: the system under test made no call that meets this (" + c.Rule + ")"
	}
	return c.State
}

// observedExchanges are the system's exchanges through its DAS entrance,
// recorded there under its own name (the caller) with DAS as the answering
// party, and its requests to the object store, in time order.
func observedExchanges(w *harness.World, o *harness.Observed) []openapi.Exchange {
	party := "office " + o.Office + " (system under test)"
	var ex []openapi.Exchange
	for _, e := range o.Log.Exchanges() {
		e.Labels.Party, e.Labels.Peer = "das", party
		ex = append(ex, e)
	}
	for _, e := range w.Log.Exchanges() {
		if e.Contract == "s3" && e.Labels.Peer == "office "+o.Office {
			e.Labels.Peer = party
			ex = append(ex, e)
		}
	}
	sort.SliceStable(ex, func(i, j int) bool { return ex[i].At.Before(ex[j].At) })
	return ex
}

func writeOSFEndpoints(w *harness.World, o *harness.Observed, wf *harness.WorldFile, path string) error {
	ca, err := filepath.Abs(filepath.Join(filepath.Dir(path), "dasim-ca.pem"))
	if err != nil {
		return err
	}
	if err := w.CA.WriteFile(ca); err != nil {
		return err
	}
	var docs []harness.DocumentFile
	for _, of := range wf.Offices {
		docs = append(docs, of.Documents...)
	}
	docs = append(docs, wf.PCT...)
	return writeJSONFile(path, map[string]any{"issuer": w.AuthZ.Issuer(), "token_endpoint": w.AuthZ.TokenEndpoint(),
		"jwks_uri": w.AuthZ.JWKSURI(), "das_api": o.API, "ca_file": ca, "documents": docs})
}
