package store

import (
	"cmp"
	"context"
	"slices"
	"sync"
)

// Memory is the in-memory Backend: maps of record values behind one lock.
// An Update buffers its writes and applies them when f returns nil, so a
// failed Update leaves nothing behind, as a database transaction would.
type Memory struct {
	mu            sync.RWMutex
	files         map[string]File
	registrations map[string]Registration
	retrievals    map[string]Retrieval
	offAcks       map[string]string              // off + "\x00" + OFF ack → DAS ack
	open          map[string]map[string]struct{} // osf → acks of open retrievals
	holding       map[string]map[string]struct{} // office → ids of uploads holding transit space
	attempts      map[string][]Attempt
	timers        map[string]leasedTimer
	seq           int64
	world         map[string]map[string][]byte
}

type leasedTimer struct {
	Timer
	owner string
	until int64 // lease deadline, unix nanoseconds on the world's clock
}

var _ Backend = (*Memory)(nil)

// NewMemory returns an empty in-memory backend.
func NewMemory() *Memory {
	return &Memory{files: map[string]File{}, registrations: map[string]Registration{}, retrievals: map[string]Retrieval{},
		offAcks: map[string]string{}, open: map[string]map[string]struct{}{}, holding: map[string]map[string]struct{}{}, attempts: map[string][]Attempt{},
		timers: map[string]leasedTimer{}, world: map[string]map[string][]byte{}}
}

func (m *Memory) DAS() DAS             { return memDAS{m} }
func (m *Memory) Timers() Timers       { return memTimers{m} }
func (m *Memory) World() World         { return memWorld{m} }
func (m *Memory) Shared() bool         { return false }
func (m *Memory) Describe() string     { return "memory" }
func (m *Memory) Close() error         { return nil }
func offAckKey(off, ack string) string { return off + "\x00" + ack }

type memDAS struct{ m *Memory }

func (d memDAS) Update(ctx context.Context, f func(DASTx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d.m.mu.Lock()
	defer d.m.mu.Unlock()
	tx := &memTx{m: d.m, writable: true, seq: d.m.seq}
	if err := f(tx); err != nil {
		return err
	}
	tx.apply()
	return nil
}

func (d memDAS) View(ctx context.Context, f func(DASTx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d.m.mu.RLock()
	defer d.m.mu.RUnlock()
	return f(&memTx{m: d.m})
}

// memTx reads through its own pending writes to the committed maps.
type memTx struct {
	m        *Memory
	writable bool
	files    map[string]File
	regs     map[string]Registration
	rets     map[string]Retrieval
	attempts map[string][]Attempt
	timers   map[string]*Timer // nil: deleted
	seq      int64
}

func put[K comparable, V any](m *map[K]V, k K, v V) {
	if *m == nil {
		*m = map[K]V{}
	}
	(*m)[k] = v
}

func (t *memTx) File(id string) (File, bool, error) {
	if f, ok := t.files[id]; ok {
		return f, true, nil
	}
	f, ok := t.m.files[id]
	return f, ok, nil
}

func (t *memTx) PutFile(f File) error {
	if !t.writable {
		return ErrReadOnly
	}
	put(&t.files, f.ID, f)
	return nil
}

func (t *memTx) OfficeUploads(office string) ([]File, error) {
	var out []File
	for id := range t.m.holding[office] {
		if _, mine := t.files[id]; !mine {
			out = append(out, t.m.files[id])
		}
	}
	for _, f := range t.files {
		if f.Office == office && f.HoldsTransit() {
			out = append(out, f)
		}
	}
	return out, nil
}

func (t *memTx) Registration(key string) (Registration, bool, error) {
	if r, ok := t.regs[key]; ok {
		return r, true, nil
	}
	r, ok := t.m.registrations[key]
	return r, ok, nil
}

func (t *memTx) PutRegistration(r Registration) error {
	if !t.writable {
		return ErrReadOnly
	}
	put(&t.regs, r.Key, r)
	return nil
}

func (t *memTx) Retrieval(ack string) (Retrieval, bool, error) {
	if r, ok := t.rets[ack]; ok {
		return r, true, nil
	}
	r, ok := t.m.retrievals[ack]
	return r, ok, nil
}

func (t *memTx) RetrievalByOFFAck(off, offAck string) (Retrieval, bool, error) {
	for _, r := range t.rets {
		if r.OFF == off && r.OFFAckID == offAck && offAck != "" {
			return r, true, nil
		}
	}
	ack, ok := t.m.offAcks[offAckKey(off, offAck)]
	if !ok {
		return Retrieval{}, false, nil
	}
	return t.Retrieval(ack)
}

func (t *memTx) PutRetrieval(r *Retrieval) error {
	if !t.writable {
		return ErrReadOnly
	}
	if r.Seq == 0 {
		if old, ok, _ := t.Retrieval(r.AckID); ok {
			r.Seq = old.Seq
		} else {
			t.seq++
			r.Seq = t.seq
		}
	}
	put(&t.rets, r.AckID, *r)
	return nil
}

func (t *memTx) OpenRetrievals(osf string) ([]Retrieval, error) {
	var out []Retrieval
	for ack := range t.m.open[osf] {
		if _, mine := t.rets[ack]; !mine {
			out = append(out, t.m.retrievals[ack])
		}
	}
	for _, r := range t.rets {
		if r.OSF == osf && r.Open() {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b Retrieval) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, nil
}

func (t *memTx) AppendAttempt(ack string, a Attempt) error {
	if !t.writable {
		return ErrReadOnly
	}
	if t.attempts == nil {
		t.attempts = map[string][]Attempt{}
	}
	t.attempts[ack] = append(t.attempts[ack], a)
	return nil
}

func (t *memTx) Attempts(ack string) ([]Attempt, error) {
	return append(slices.Clone(t.m.attempts[ack]), t.attempts[ack]...), nil
}

func (t *memTx) PutTimer(tm Timer) error {
	if !t.writable {
		return ErrReadOnly
	}
	put(&t.timers, tm.ID, &tm)
	return nil
}

func (t *memTx) DeleteTimer(id string) error {
	if !t.writable {
		return ErrReadOnly
	}
	put(&t.timers, id, (*Timer)(nil))
	return nil
}

// apply commits the transaction's writes; m.mu is held.
func (t *memTx) apply() {
	m := t.m
	for id, f := range t.files {
		m.files[id] = f
		indexOpen(m.holding, f.Office, id, f.HoldsTransit())
	}
	for k, r := range t.regs {
		m.registrations[k] = r
	}
	for ack, r := range t.rets {
		if old, ok := m.retrievals[ack]; ok && old.OFFAckID != r.OFFAckID {
			delete(m.offAcks, offAckKey(old.OFF, old.OFFAckID))
		}
		m.retrievals[ack] = r
		if r.OFFAckID != "" {
			m.offAcks[offAckKey(r.OFF, r.OFFAckID)] = ack
		}
		indexOpen(m.open, r.OSF, ack, r.Open())
	}
	for ack, as := range t.attempts {
		m.attempts[ack] = append(m.attempts[ack], as...)
	}
	for id, tm := range t.timers {
		if tm == nil {
			delete(m.timers, id)
		} else {
			m.timers[id] = leasedTimer{Timer: *tm}
		}
	}
	m.seq = t.seq
}

// indexOpen keeps id in index[owner] while in is true.
func indexOpen(index map[string]map[string]struct{}, owner, id string, in bool) {
	set := index[owner]
	switch {
	case in && set == nil:
		index[owner] = map[string]struct{}{id: {}}
	case in:
		set[id] = struct{}{}
	default:
		delete(set, id)
	}
}
