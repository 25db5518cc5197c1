// Package clock is the one clock of a simulated world.
//
// Every party (authorization server, token verifier, object store, presigned
// URL checks, DAS retention and notification retries) reads time from a
// Clock handed to it, never from the time package: advancing a Virtual clock
// by seven days then takes microseconds and fires every timer that falls due,
// in deadline order, instead of sleeping. This is the only package of dasim
// allowed to call time.Now.
package clock

import (
	"time"
)

// Clock tells the time and schedules callbacks on that time. It satisfies
// jwx's jwt.Clock and, with Since, gofakes3's TimeSource.
type Clock interface {
	Now() time.Time
	Since(t time.Time) time.Duration
	// AfterFunc calls f in its own goroutine once the clock has passed d
	// from now. The returned Timer can cancel the call.
	AfterFunc(d time.Duration, f func()) Timer
}

// Advancer is a Clock that a test or an operator can move forward.
type Advancer interface {
	Clock
	// Advance moves the clock forward by d and runs, in deadline order,
	// every timer that falls due on the way.
	Advance(d time.Duration)
}

// Timer is a scheduled callback.
type Timer interface {
	// Stop cancels the callback; it reports whether the call was prevented.
	Stop() bool
}

// System returns the machine's clock.
func System() Clock { return systemClock{} }

type systemClock struct{}

func (systemClock) Now() time.Time                  { return time.Now() }
func (systemClock) Since(t time.Time) time.Duration { return time.Since(t) }
func (systemClock) AfterFunc(d time.Duration, f func()) Timer {
	return time.AfterFunc(d, f)
}
