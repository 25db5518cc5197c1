package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wipo-das/dasim/simulators/store"
)

// sqlTimers keeps the timers as rows with their lease: owner and
// lease_until (Unix nanoseconds of the world's clock). A claim is one
// UPDATE that sets the lease only where the timer is due and free, so of
// replicas claiming at once exactly one changes the row.
type sqlTimers struct{ s *Store }

func (t sqlTimers) All(ctx context.Context) ([]store.Timer, error) {
	rows, err := t.s.read.QueryContext(ctx, `SELECT doc FROM timers ORDER BY due, id`)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	return scanAll[store.Timer](rows)
}

func (t sqlTimers) Claim(ctx context.Context, id, owner string, now, until time.Time) (store.Timer, bool, error) {
	var doc string
	err := t.s.write.QueryRowContext(ctx, `UPDATE timers SET owner = $2, lease_until = $3
		WHERE id = $1 AND due <= $4 AND (owner = '' OR lease_until < $4) RETURNING doc`,
		id, owner, nanos(until), nanos(now)).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Timer{}, false, nil
	}
	if err != nil {
		return store.Timer{}, false, fmt.Errorf("sqlstore: claiming timer %s: %w", id, err)
	}
	var tm store.Timer
	if err := scanOne(doc, &tm); err != nil {
		return tm, false, err
	}
	return tm, true, nil
}

func (t sqlTimers) ClaimDue(ctx context.Context, owner string, now, until time.Time, limit int) ([]store.Timer, error) {
	rows, err := t.s.write.QueryContext(ctx, `UPDATE timers SET owner = $1, lease_until = $2 WHERE id IN (
		SELECT id FROM timers WHERE due <= $3 AND (owner = '' OR lease_until < $3) ORDER BY due, id LIMIT $4`+t.s.d.skipLocked+`
		) RETURNING doc`, owner, nanos(until), nanos(now), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: claiming due timers: %w", err)
	}
	out, err := scanAll[store.Timer](rows)
	slices.SortFunc(out, func(a, b store.Timer) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, err
}

func (t sqlTimers) ReleaseAll(ctx context.Context) error {
	if _, err := t.s.write.ExecContext(ctx, `UPDATE timers SET owner = '', lease_until = 0 WHERE owner <> ''`); err != nil {
		return fmt.Errorf("sqlstore: releasing timer leases: %w", err)
	}
	return nil
}

func (t sqlTimers) Finish(ctx context.Context, id string, due time.Time) error {
	if _, err := t.s.write.ExecContext(ctx, `DELETE FROM timers WHERE id = $1 AND due = $2`, id, nanos(due)); err != nil {
		return fmt.Errorf("sqlstore: finishing timer %s: %w", id, err)
	}
	return nil
}

type sqlWorld struct{ s *Store }

func (w sqlWorld) Get(ctx context.Context, kind, name string) ([]byte, bool, error) {
	var v string
	err := w.s.read.QueryRowContext(ctx, `SELECT value FROM world WHERE kind = $1 AND name = $2`, kind, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("sqlstore: world %s/%s: %w", kind, name, err)
	}
	return []byte(v), true, nil
}

func (w sqlWorld) PutIfAbsent(ctx context.Context, kind, name string, value []byte) ([]byte, error) {
	if _, err := w.s.write.ExecContext(ctx, `INSERT INTO world (kind, name, value) VALUES ($1, $2, $3)
		ON CONFLICT (kind, name) DO NOTHING`, kind, name, string(value)); err != nil {
		return nil, fmt.Errorf("sqlstore: world %s/%s: %w", kind, name, err)
	}
	v, _, err := w.Get(ctx, kind, name)
	return v, err
}

func (w sqlWorld) Put(ctx context.Context, kind, name string, value []byte) error {
	if _, err := w.s.write.ExecContext(ctx, `INSERT INTO world (kind, name, value) VALUES ($1, $2, $3)
		ON CONFLICT (kind, name) DO UPDATE SET value = excluded.value`, kind, name, string(value)); err != nil {
		return fmt.Errorf("sqlstore: world %s/%s: %w", kind, name, err)
	}
	return nil
}

func (w sqlWorld) List(ctx context.Context, kind string) (map[string][]byte, error) {
	rows, err := w.s.read.QueryContext(ctx, `SELECT name, value FROM world WHERE kind = $1`, kind)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: world %s: %w", kind, err)
	}
	defer rows.Close()
	out := map[string][]byte{}
	for rows.Next() {
		var name, v string
		if err := rows.Scan(&name, &v); err != nil {
			return nil, fmt.Errorf("sqlstore: world %s: %w", kind, err)
		}
		out[name] = []byte(v)
	}
	return out, rows.Err()
}
