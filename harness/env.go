package harness

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/das"
	"github.com/wipo-das/dasim/simulators/faults"
	"github.com/wipo-das/dasim/simulators/office"
	"github.com/wipo-das/dasim/simulators/s3client"
)

// Env is what one spec runs in: every role of the exchange bound to a
// simulator or to a system under test, the world's clock, the spec's part of
// the recorder, and a step marker that attributes every recorded exchange to
// the step that caused it. A spec never asks whether a role is simulated: it
// asks the Env for a role (OFF, OSF, OfficeClient) and gets whichever the run
// bound, and where it needs what only a simulator offers (advancing the
// clock, reading a bucket) it asks Can and skips with the reason.
type Env struct {
	run   Run
	world *World
	fresh bool // the world was started for this spec and closes with it
	spec  string
	used  map[string]bool // offices of a shared world this spec took (a site plays one role per spec)
	rules []string        // the fault rules this spec switched on (AddFault), removed when it ends
}

// NewEnv builds the environment of the spec named spec: a fresh simulated
// world made with cfg (its own virtual clock unless cfg says otherwise), or,
// when an office is bound, the run's shared world (cfg is then not used: that
// world was made once, for the run, by whoever bound the office).
func (r Run) NewEnv(ctx context.Context, spec string, cfg Config) (*Env, error) {
	e := &Env{run: r, spec: spec, world: r.World, used: map[string]bool{}}
	if e.world == nil {
		if r.Bindings.DAS != nil {
			return nil, errors.New("a DAS under test is certified with the harness's offices, which it calls back: start them with StartSites and give that world as Run.World")
		}
		if cfg.SigningKey == nil {
			cfg.SigningKey = r.SigningKey
		}
		w, err := Start(ctx, cfg)
		if err != nil {
			return nil, err
		}
		e.world, e.fresh = w, true
	}
	e.world.steps.mark(spec, "")
	return e, nil
}

// Close ends the spec: it lets the world finish what the spec started and,
// when the spec had the world to itself, checks the world's invariants
// (CheckInvariants) and stops it. It returns the invariants' breaches.
func (e *Env) Close(ctx context.Context) []string {
	e.world.Settle()
	for _, id := range e.rules {
		e.world.Faults.Remove(id)
	}
	if !e.fresh {
		return nil
	}
	var breaches []string
	if e.Can(ReadBuckets) == nil {
		breaches = e.world.CheckInvariants(ctx)
	}
	e.world.Close()
	return breaches
}

// Step marks the start of a step of the spec (its By text): every exchange
// recorded from now on, by any party, carries it (openapi.Labels.SpecStep).
func (e *Env) Step(text string) { e.world.steps.mark(e.spec, text) }

// Clock is the world's clock.
func (e *Env) Clock() clock.Clock { return e.world.Clock }

// Exchanges are the exchanges recorded during this spec, in order.
func (e *Env) Exchanges() []openapi.Exchange {
	var out []openapi.Exchange
	for _, x := range e.world.Log.Exchanges() {
		if x.Labels.Spec == e.spec {
			out = append(out, x)
		}
	}
	return out
}

// SetUpExchanges are the exchanges a shared world recorded before its first
// spec: what a bound office did while the run was being set up (its token
// requests, the registrations of its documents).
func (e *Env) SetUpExchanges() []openapi.Exchange {
	var out []openapi.Exchange
	for _, x := range e.world.Log.Exchanges() {
		if x.Labels.Spec == "" {
			out = append(out, x)
		}
	}
	return out
}

// Patience is how long, in the world's time, a spec waits for an
// asynchronous step before it calls the step missing.
func (e *Env) Patience() time.Duration { return e.run.patience() }

// Settle waits until every simulated party has finished the work it has in
// hand; timers not yet due are not waited for.
func (e *Env) Settle() { e.world.Settle() }

// Advance moves the world's clock forward by d and lets every party finish
// what fell due; it needs AdvanceClock.
func (e *Env) Advance(d time.Duration) error {
	if err := e.Can(AdvanceClock); err != nil {
		return err
	}
	e.world.Settle()
	if err := e.world.Advance(d); err != nil {
		return err
	}
	e.world.Settle()
	return nil
}

