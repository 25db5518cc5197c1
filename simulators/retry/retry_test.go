package retry

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/lifecycle"
)

var epoch = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

type transient struct{ retry bool }

func (e transient) Error() string   { return fmt.Sprintf("transient=%v", e.retry) }
func (e transient) Retryable() bool { return e.retry }

func TestDelayGrowsAndIsCapped(t *testing.T) {
	p := Policy{MaxAttempts: 6, FirstDelay: 30 * time.Second, Factor: 2, MaxDelay: 100 * time.Second}
	for next, want := range map[int]time.Duration{2: 30 * time.Second, 3: time.Minute, 4: 100 * time.Second, 6: 100 * time.Second} {
		if got := p.Delay(next); got != want {
			t.Errorf("Delay(%d) = %v, want %v", next, got, want)
		}
	}
}

func TestRunRetriesOnTheWorldClockUntilSuccess(t *testing.T) {
	v := clock.NewVirtual(epoch)
	g := lifecycle.New(t.Context(), v)
	var at []time.Time
	var finals []bool
	var doneErr error
	doneN := 0
	Run(g, Policy{MaxAttempts: 5, FirstDelay: time.Minute, Factor: 2, MaxDelay: time.Hour}, Job{
		Attempt: func(ctx context.Context, n int) error {
			if ctx.Err() != nil {
				t.Errorf("attempt %d got a dead context", n)
			}
			at = append(at, v.Now())
			if n < 3 {
				return fmt.Errorf("office down: %w", transient{retry: true})
			}
			return nil
		},
		Observe: func(n int, err error, final bool) { finals = append(finals, final) },
		Done:    func(err error, n int) { doneErr, doneN = err, n },
	})
	if len(at) != 1 || doneN != 0 {
		t.Fatalf("Run did more than attempt 1 at once: %v", at)
	}
	v.Advance(10 * time.Minute)
	want := []time.Time{epoch, epoch.Add(time.Minute), epoch.Add(3 * time.Minute)}
	if fmt.Sprint(at) != fmt.Sprint(want) || doneErr != nil || doneN != 3 || fmt.Sprint(finals) != "[false false true]" {
		t.Fatalf("attempts at %v (finals %v), done %v after %d; want %v", at, finals, doneErr, doneN, want)
	}
}

func TestRunStopsOnAFinalErrorAndWhenAttemptsRunOut(t *testing.T) {
	g := lifecycle.New(t.Context(), clock.NewVirtual(epoch))
	for _, tt := range []struct {
		name  string
		err   error
		wantN int
	}{
		{"not retryable", transient{retry: false}, 1},
		{"plain error", errors.New("refused"), 1},
		{"retryable, out of attempts", transient{retry: true}, 1},
	} {
		n := 0
		Run(g, Fixed(1, time.Second), Job{Attempt: func(context.Context, int) error { return tt.err },
			Done: func(err error, attempts int) { n = attempts }})
		if n != tt.wantN || g.Pending() != 0 {
			t.Errorf("%s: %d attempts, %d pending", tt.name, n, g.Pending())
		}
	}
}

func TestRunEndsWhenThePartyCloses(t *testing.T) {
	v := clock.NewVirtual(epoch)
	g := lifecycle.New(t.Context(), v)
	attempts, done := 0, false
	Run(g, Fixed(5, time.Minute), Job{Attempt: func(context.Context, int) error { attempts++; return transient{retry: true} },
		Done: func(error, int) { done = true }})
	if err := g.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	v.Advance(time.Hour)
	if attempts != 1 || done {
		t.Fatalf("%d attempts after Close (done %v), want 1 and no report: the party is gone", attempts, done)
	}
}

func TestValidateListsEveryProblem(t *testing.T) {
	err := Policy{MaxAttempts: 0, FirstDelay: time.Minute, MaxDelay: time.Second, Factor: 0.5}.Validate("Retry")
	for _, want := range []string{"Retry.MaxAttempts", "Retry: FirstDelay", "Retry.Factor"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate = %v, want it to name %s", err, want)
		}
	}
}
