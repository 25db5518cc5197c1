// Package retry is the one retry loop of the simulated parties: DAS
// repeating a call to an office that is down, an office repeating a
// notification DAS did not take. Attempt 1 runs at once on the caller's
// goroutine; attempt n+1 runs after Policy.Delay(n+1) as a tracked timer of
// the party's lifecycle group, on the world's clock (never a sleep), each
// with the group's context. Whether a failure is worth another attempt is
// told by the error itself (a Retryable method), never by its text.
//
// Delivery is therefore at least once, which das.yaml's notify operation
// states: "receivers must accept a repeat".
package retry

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wipo-das/dasim/simulators/lifecycle"
)

// Policy is how often and how late a call is repeated: attempt 1 at once,
// attempt n+1 after FirstDelay*Factor^(n-1), capped at MaxDelay, up to
// MaxAttempts in all. AttemptTimeout bounds each attempt in real time (it
// guards against a hung socket, not a protocol deadline); 0: unbounded.
type Policy struct {
	MaxAttempts    int
	FirstDelay     time.Duration
	Factor         float64
	MaxDelay       time.Duration
	AttemptTimeout time.Duration
}

// Fixed is the policy of attempts spaced delay apart.
func Fixed(attempts int, delay time.Duration) Policy {
	return Policy{MaxAttempts: attempts, FirstDelay: delay, Factor: 1, MaxDelay: delay}
}

// Delay is the wait before attempt number next (2, 3, ...).
func (p Policy) Delay(next int) time.Duration {
	d := float64(p.FirstDelay)
	for i := 2; i < next; i++ {
		d *= p.Factor
		if d >= float64(p.MaxDelay) {
			return p.MaxDelay
		}
	}
	return min(time.Duration(d), p.MaxDelay)
}

// Validate reports every problem of p at once; field names are prefixed
// with name (the configuration field holding p).
func (p Policy) Validate(name string) error {
	var errs []error
	if p.MaxAttempts < 1 {
		errs = append(errs, fmt.Errorf("%s.MaxAttempts: %d must be at least 1", name, p.MaxAttempts))
	}
	if p.FirstDelay < 0 || p.MaxDelay < p.FirstDelay {
		errs = append(errs, fmt.Errorf("%s: FirstDelay %v and MaxDelay %v must satisfy 0 <= FirstDelay <= MaxDelay", name, p.FirstDelay, p.MaxDelay))
	}
	if p.Factor < 1 {
		errs = append(errs, fmt.Errorf("%s.Factor: %v must be at least 1", name, p.Factor))
	}
	if p.AttemptTimeout < 0 {
		errs = append(errs, fmt.Errorf("%s.AttemptTimeout: %v must not be negative", name, p.AttemptTimeout))
	}
	return errors.Join(errs...)
}

// Retryable reports whether err says another attempt may succeed: some
// error in its chain has a Retryable method that answers true.
func Retryable(err error) bool {
	var r interface{ Retryable() bool }
	return errors.As(err, &r) && r.Retryable()
}

// Job is one call repeated under a Policy.
type Job struct {
	// Attempt makes attempt number n (1, 2, ...).
	Attempt func(ctx context.Context, n int) error
	// Observe, when set, hears of every attempt and whether it was the
	// last (success, a final error, no attempts left, or the party closed).
	Observe func(n int, err error, final bool)
	// Done, when set, gets the last attempt's error (nil on success) and
	// how many attempts were made.
	Done func(err error, attempts int)
}

// Run makes attempt 1 now and schedules the next ones on g; it returns
// after attempt 1 (and Done, if that attempt was the last).
func Run(g *lifecycle.Group, p Policy, j Job) { run(g, p, j, g.Context(), 1) }

func run(g *lifecycle.Group, p Policy, j Job, ctx context.Context, n int) {
	actx, cancel := ctx, context.CancelFunc(func() {})
	if p.AttemptTimeout > 0 {
		actx, cancel = context.WithTimeout(ctx, p.AttemptTimeout)
	}
	err := j.Attempt(actx, n)
	cancel()
	again := err != nil && Retryable(err) && n < p.MaxAttempts
	// After Close the group schedules nothing: this attempt is the last.
	if again && g.AfterFunc(p.Delay(n+1), func(ctx context.Context) { run(g, p, j, ctx, n+1) }) != nil {
		if j.Observe != nil {
			j.Observe(n, err, false)
		}
		return
	}
	if j.Observe != nil {
		j.Observe(n, err, true)
	}
	if j.Done != nil {
		j.Done(err, n)
	}
}
