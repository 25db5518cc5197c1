// Package sqlstore is the store.Backend on SQL: SQLite through the pure-Go
// modernc.org/sqlite (`dasim serve --data-dir`) and PostgreSQL through pgx
// (`dasim serve --store postgres://…`, shared by replicas). Both run the
// same schema and the same queries; docs/persistence.md says why SQLite
// rather than bbolt, and why the timers are leases rather than River jobs.
//
// Each record is one row: the columns a query selects or orders on, and
// the record itself as JSON. A transaction of DAS.Update commits before
// the DAS answers, so a request it acknowledged survives a kill -9.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // the "sqlite" database/sql driver

	"github.com/wipo-das/dasim/simulators/store"
)

// dialect is what differs between SQLite and PostgreSQL.
type dialect struct {
	name string
	// forUpdate ends a SELECT in a writing transaction: PostgreSQL locks the
	// rows it reads (another replica's transaction waits); SQLite has one
	// writer at a time already.
	forUpdate string
	// skipLocked ends the SELECT of ClaimDue: rows another replica is
	// claiming are skipped, not waited for.
	skipLocked string
	nextSeq    string
}

var (
	sqliteDialect = dialect{name: "sqlite",
		nextSeq: "SELECT COALESCE(MAX(seq), 0) + 1 FROM das_retrievals"}
	postgresDialect = dialect{name: "postgres", forUpdate: " FOR UPDATE", skipLocked: " FOR UPDATE SKIP LOCKED",
		nextSeq: "SELECT nextval('das_retrieval_seq')"}
)

// Store is a store.Backend on an SQL database.
type Store struct {
	write, read *sql.DB // SQLite: one writer connection, a pool of readers; PostgreSQL: one pool
	d           dialect
	desc        string
}

var _ store.Backend = (*Store)(nil)

// OpenSQLite opens (creating it and its folder when new) the SQLite
// database at path, in WAL mode with synchronous=FULL: a committed
// transaction is on disk, so neither a killed process nor a lost machine
// loses it.
func OpenSQLite(ctx context.Context, path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)"
	// The writer begins IMMEDIATE (it takes the write lock at BEGIN, never
	// upgrading a read lock); readers begin DEFERRED and, under WAL, never
	// wait for the writer.
	write, err := sql.Open("sqlite", dsn+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlstore: opening %s: %w", path, err)
	}
	write.SetMaxOpenConns(1) // SQLite has one writer; queueing here beats SQLITE_BUSY
	read, err := sql.Open("sqlite", dsn)
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlstore: opening %s: %w", path, err)
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8) // database/sql keeps 2 by default: the others would be reopened on every burst
	s := &Store{write: write, read: read, d: sqliteDialect, desc: "sqlite " + path}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// OpenPostgres connects to the PostgreSQL database at dsn (a postgres://
// URL) and creates the schema if it is missing; several processes may open
// the same database at once.
func OpenPostgres(ctx context.Context, dsn string) (*Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16) // a new PostgreSQL connection is a new server process: keep them
	db.SetConnMaxIdleTime(time.Minute)
	u, _ := url.Parse(dsn)
	desc := "postgres"
	if u != nil {
		desc += " " + u.Host + u.Path // never the password
	}
	s := &Store{write: db, read: db, d: postgresDialect, desc: desc}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlstore: connecting to %s: %w", desc, err)
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) DAS() store.DAS       { return sqlDAS{s} }
func (s *Store) Timers() store.Timers { return sqlTimers{s} }
func (s *Store) World() store.World   { return sqlWorld{s} }
func (s *Store) Shared() bool         { return s.d.name == "postgres" }
func (s *Store) Describe() string     { return s.desc }

// Close closes the database connections.
func (s *Store) Close() error {
	err := s.write.Close()
	if s.read != s.write {
		err = errors.Join(err, s.read.Close())
	}
	return err
}

// schema is the same on both databases (partial indexes, BIGINT, ON
// CONFLICT are common to SQLite ≥ 3.24 and PostgreSQL).
var schema = []string{
	`CREATE TABLE IF NOT EXISTS das_files (id TEXT PRIMARY KEY, office TEXT NOT NULL, holds INTEGER NOT NULL, doc TEXT NOT NULL)`,
	`CREATE INDEX IF NOT EXISTS das_files_holding ON das_files (office) WHERE holds = 1`,
	`CREATE TABLE IF NOT EXISTS das_registrations (doc_key TEXT PRIMARY KEY, doc TEXT NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS das_retrievals (ack TEXT PRIMARY KEY, osf TEXT NOT NULL, off_ack TEXT,
		is_open INTEGER NOT NULL, seq BIGINT NOT NULL, doc TEXT NOT NULL)`,
	`CREATE INDEX IF NOT EXISTS das_retrievals_open ON das_retrievals (osf, seq) WHERE is_open = 1`,
	`CREATE INDEX IF NOT EXISTS das_retrievals_off_ack ON das_retrievals (off_ack)`,
	// The next Seq is MAX(seq) + 1 on SQLite: without this index, a scan of every retrieval.
	`CREATE INDEX IF NOT EXISTS das_retrievals_seq ON das_retrievals (seq)`,
	`CREATE TABLE IF NOT EXISTS das_attempts (ack TEXT NOT NULL, n INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (ack, n))`,
	`CREATE TABLE IF NOT EXISTS timers (id TEXT PRIMARY KEY, due BIGINT NOT NULL, owner TEXT NOT NULL DEFAULT '',
		lease_until BIGINT NOT NULL DEFAULT 0, doc TEXT NOT NULL)`,
	`CREATE INDEX IF NOT EXISTS timers_due ON timers (due)`,
	`CREATE TABLE IF NOT EXISTS world (kind TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, name))`,
}

// migrate creates what is missing; on PostgreSQL under an advisory lock,
// since CREATE ... IF NOT EXISTS of two replicas at once can still collide.
func (s *Store) migrate(ctx context.Context) error {
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	defer conn.Close()
	stmts := schema
	if s.d.name == "postgres" {
		const lock = 0x6461_7369_6d // "dasim"
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, lock); err != nil {
			return fmt.Errorf("sqlstore: migrate: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, lock)
		stmts = append(stmts, `CREATE SEQUENCE IF NOT EXISTS das_retrieval_seq`)
	}
	for _, q := range stmts {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("sqlstore: migrate: %s: %w", q, err)
		}
	}
	return nil
}

// retryable tells the PostgreSQL failures after which a transaction is
// run again: a serialization failure, a deadlock, or a unique violation (a
// replica inserted the same key first; the rerun reads its row).
func retryable(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	switch pe.Code {
	case "40001", "40P01", "23505":
		return true
	}
	return false
}

// inTx runs f in a transaction of db, committing when f returns nil, and
// runs it again (up to 20 times) after a retryable failure.
func inTx(ctx context.Context, db *sql.DB, f func(*sql.Tx) error) error {
	var err error
	for range 20 {
		if err = ctx.Err(); err != nil {
			return err
		}
		var tx *sql.Tx
		if tx, err = db.BeginTx(ctx, nil); err != nil {
			return fmt.Errorf("sqlstore: begin: %w", err)
		}
		if err = f(tx); err == nil {
			if err = tx.Commit(); err == nil {
				return nil
			}
			err = fmt.Errorf("sqlstore: commit: %w", err)
		} else {
			_ = tx.Rollback()
		}
		if !retryable(err) {
			return err
		}
	}
	return err
}
