package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/simulators/s3client"
	"github.com/wipo-das/dasim/simulators/store"
	"github.com/wipo-das/dasim/simulators/store/sqlstore"
)

// storeFlags say where `dasim serve` keeps the world (docs/persistence.md):
// in memory (the default: a restart forgets everything), in an embedded
// store under --data-dir, or in PostgreSQL (--store) shared by replicas,
// with the documents in the simulated object store (memory, or
// --data-dir/objects) or an external S3-compatible store (--s3-endpoint).
type storeFlags struct {
	dataDir, storeURL                 string
	s3Endpoint, s3Region, s3AccessKey string
	s3Library, s3Transit              string
	timerLease                        time.Duration
}

func (f *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.dataDir, "data-dir", "", "keep the world in DIR (SQLite DIR/dasim.db, objects in DIR/objects): a restart, even kill -9, loses nothing acknowledged")
	fs.StringVar(&f.storeURL, "store", "", "keep the world's state in PostgreSQL (postgres://user@host:port/db), shared by every replica started with it")
	fs.StringVar(&f.s3Endpoint, "s3-endpoint", "", "keep the documents in this S3-compatible store (http://127.0.0.1:7070) instead of the simulated one; secret key in $DASIM_S3_SECRET_KEY")
	fs.StringVar(&f.s3Region, "s3-region", "us-east-1", "signing region of --s3-endpoint")
	fs.StringVar(&f.s3AccessKey, "s3-access-key", "", "access key id of --s3-endpoint")
	fs.StringVar(&f.s3Library, "s3-library-bucket", "das-library", "library bucket at --s3-endpoint (created when missing)")
	fs.StringVar(&f.s3Transit, "s3-transit-bucket", "das-transit", "transit bucket at --s3-endpoint (created when missing)")
	fs.DurationVar(&f.timerLease, "timer-lease", 0, "how long a replica's claim on a timer lasts before another may take it over (default 3 × the DAS's outbound timeout)")
}

// validate reports every problem at once.
func (f *storeFlags) validate(clockKind string) error {
	var errs []error
	if f.storeURL != "" && !hasScheme(f.storeURL, "postgres", "postgresql") {
		errs = append(errs, fmt.Errorf("--store %q: want a postgres:// URL", redactURL(f.storeURL)))
	}
	if f.s3Endpoint != "" {
		if !hasScheme(f.s3Endpoint, "http", "https") {
			errs = append(errs, fmt.Errorf("--s3-endpoint %q: want an http:// or https:// URL", f.s3Endpoint))
		}
		if f.s3AccessKey == "" || os.Getenv("DASIM_S3_SECRET_KEY") == "" {
			errs = append(errs, errors.New("--s3-endpoint needs --s3-access-key and the secret key in $DASIM_S3_SECRET_KEY"))
		}
		if clockKind == "virtual" {
			errs = append(errs, errors.New("--s3-endpoint needs --clock system: the external store checks presigned URLs on its own clock, which a virtual clock would leave behind"))
		}
	}
	if f.storeURL != "" && clockKind == "virtual" {
		errs = append(errs, errors.New("--store needs --clock system: replicas must agree on the time their timers and leases run on"))
	}
	if f.dataDir != "" && clockKind == "virtual" {
		errs = append(errs, errors.New("--data-dir needs --clock system: a virtual clock would start again at its start after a restart, before the deadlines it kept"))
	}
	if f.timerLease < 0 {
		errs = append(errs, fmt.Errorf("--timer-lease %v: must be positive", f.timerLease))
	}
	return errors.Join(errs...)
}

// redactURL drops a URL's password, so that errors never print it.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

func hasScheme(raw string, schemes ...string) bool {
	for _, s := range schemes {
		if len(raw) > len(s)+3 && raw[:len(s)+3] == s+"://" {
			return true
		}
	}
	return false
}

// apply opens the store into cfg; the returned function closes it after
// the world.
func (f *storeFlags) apply(ctx context.Context, cfg *harness.Config) (func(), error) {
	var b store.Backend
	var err error
	switch {
	case f.storeURL != "":
		if b, err = sqlstore.OpenPostgres(ctx, f.storeURL); err != nil {
			return nil, err
		}
		if f.dataDir != "" {
			cfg.ObjectDir = filepath.Join(f.dataDir, "objects")
		}
	case f.dataDir != "":
		var objects string
		if b, objects, err = harness.OpenDataDir(ctx, f.dataDir); err != nil {
			return nil, err
		}
		cfg.ObjectDir = objects
	}
	cfg.Store = b
	if f.s3Endpoint != "" {
		cfg.S3 = &s3client.StorageConfig{Endpoint: f.s3Endpoint, Region: f.s3Region, AccessKey: f.s3AccessKey,
			SecretKey: os.Getenv("DASIM_S3_SECRET_KEY"), Library: f.s3Library, Transit: f.s3Transit}
	}
	cfg.DASTimerLease = f.timerLease
	return func() {
		if b != nil {
			_ = b.Close()
		}
	}, nil
}

// describe names where the world is kept, for the operator.
func (f *storeFlags) describe(cfg harness.Config) string {
	state := "memory (a restart forgets everything)"
	if cfg.Store != nil {
		state = cfg.Store.Describe()
	}
	objects := "the simulated object store, in memory"
	switch {
	case cfg.S3 != nil:
		objects = "the S3 store at " + cfg.S3.Endpoint
	case cfg.ObjectDir != "":
		objects = "the simulated object store, on disk in " + cfg.ObjectDir
	}
	return fmt.Sprintf("state in %s; documents in %s", state, objects)
}
