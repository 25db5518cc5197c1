package harness

import (
	"context"
	"net/http"
	"os"
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
}

// NewEnv builds the environment of the spec named spec: a fresh simulated
// world made with cfg (its own virtual clock unless cfg says otherwise), or,
// when an office is bound, the run's shared world (cfg is then not used: that
// world was made once, for the run, by whoever bound the office).
func (r Run) NewEnv(ctx context.Context, spec string, cfg Config) (*Env, error) {
	e := &Env{run: r, spec: spec, world: r.World}
	if e.world == nil {
		if cfg.SigningKey == nil {
			cfg.SigningKey = r.SigningKey
		}
		if r.DataDir != "" && cfg.DataDir == "" && cfg.Store == nil {
			dir, err := os.MkdirTemp(r.DataDir, "world-")
			if err != nil {
				return nil, err
			}
			cfg.DataDir = dir
		}
		w, err := Start(ctx, cfg)
		if err != nil {
			return nil, err
		}
		if r.Bindings.DAS != nil {
			w.UseRemoteDAS(r.Bindings.DAS)
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

// Faults switches faults of simulated parties; a fault at a party bound to a
// system under test would do nothing, so the spec needs InjectFaults.
func (e *Env) Faults() (*faults.Set, error) {
	if err := e.Can(InjectFaults); err != nil {
		return nil, err
	}
	return e.world.Faults, nil
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
func (e *Env) PCTDocuments() []office.Document { return e.world.PCT.Documents() }

// World is the world behind the environment, for what no role offers (the
// CLI's own wiring, the harness's tests). Specs use the Env's methods.
func (e *Env) World() *World { return e.world }

// ObjectStorage is the S3 client DAS stores documents with.
type ObjectStorage = s3client.Storage

// DASTarget is the DAS API root of the spec (the simulated DAS, or the DAS
// under test) and an HTTP client that trusts it.
func (e *Env) DASTarget() (string, *http.Client) { return e.world.DASTarget() }
