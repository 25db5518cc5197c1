package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/wipo-das/dasim/simulators/store"
)

type sqlDAS struct{ s *Store }

func (d sqlDAS) Update(ctx context.Context, f func(store.DASTx) error) error {
	return inTx(ctx, d.s.write, func(tx *sql.Tx) error { return f(&dasTx{ctx: ctx, tx: tx, d: d.s.d, writable: true}) })
}

// View reads without a transaction: each read sees the latest commit, and
// since a record and what it refers to are committed together, a later
// read never sees an older state than an earlier one. It saves the BEGIN
// and COMMIT round trips of the API's hottest call, GET retrievals/statuses.
func (d sqlDAS) View(ctx context.Context, f func(store.DASTx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return f(&dasTx{ctx: ctx, tx: d.s.read, d: d.s.d})
}

// querier is a transaction (Update) or the pool (View).
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// dasTx is one SQL transaction; in a writing one PostgreSQL locks every
// row it reads, so a read-modify-write never loses a replica's update.
type dasTx struct {
	ctx      context.Context
	tx       querier
	d        dialect
	writable bool
}

func (t *dasTx) lock() string {
	if t.writable {
		return t.d.forUpdate
	}
	return ""
}

// get reads one JSON document into v; false when there is no row.
func (t *dasTx) get(v any, query string, args ...any) (bool, error) {
	var doc string
	err := t.tx.QueryRowContext(t.ctx, query+t.lock(), args...).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sqlstore: %w", err)
	}
	return true, scanOne(doc, v)
}

// scanOne decodes a stored JSON document.
func scanOne(doc string, v any) error {
	if err := json.Unmarshal([]byte(doc), v); err != nil {
		return fmt.Errorf("sqlstore: decoding a stored record: %w", err)
	}
	return nil
}

func (t *dasTx) exec(query string, args ...any) error {
	if !t.writable {
		return store.ErrReadOnly
	}
	if _, err := t.tx.ExecContext(t.ctx, query, args...); err != nil {
		return fmt.Errorf("sqlstore: %w", err)
	}
	return nil
}

func encode(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

func (t *dasTx) File(id string) (store.File, bool, error) {
	var f store.File
	ok, err := t.get(&f, `SELECT doc FROM das_files WHERE id = $1`, id)
	return f, ok, err
}

func (t *dasTx) PutFile(f store.File) error {
	doc, err := encode(f)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO das_files (id, office, holds, doc) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET office = excluded.office, holds = excluded.holds, doc = excluded.doc`, f.ID, f.Office, flag(f.HoldsTransit()), doc)
}

func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (t *dasTx) OfficeUploads(office string) ([]store.File, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT doc FROM das_files WHERE office = $1 AND holds = 1`+t.lock(), office)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	return scanAll[store.File](rows)
}

func (t *dasTx) Registration(key string) (store.Registration, bool, error) {
	var r store.Registration
	ok, err := t.get(&r, `SELECT doc FROM das_registrations WHERE doc_key = $1`, key)
	return r, ok, err
}

func (t *dasTx) PutRegistration(r store.Registration) error {
	doc, err := encode(r)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO das_registrations (doc_key, doc) VALUES ($1, $2)
		ON CONFLICT (doc_key) DO UPDATE SET doc = excluded.doc`, r.Key, doc)
}

func (t *dasTx) Retrieval(ack string) (store.Retrieval, bool, error) {
	var r store.Retrieval
	ok, err := t.get(&r, `SELECT doc FROM das_retrievals WHERE ack = $1`, ack)
	return r, ok, err
}

// offAckKey is the off_ack column: the OFF and the ack id it issued.
func offAckKey(off, offAck string) string { return off + " " + offAck }

func (t *dasTx) RetrievalByOFFAck(off, offAck string) (store.Retrieval, bool, error) {
	var r store.Retrieval
	// The newest: a simulated OFF restarted with the world issues its ack
	// ids again from the first (docs/persistence.md).
	ok, err := t.get(&r, `SELECT doc FROM das_retrievals WHERE off_ack = $1 ORDER BY seq DESC LIMIT 1`, offAckKey(off, offAck))
	return r, ok, err
}

func (t *dasTx) PutRetrieval(r *store.Retrieval) error {
	if !t.writable {
		return store.ErrReadOnly
	}
	if r.Seq == 0 {
		var old store.Retrieval
		ok, err := t.get(&old, `SELECT doc FROM das_retrievals WHERE ack = $1`, r.AckID)
		if err != nil {
			return err
		}
		r.Seq = old.Seq
		if !ok {
			if err := t.tx.QueryRowContext(t.ctx, t.d.nextSeq).Scan(&r.Seq); err != nil {
				return fmt.Errorf("sqlstore: next seq: %w", err)
			}
		}
	}
	doc, err := encode(r)
	if err != nil {
		return err
	}
	var offAck sql.NullString
	if r.OFFAckID != "" {
		offAck = sql.NullString{String: offAckKey(r.OFF, r.OFFAckID), Valid: true}
	}
	open := flag(r.Open())
	return t.exec(`INSERT INTO das_retrievals (ack, osf, off_ack, is_open, seq, doc) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (ack) DO UPDATE SET osf = excluded.osf, off_ack = excluded.off_ack, is_open = excluded.is_open,
		seq = excluded.seq, doc = excluded.doc`, r.AckID, r.OSF, offAck, open, r.Seq, doc)
}

func (t *dasTx) OpenRetrievals(osf string) ([]store.Retrieval, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT doc FROM das_retrievals WHERE osf = $1 AND is_open = 1 ORDER BY seq, ack`+t.lock(), osf)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	return scanAll[store.Retrieval](rows)
}

// scanAll decodes every row's JSON document.
func scanAll[T any](rows *sql.Rows) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, fmt.Errorf("sqlstore: %w", err)
		}
		var v T
		if err := scanOne(doc, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	return out, nil
}

func (t *dasTx) AppendAttempt(ack string, a store.Attempt) error {
	if !t.writable {
		return store.ErrReadOnly
	}
	doc, err := encode(a)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO das_attempts (ack, n, doc)
		VALUES ($1, (SELECT COALESCE(MAX(n), 0) + 1 FROM das_attempts WHERE ack = $1), $2)`, ack, doc)
}

func (t *dasTx) Attempts(ack string) ([]store.Attempt, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT doc FROM das_attempts WHERE ack = $1 ORDER BY n`, ack)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	return scanAll[store.Attempt](rows)
}

func (t *dasTx) PutTimer(tm store.Timer) error {
	doc, err := encode(tm)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO timers (id, due, owner, lease_until, doc) VALUES ($1, $2, '', 0, $3)
		ON CONFLICT (id) DO UPDATE SET due = excluded.due, owner = '', lease_until = 0, doc = excluded.doc`,
		tm.ID, nanos(tm.Due), doc)
}

func (t *dasTx) DeleteTimer(id string) error {
	return t.exec(`DELETE FROM timers WHERE id = $1`, id)
}

// nanos is a deadline of the world's clock as stored: Unix nanoseconds.
func nanos(t time.Time) int64 { return t.UnixNano() }
