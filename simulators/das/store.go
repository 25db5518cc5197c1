package das

import (
	"context"

	"github.com/wipo-das/dasim/simulators/store"
)

// File statuses (das.yaml FileStatusCategory).
const (
	fileProcessing = "processing"
	fileAccepted   = "ACCEPTED"
	fileRejected   = "REJECTED"
	fileDeleted    = "DELETED"
	fileExpired    = "EXPIRED"
)

// Request statuses (das.yaml RequestStatusCategory).
const (
	statusPending = "pending"
	statusSuccess = "success"
	statusError   = "error"
)

// The DAS's records are the store's (simulators/store): every operation
// reads and writes them in a transaction of the DAS store, so the same
// handlers run on memory, SQLite or PostgreSQL, and on several replicas.
type (
	file         = store.File
	registration = store.Registration
	retrieval    = store.Retrieval
)

const (
	roleUpload    = store.RoleUpload
	roleDelivery  = store.RoleDelivery
	hostedLibrary = store.HostedLibrary
	hostedOffice  = store.HostedOffice
	fromLibrary   = store.FromLibrary
	fromOffice    = store.FromOffice
	fromPCT       = store.FromPCT
)

// txn is one transaction of the DAS store with the timers it schedules
// and cancels: they are written with the state they belong to, and armed
// on this process's clock once the transaction has committed.
type txn struct {
	store.DASTx
	s    *Server
	arm  []store.Timer
	stop []string
}

// schedule writes t, to be armed after the commit.
func (tx *txn) schedule(t store.Timer) error {
	if err := tx.PutTimer(t); err != nil {
		return err
	}
	tx.arm = append(tx.arm, t)
	return nil
}

// cancel deletes the timer id.
func (tx *txn) cancel(id string) error {
	if err := tx.DeleteTimer(id); err != nil {
		return err
	}
	tx.stop = append(tx.stop, id)
	return nil
}

// update runs f in one transaction of the DAS store, then arms the timers
// it scheduled and stops those it cancelled. f may run more than once.
func (s *Server) update(ctx context.Context, f func(tx *txn) error) error {
	var last *txn
	err := s.db.Update(ctx, func(tx store.DASTx) error {
		last = &txn{DASTx: tx, s: s}
		return f(last)
	})
	if err != nil {
		return err
	}
	for _, id := range last.stop {
		s.disarm(id)
	}
	for _, t := range last.arm {
		s.arm(t)
	}
	return nil
}

// view runs f on a snapshot of the DAS store.
func (s *Server) view(ctx context.Context, f func(tx store.DASTx) error) error {
	return s.db.View(ctx, f)
}

// ownFile returns the caller's file; another office's file is "not found".
func ownFile(tx store.DASTx, id, office string) (file, bool, error) {
	f, ok, err := tx.File(id)
	if err != nil || !ok || f.Office != office {
		return file{}, false, err
	}
	return f, true, nil
}

// ownRetrieval returns the caller's retrieval by DAS ack id.
func ownRetrieval(tx store.DASTx, ackID, office string) (retrieval, bool, error) {
	r, ok, err := tx.Retrieval(ackID)
	if err != nil || !ok || r.OSF != office {
		return retrieval{}, false, err
	}
	return r, true, nil
}
