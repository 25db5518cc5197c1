package das

import (
	"context"
	"sync"
	"time"

	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/store"
)

// The DAS's background work is timers of the store (store.Timer), written
// in the transaction of the state they act on: a document to prepare, an
// OFF's document to fetch, an OSF to notify, a retry, a transit file's
// retention, an OFF's notification deadline. Each is armed on the world's
// clock in this process and runs only once claimed in the store, so a
// restarted DAS re-arms every timer with its original deadline, and of
// several replicas on one shared store exactly one runs each timer; when
// the one that claimed it dies, its lease runs out and another claims it
// (docs/persistence.md).
const (
	timerPrepare     = "prepare"      // Subject: ack. Make the document available (flows c.1, c.2/c.3 forward, PCT).
	timerFetch       = "fetch"        // Subject: ack. Bring the OFF's document after its notification.
	timerNotify      = "notify"       // Subject: ack. Tell the OSF its retrieval completed.
	timerRetry       = "retry"        // Subject: ack; Call, Attempt. The next attempt of a call to an office.
	timerExpire      = "expire"       // Subject: file id. Transit retention ran out.
	timerOFFDeadline = "off-deadline" // Subject: ack. The OFF did not notify in time.
)

// timerID names the one timer of its kind for subject (and call).
func timerID(kind, subject string, call ...string) string {
	id := kind + "/" + subject
	for _, c := range call {
		id += "/" + c
	}
	return id
}

// dueNow is a timer of kind for subject due at once.
func (s *Server) dueNow(kind, subject string) store.Timer {
	return store.Timer{ID: timerID(kind, subject), Kind: kind, Subject: subject, Due: s.deps.clock.Now()}
}

// armed are this process's clock timers of the store's timers, by id.
type armed struct {
	mu sync.Mutex
	m  map[string]armedTimer
}

type armedTimer struct {
	t   clock.Timer
	due time.Time
}

// arm sets a clock timer for t at its deadline (at once when past).
func (s *Server) arm(t store.Timer) {
	ct := s.afterFunc(t.Due.Sub(s.deps.clock.Now()), func(ctx context.Context) { s.fire(ctx, t) })
	s.armed.mu.Lock()
	defer s.armed.mu.Unlock()
	if old, ok := s.armed.m[t.ID]; ok && old.t != nil {
		old.t.Stop()
	}
	if ct == nil { // closed
		delete(s.armed.m, t.ID)
		return
	}
	s.armed.m[t.ID] = armedTimer{t: ct, due: t.Due}
}

// disarm stops this process's clock timer for id.
func (s *Server) disarm(id string) {
	s.armed.mu.Lock()
	defer s.armed.mu.Unlock()
	if old, ok := s.armed.m[id]; ok {
		old.t.Stop()
		delete(s.armed.m, id)
	}
}

// fire claims t and runs it; a timer another replica claimed, or that was
// cancelled or moved since it was armed, is left alone.
func (s *Server) fire(ctx context.Context, t store.Timer) {
	s.armed.mu.Lock()
	if a, ok := s.armed.m[t.ID]; ok && a.due.Equal(t.Due) {
		delete(s.armed.m, t.ID)
	}
	s.armed.mu.Unlock()
	now := s.deps.clock.Now()
	claimed, ok, err := s.timers.Claim(s.storeCtx(ctx), t.ID, s.owner, now, now.Add(s.cfg.TimerLease))
	if err != nil {
		s.deps.logger.Error("das: claiming a timer", "timer", t.ID, "error", err)
		return
	}
	if ok {
		s.run(ctx, claimed)
	}
}

// run does a claimed timer's work, then removes it unless the work
// rescheduled it.
func (s *Server) run(ctx context.Context, t store.Timer) {
	switch t.Kind {
	case timerPrepare:
		s.prepare(ctx, t.Subject)
	case timerFetch:
		s.fetchFromOffice(ctx, t.Subject)
	case timerNotify:
		s.notifyOSF(ctx, t.Subject)
	case timerRetry:
		s.resumeCall(ctx, t.Subject, t.Call, t.Attempt)
	case timerExpire:
		s.expire(ctx, t.Subject)
	case timerOFFDeadline:
		s.offMissedDeadline(ctx, t.Subject)
	default:
		s.deps.logger.Error("das: a timer of an unknown kind is dropped", "timer", t.ID, "kind", t.Kind)
	}
	if err := s.timers.Finish(s.storeCtx(ctx), t.ID, t.Due); err != nil {
		s.deps.logger.Error("das: finishing a timer", "timer", t.ID, "error", err)
	}
}

// rearm arms every timer of the store at start: those of a previous run
// keep their original deadlines, and those already due run at once.
func (s *Server) rearm(ctx context.Context, shared bool) error {
	if !shared {
		// Alone on the store: a lease is a killed predecessor's.
		if err := s.timers.ReleaseAll(ctx); err != nil {
			return err
		}
	}
	all, err := s.timers.All(ctx)
	if err != nil {
		return err
	}
	for _, t := range all {
		s.arm(t)
	}
	return nil
}

// poll claims, every Config.TimerPoll, the due timers that no replica
// holds (scheduled by another replica, or claimed by one that died), and
// runs them. Only a shared store needs it.
func (s *Server) poll(ctx context.Context) {
	now := s.deps.clock.Now()
	due, err := s.timers.ClaimDue(s.storeCtx(ctx), s.owner, now, now.Add(s.cfg.TimerLease), 100)
	if err != nil {
		s.deps.logger.Error("das: polling the timers", "error", err)
	}
	for _, t := range due {
		s.goBackground(func(ctx context.Context) { s.run(ctx, t) })
	}
	s.afterFunc(s.cfg.TimerPoll, s.poll)
}

// storeCtx is ctx for the store: the state must be written even while the
// DAS closes, or work already done would be done again after a restart.
func (s *Server) storeCtx(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }
