package harness

import (
	"slices"
	"sync"
	"time"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/clock"
)

// Stamped is an exchange with the time, on the world's clock, at which its
// response was sent: pacing rules are judged on these times.
type Stamped struct {
	At time.Time
	openapi.Exchange
}

// maxObservedExchanges bounds what one observation keeps: a client that
// floods DAS breaks the polling rate long before this.
const maxObservedExchanges = 50000

// stampedLog is the openapi.Recorder of an observed client's DAS entrance.
// onRecord, when set, sees each exchange once it is kept.
type stampedLog struct {
	clock    clock.Clock
	onRecord func(Stamped)

	mu      sync.Mutex
	entries []Stamped
	dropped int
}

// Record keeps e, stamped with the world's time.
func (l *stampedLog) Record(e openapi.Exchange) {
	s := Stamped{At: l.clock.Now(), Exchange: e}
	l.mu.Lock()
	if len(l.entries) >= maxObservedExchanges {
		l.dropped++
		l.mu.Unlock()
		return
	}
	l.entries = append(l.entries, s)
	l.mu.Unlock()
	if l.onRecord != nil {
		l.onRecord(s)
	}
}

func (l *stampedLog) stamped() []Stamped {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.entries)
}

// Exchanges returns the recorded exchanges without their times.
func (l *stampedLog) Exchanges() []openapi.Exchange {
	var out []openapi.Exchange
	for _, s := range l.stamped() {
		out = append(out, s.Exchange)
	}
	return out
}
