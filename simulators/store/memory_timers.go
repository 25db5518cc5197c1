package store

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"
)

type memTimers struct{ m *Memory }

func (s memTimers) All(ctx context.Context) ([]Timer, error) {
	s.m.mu.RLock()
	defer s.m.mu.RUnlock()
	out := make([]Timer, 0, len(s.m.timers))
	for _, t := range s.m.timers {
		out = append(out, t.Timer)
	}
	sortTimers(out)
	return out, ctx.Err()
}

func sortTimers(ts []Timer) {
	slices.SortFunc(ts, func(a, b Timer) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// claimable reports whether t may be leased at now: due, and not leased,
// or leased until before now. Even its own owner cannot claim it twice (a
// replica's timer and its poll for due timers racing each other).
func (t leasedTimer) claimable(now time.Time) bool {
	return !t.Due.After(now) && (t.owner == "" || t.until < now.UnixNano())
}

func (s memTimers) Claim(ctx context.Context, id, owner string, now, until time.Time) (Timer, bool, error) {
	if err := ctx.Err(); err != nil {
		return Timer{}, false, err
	}
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	t, ok := s.m.timers[id]
	if !ok || !t.claimable(now) {
		return Timer{}, false, nil
	}
	t.owner, t.until = owner, until.UnixNano()
	s.m.timers[id] = t
	return t.Timer, true, nil
}

func (s memTimers) ClaimDue(ctx context.Context, owner string, now, until time.Time, limit int) ([]Timer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	var out []Timer
	for _, t := range s.m.timers {
		if t.claimable(now) {
			out = append(out, t.Timer)
		}
	}
	sortTimers(out)
	if len(out) > limit {
		out = out[:limit]
	}
	for _, t := range out {
		s.m.timers[t.ID] = leasedTimer{Timer: t, owner: owner, until: until.UnixNano()}
	}
	return out, nil
}

func (s memTimers) Finish(ctx context.Context, id string, due time.Time) error {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	if t, ok := s.m.timers[id]; ok && t.Due.Equal(due) {
		delete(s.m.timers, id)
	}
	return ctx.Err()
}

func (s memTimers) ReleaseAll(ctx context.Context) error {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	for id, t := range s.m.timers {
		s.m.timers[id] = leasedTimer{Timer: t.Timer}
	}
	return ctx.Err()
}

type memWorld struct{ m *Memory }

func (w memWorld) Get(ctx context.Context, kind, name string) ([]byte, bool, error) {
	w.m.mu.RLock()
	defer w.m.mu.RUnlock()
	v, ok := w.m.world[kind][name]
	return slices.Clone(v), ok, ctx.Err()
}

func (w memWorld) PutIfAbsent(ctx context.Context, kind, name string, value []byte) ([]byte, error) {
	w.m.mu.Lock()
	defer w.m.mu.Unlock()
	if v, ok := w.m.world[kind][name]; ok {
		return slices.Clone(v), ctx.Err()
	}
	w.putLocked(kind, name, value)
	return slices.Clone(value), ctx.Err()
}

func (w memWorld) Put(ctx context.Context, kind, name string, value []byte) error {
	w.m.mu.Lock()
	defer w.m.mu.Unlock()
	w.putLocked(kind, name, value)
	return ctx.Err()
}

func (w memWorld) putLocked(kind, name string, value []byte) {
	if w.m.world[kind] == nil {
		w.m.world[kind] = map[string][]byte{}
	}
	w.m.world[kind][name] = slices.Clone(value)
}

func (w memWorld) List(ctx context.Context, kind string) (map[string][]byte, error) {
	w.m.mu.RLock()
	defer w.m.mu.RUnlock()
	out := maps.Clone(w.m.world[kind])
	for k, v := range out {
		out[k] = slices.Clone(v)
	}
	if out == nil {
		out = map[string][]byte{}
	}
	return out, ctx.Err()
}
