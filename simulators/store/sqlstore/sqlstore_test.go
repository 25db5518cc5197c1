package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/wipo-das/dasim/simulators/store"
	"github.com/wipo-das/dasim/simulators/store/storetest"
)

// TestSQLiteConformance runs the suite on a fresh SQLite file per test,
// reopening it for the durability tests.
func TestSQLiteConformance(t *testing.T) {
	paths := map[store.Backend]string{}
	open := func(t *testing.T) store.Backend {
		path := filepath.Join(t.TempDir(), "dasim.db")
		return openSQLite(t, path, paths)
	}
	reopen := func(t *testing.T, b store.Backend) store.Backend { return openSQLite(t, paths[b], paths) }
	storetest.Run(t, open, reopen)
}

func openSQLite(t *testing.T, path string, paths map[store.Backend]string) store.Backend {
	s, err := OpenSQLite(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	paths[s] = path
	return s
}

// postgresURL is DASIM_TEST_POSTGRES, the database the PostgreSQL suites
// run against (.ci/run starts one); they are skipped without it.
func postgresURL(t *testing.T) string {
	u := os.Getenv("DASIM_TEST_POSTGRES")
	if u == "" {
		t.Skip("DASIM_TEST_POSTGRES is not set: no PostgreSQL to test against (.ci/run starts one)")
	}
	return u
}

var schemaSeq atomic.Int64

// TestPostgresConformance runs the suite on PostgreSQL, each test in a
// schema of its own (search_path), so tests and runs never see each
// other's rows.
func TestPostgresConformance(t *testing.T) {
	base := postgresURL(t)
	schemas := map[store.Backend]string{}
	open := func(t *testing.T) store.Backend {
		schema := fmt.Sprintf("dasim_test_%d_%d", os.Getpid(), schemaSeq.Add(1))
		return openPostgres(t, base, schema, schemas, true)
	}
	reopen := func(t *testing.T, b store.Backend) store.Backend {
		return openPostgres(t, base, schemas[b], schemas, false)
	}
	storetest.Run(t, open, reopen)
}

func openPostgres(t *testing.T, base, schema string, schemas map[store.Backend]string, fresh bool) store.Backend {
	ctx := t.Context()
	if fresh {
		// The schema is made and dropped on a plain connection: the
		// database's own schema is never migrated or touched.
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_, _ = admin.ExecContext(context.WithoutCancel(ctx), `DROP SCHEMA `+schema+` CASCADE`)
			admin.Close()
		})
	}
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	s, err := OpenPostgres(ctx, base+sep+"search_path="+schema)
	if err != nil {
		t.Fatal(err)
	}
	schemas[s] = schema
	return s
}
