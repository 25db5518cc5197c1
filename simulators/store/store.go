package store

import (
	"context"
	"errors"
	"time"
)

// Backend holds every kind of state of one world.
type Backend interface {
	DAS() DAS
	Timers() Timers
	World() World
	// Shared reports whether other processes may use the same backend at
	// once (PostgreSQL), so that a party must look for work they scheduled.
	Shared() bool
	// Describe names the backend for logs and the endpoints file
	// ("memory", "sqlite /data/dasim.db", "postgres host/db").
	Describe() string
	Close() error
}

// DAS is the DAS's state. Update runs f in one transaction: every write
// of f is kept, or none when f (or the commit) fails. f may run more than
// once, so it must have no other effect. View runs f on committed state
// (each read may see a later commit than the one before it, never an
// earlier one); its writes fail with ErrReadOnly.
type DAS interface {
	Update(ctx context.Context, f func(tx DASTx) error) error
	View(ctx context.Context, f func(tx DASTx) error) error
}

// DASTx is one transaction over the DAS's state. Getters return copies
// and false for a missing record; writers replace whole records.
type DASTx interface {
	File(id string) (File, bool, error)
	PutFile(f File) error
	// OfficeUploads returns the office's uploads that hold transit space
	// (File.HoldsTransit); its cost follows what the office holds.
	OfficeUploads(office string) ([]File, error)

	Registration(key string) (Registration, bool, error)
	PutRegistration(r Registration) error

	Retrieval(ack string) (Retrieval, bool, error)
	// RetrievalByOFFAck finds a forwarded retrieval by the ack id its OFF issued.
	RetrievalByOFFAck(off, offAck string) (Retrieval, bool, error)
	// PutRetrieval writes r; a retrieval written for the first time gets
	// the next Seq (set in r).
	PutRetrieval(r *Retrieval) error
	// OpenRetrievals returns the OSF's open retrievals (Retrieval.Open) in
	// Seq order; its cost follows what the office has open, not what the
	// store holds.
	OpenRetrievals(osf string) ([]Retrieval, error)

	AppendAttempt(ack string, a Attempt) error
	Attempts(ack string) ([]Attempt, error)

	// PutTimer schedules (or reschedules, lease cleared) a timer together
	// with the state it belongs to; DeleteTimer cancels one.
	PutTimer(t Timer) error
	DeleteTimer(id string) error
}

// Timers are the pending timers of every party, by the deadline of the
// world's clock they were set for. A timer runs only once claimed: a claim
// is a lease held until a deadline, so of several replicas only one runs a
// timer, and when the one that claimed it dies the lease runs out and
// another may claim it again.
type Timers interface {
	// All returns every pending timer, for a party re-arming them at start.
	All(ctx context.Context) ([]Timer, error)
	// Claim leases the timer id to owner until until, if it is due at now
	// and not leased to another owner whose lease still runs.
	Claim(ctx context.Context, id, owner string, now, until time.Time) (Timer, bool, error)
	// ClaimDue leases to owner up to limit timers due at now and free,
	// earliest first (PostgreSQL: FOR UPDATE SKIP LOCKED).
	ClaimDue(ctx context.Context, owner string, now, until time.Time, limit int) ([]Timer, error)
	// Finish removes the timer id once its work is done, unless it was
	// rescheduled since it was claimed (its Due then differs from due).
	Finish(ctx context.Context, id string, due time.Time) error
	// ReleaseAll ends every lease. A process that is a store's only user
	// calls it at start: every lease then belongs to a process that is gone
	// (killed while running the timer), whose work must be done again now,
	// not once the lease would have run out.
	ReleaseAll(ctx context.Context) error
}

// World holds the world's identity, one value by kind and name: what a
// restarted world must reuse so that no client has to be re-trusted or
// reconfigured. Values are opaque bytes (PEM, JSON).
type World interface {
	Get(ctx context.Context, kind, name string) ([]byte, bool, error)
	// PutIfAbsent stores value unless kind/name holds one, and returns what
	// kind/name holds afterwards: of replicas starting at once, every one
	// then uses the value of the first.
	PutIfAbsent(ctx context.Context, kind, name string, value []byte) ([]byte, error)
	Put(ctx context.Context, kind, name string, value []byte) error
	// List returns every value of kind, by name.
	List(ctx context.Context, kind string) (map[string][]byte, error)
}

// Kinds of World values.
const (
	KindCA         = "ca"         // the world's root CA: certificate and key
	KindServerCert = "servercert" // a listener's certificate and key, by party
	KindSigningKey = "signingkey" // the authorization server's token signing key
	KindClient     = "client"     // a client registration at the authorization server, by client id
	KindWhitelist  = "whitelist"  // the DAS whitelist: client id → office code
	KindIdentity   = "identity"   // an identity's key files, by client id
	KindPort       = "port"       // a listener's address, by party
	KindS3         = "s3"         // the simulated object store's credentials
)

// ErrReadOnly is the error of a write inside View.
var ErrReadOnly = errors.New("store: write in a read-only transaction")

// LoadOrCreate returns the World value kind/name, creating it with create
// when absent (and keeping whichever value a concurrent starter stored first).
func LoadOrCreate(ctx context.Context, w World, kind, name string, create func() ([]byte, error)) ([]byte, error) {
	if v, ok, err := w.Get(ctx, kind, name); err != nil || ok {
		return v, err
	}
	v, err := create()
	if err != nil {
		return nil, err
	}
	return w.PutIfAbsent(ctx, kind, name, v)
}
