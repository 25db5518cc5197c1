package scenarios

import (
	"context"
	"time"

	"github.com/wipo-das/dasim/simulators/clock"
)

// realNow is the machine's clock, for measuring how fast a system answers
// (the world's clock may be virtual and stand still).
func realNow() time.Time { return clock.System().Now() }

func contextWithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}
