package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/store"
	"github.com/wipo-das/dasim/simulators/store/sqlstore"
)

// storeBench measures the persisted worlds against the in-memory one, in
// one run (issue 14): GET retrievals/statuses throughput and c.1 flow
// latency per store, the restart time of a world holding many
// registrations, and the memory of a world holding many gigabytes of
// documents on disk.
type storeBench struct {
	duration      time.Duration
	workers       int
	flows         int
	postgres      string
	registrations int
	gigabytes     int
	real          clock.Clock
}

// backendUnderTest is one store the bench opens, with its objects.
type backendUnderTest struct {
	name    string
	open    func(ctx context.Context, dir string) (store.Backend, error)
	objects bool // objects on disk
}

func (b *storeBench) backends() []backendUnderTest {
	out := []backendUnderTest{
		{name: "memory", open: func(context.Context, string) (store.Backend, error) { return store.NewMemory(), nil }},
		{name: "embedded (SQLite + objects on disk)", objects: true, open: func(ctx context.Context, dir string) (store.Backend, error) {
			return sqlstore.OpenSQLite(ctx, filepath.Join(dir, "dasim.db"))
		}},
	}
	if b.postgres != "" {
		out = append(out, backendUnderTest{name: "PostgreSQL + objects on disk", objects: true,
			open: func(ctx context.Context, dir string) (store.Backend, error) {
				return openFreshPostgres(ctx, b.postgres, b.real.Now().UnixNano())
			}})
	}
	return out
}

// openFreshPostgres opens the database at url in a schema of the bench's
// own, dropped when the backend closes: nothing of the database's is touched.
func openFreshPostgres(ctx context.Context, url string, nonce int64) (store.Backend, error) {
	admin, err := sql.Open("pgx", url)
	if err != nil {
		return nil, err
	}
	schema := fmt.Sprintf("dasim_bench_%d", nonce)
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		return nil, err
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	s, err := sqlstore.OpenPostgres(ctx, url+sep+"search_path="+schema)
	if err != nil {
		admin.Close()
		return nil, err
	}
	return &droppedOnClose{Store: s, drop: func() error {
		_, err := admin.ExecContext(context.WithoutCancel(ctx), `DROP SCHEMA `+schema+` CASCADE`)
		return errors.Join(err, admin.Close())
	}}, nil
}

type droppedOnClose struct {
	*sqlstore.Store
	drop func() error
}

func (d *droppedOnClose) Close() error { return errors.Join(d.Store.Close(), d.drop()) }

func (b *storeBench) run(ctx context.Context, stdout io.Writer) error {
	fmt.Fprintf(stdout, "stores: GET retrievals/statuses?requestAckId=… (%d workers, %v) and c.1 flows (%d, one at a time), GOMAXPROCS=%d\n",
		b.workers, b.duration, b.flows, runtime.GOMAXPROCS(0))
	var base storeFigures
	for i, bt := range b.backends() {
		f, err := b.measure(ctx, bt)
		if err != nil {
			return fmt.Errorf("%s: %w", bt.name, err)
		}
		if i == 0 {
			base = f
		}
		fmt.Fprintf(stdout, "%-38s statuses %7.0f req/s (%.2f× memory); c.1 flow p50 %v p90 %v (%.2f× memory)\n", bt.name,
			f.perSecond, f.perSecond/base.perSecond, f.p50.Round(10*time.Microsecond), f.p90.Round(10*time.Microsecond),
			float64(f.p50)/float64(base.p50))
	}
	if b.registrations > 0 {
		if err := b.restart(ctx, stdout); err != nil {
			return err
		}
	}
	if b.gigabytes > 0 {
		return b.rss(ctx, stdout)
	}
	return nil
}

type storeFigures struct {
	perSecond float64
	p50, p90  time.Duration
}

// measure starts a world on bt and loads it.
func (b *storeBench) measure(ctx context.Context, bt backendUnderTest) (storeFigures, error) {
	dir, err := os.MkdirTemp("", "dasim-bench-store")
	if err != nil {
		return storeFigures{}, err
	}
	defer os.RemoveAll(dir)
	st, err := bt.open(ctx, dir)
	if err != nil {
		return storeFigures{}, err
	}
	defer st.Close()
	cfg := harness.Config{Clock: clock.NewOffset(0), Store: st}
	if bt.objects {
		cfg.ObjectDir = filepath.Join(dir, "objects")
	}
	w, err := harness.Start(ctx, cfg)
	if err != nil {
		return storeFigures{}, err
	}
	defer w.Close()
	ack, osf, err := benchRetrieval(ctx, w)
	if err != nil {
		return storeFigures{}, err
	}
	token, err := w.Tokens(osf).Token(ctx)
	if err != nil {
		return storeFigures{}, err
	}
	client := w.HTTPClient()
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = b.workers
	load := harness.Load(ctx, client, b.workers, b.duration, http.StatusOK, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.DASURL()+"/retrievals/statuses?requestAckId="+ack, nil)
		if err == nil {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return req, err
	})
	if load.Failures > 0 {
		return storeFigures{}, fmt.Errorf("statuses answered wrongly: %s", load.FirstFail)
	}
	lat, err := b.flowLatencies(ctx, w)
	if err != nil {
		return storeFigures{}, err
	}
	return storeFigures{perSecond: load.PerSecond, p50: lat[len(lat)/2], p90: lat[len(lat)*9/10]}, nil
}

// flowLatencies times whole c.1 flows: upload, register, retrieve, poll
// until available, download; sorted.
func (b *storeBench) flowLatencies(ctx context.Context, w *harness.World) ([]time.Duration, error) {
	ee, err := w.EnrollOffice("EE", "ee-flows")
	if err != nil {
		return nil, err
	}
	lv, err := w.EnrollOffice("LV", "lv-flows")
	if err != nil {
		return nil, err
	}
	off, osf := w.Client(ee), w.Client(lv)
	var out []time.Duration
	for i := range b.flows {
		doc := harness.Document{Number: fmt.Sprintf("EE P7%09d", i), Date: "2023-03-14", AccessCode: "AB21",
			Content: harness.PDF(fmt.Sprint("flow ", i), 48*1024)}
		t0 := b.real.Now()
		if r, err := off.Deposit(ctx, doc); err != nil || r.Status != http.StatusCreated {
			return nil, fmt.Errorf("deposit: %v %v", err, r)
		}
		ack, r, err := osf.Retrieve(ctx, doc)
		if err != nil || ack == "" {
			return nil, fmt.Errorf("retrieve: %v %v", err, r)
		}
		for {
			st, _, err := osf.Status(ctx, ack)
			if err != nil {
				return nil, err
			}
			if st.RequestStatusCategory != "pending" {
				break
			}
			time.Sleep(200 * time.Microsecond)
		}
		body, _, err := osf.Download(ctx, ack)
		if err != nil || len(body) != len(doc.Content) {
			return nil, fmt.Errorf("download: %d bytes, %v", len(body), err)
		}
		out = append(out, b.real.Since(t0))
	}
	slices.Sort(out)
	if len(out) == 0 {
		return nil, errors.New("no flow was timed")
	}
	return out, nil
}