// Pass lets d of the world's time go by: on a virtual clock by advancing it
// (microseconds), on the real clock by waiting d of real time, because a
// system under test keeps its own time. It is how a spec waits for an
// asynchronous step without knowing which kind of world it runs in.
func (e *Env) Pass(ctx context.Context, d time.Duration) error {
	if e.Can(AdvanceClock) == nil {
		return e.Advance(d)
	}
	e.world.Settle()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Faults are the faults of the simulated parties: read their events; add
// rules with AddFault.
func (e *Env) Faults() (*faults.Set, error) {
	if err := e.Can(InjectFaults); err != nil {
		return nil, err
	}
	return e.world.Faults, nil
}

// AddFault switches a fault on at a simulated party; a party bound to a
// system under test cannot be made to misbehave (a *Missing error).
func (e *Env) AddFault(r faults.Rule) (faults.Rule, error) {
	if err := e.Can(InjectFaults); err != nil {
		return r, err
	}
	if e.run.Bindings.DAS != nil && (r.Party == "das" || r.Party == ObservedParty) {
		return r, &Missing{Capability: InjectFaults + " at DAS", Reason: "DAS is the system under test"}
	}
	added, err := e.world.Faults.Add(r)
	if err == nil {
		e.rules = append(e.rules, added.ID)
	}
	return added, err
}

// FaultEvents are the events of kind that the spec's own fault rules
// (AddFault) caused, in order.
func (e *Env) FaultEvents(kind faults.Kind) []faults.Event {
	var out []faults.Event
	for _, ev := range e.world.Faults.EventsOf(kind) {
		if slices.Contains(e.rules, ev.RuleID) {
			out = append(out, ev)
		}
	}
	return out
}

// Declared are the timings of the spec's DAS: the DAS under test's as its
// operator declared them, or the simulated DAS's own.
func (e *Env) Declared() DASTimings {
	if r := e.run.Bindings.DAS; r != nil {
		return r.Declared
	}
	return e.world.timings
}

// WaitFor lets d of the world's time pass for what a spec waits for (a
// file's retention, a token's lifetime): at once on a virtual clock; in real
// time up to the run's MaxWait; beyond it, a *Missing error saying so.
func (e *Env) WaitFor(ctx context.Context, d time.Duration, what string) error {
	if e.Can(AdvanceClock) == nil {
		return e.Advance(d)
	}
	if max := e.run.maxWait(); d > max {
		return &Missing{Capability: Capability(fmt.Sprintf("wait %v for %s", d.Round(time.Second), what)),
			Reason: fmt.Sprintf("that exceeds the run's longest wait in real time (%v, dasim certify --max-wait)", max)}
	}
	return e.Pass(ctx, d)
}

// Deliveries are DAS's calls to offices for the retrieval ack (forwarding,
// fetching, notifying), from DAS's own records; it needs InspectDAS.
func (e *Env) Deliveries(ack string) ([]das.Attempt, error) {
	if err := e.Can(InspectDAS); err != nil {
		return nil, err
	}
	return e.world.DAS.Deliveries(ack), nil
}

// Storage reaches the DAS's buckets; it needs ReadBuckets.
func (e *Env) Storage() (*ObjectStorage, error) {
	if err := e.Can(ReadBuckets); err != nil {
		return nil, err
	}
	return e.world.Storage, nil
}

// PCTDocuments are the RO/IB documents PCT DAS serves.
func (e *Env) PCTDocuments() []office.Document { return e.world.PCTDocuments() }

// World is the world behind the environment, for what no role offers (the
// CLI's own wiring, the harness's tests). Specs use the Env's methods.
func (e *Env) World() *World { return e.world }

// ObjectStorage is the S3 client DAS stores documents with.
type ObjectStorage = s3client.Storage

// DASTarget is the DAS API root of the spec (the simulated DAS, or the DAS
// under test) and an HTTP client that trusts it.
func (e *Env) DASTarget() (string, *http.Client) { return e.world.DASTarget() }

// RetryWindow is how much of the world's time a spec lets pass for DAS to
// be done with a retrieval whose office misbehaves (its retries with
// backoff, a slow office, a late notification): 40 minutes of a virtual
// clock (the simulated DAS's default policy gives up after about 16), and
// the run's MaxWait of real time for a DAS under test.
func (e *Env) RetryWindow() time.Duration {
	if e.Can(AdvanceClock) == nil {
		return 40 * time.Minute
	}
	return e.run.maxWait()
}
