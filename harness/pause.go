package harness

import (
	"context"
	"time"
)

// pause waits a little real time between two polls of a system under test,
// whose clock the harness does not own.
func pause(ctx context.Context) error {
	t := time.NewTimer(200 * time.Millisecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
