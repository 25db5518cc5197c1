package objectstore

import "sync"

// signatureLedger remembers, for the most recent presigned signatures this
// server accepted, what they were accepted for. A SigV4 signature does not
// reveal the path it covers, so when a client reuses a signature on another
// object key (a path swap), the ledger is the only way to name the key the
// URL was really issued for. It is bounded: the oldest entries go first.
type signatureLedger struct {
	mu      sync.Mutex
	entries map[string]ledgerEntry
	order   []string // ring of signatures, oldest at next
	next    int
}

type ledgerEntry struct{ method, host, path string }

func newSignatureLedger(capacity int) *signatureLedger {
	return &signatureLedger{entries: make(map[string]ledgerEntry, capacity), order: make([]string, capacity)}
}

func (l *signatureLedger) remember(signature, method, host, path string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.entries[signature]; ok {
		return
	}
	if old := l.order[l.next]; old != "" {
		delete(l.entries, old)
	}
	l.order[l.next] = signature
	l.next = (l.next + 1) % len(l.order)
	l.entries[signature] = ledgerEntry{method, host, path}
}

func (l *signatureLedger) lookup(signature string) (ledgerEntry, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.entries[signature]
	return e, ok
}
