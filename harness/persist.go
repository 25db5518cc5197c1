package harness

import (
	"context"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/wipo-das/dasim/simulators/s3client"
	"github.com/wipo-das/dasim/simulators/store"
	"github.com/wipo-das/dasim/simulators/store/sqlstore"
	"github.com/wipo-das/dasim/simulators/tlsca"
)

// A world keeps its identity in its store (store.World), so that a world
// restarted on the same store needs no client to be re-trusted or
// reconfigured (docs/persistence.md): the CA and each listener's
// certificate, the token signing key and its certificate (the kid), the
// registered clients and the whitelist, the identities handed to external
// clients, the object store's credentials, and the listen addresses. A
// memory store (the default) keeps them for the world's life only.

// OpenDataDir opens the embedded store of `dasim serve --data-dir`: the
// SQLite database DIR/dasim.db and the objects under DIR/objects.
func OpenDataDir(ctx context.Context, dir string) (store.Backend, string, error) {
	b, err := sqlstore.OpenSQLite(ctx, filepath.Join(dir, "dasim.db"))
	if err != nil {
		return nil, "", err
	}
	return b, filepath.Join(dir, "objects"), nil
}

// openStore gives the world its store: Config.Store, the embedded one of
// Config.DataDir (closed with the world), or a memory store.
func (w *World) openStore(ctx context.Context, cfg *Config) error {
	switch {
	case cfg.Store != nil:
	case cfg.DataDir != "":
		b, objects, err := OpenDataDir(ctx, cfg.DataDir)
		if err != nil {
			return err
		}
		cfg.Store = b
		if cfg.ObjectDir == "" {
			cfg.ObjectDir = objects
		}
		w.onClose(func(context.Context) error { return b.Close() })
	default:
		cfg.Store = store.NewMemory()
	}
	w.backend, w.kept = cfg.Store, cfg.Store.World()
	return nil
}

// storeCtx is the context of the world's store operations: the world's
// values, never the cancellation of the context it was started with (a
// spec's, say), which may end before the world does.
func (w *World) storeCtx() context.Context { return context.WithoutCancel(w.ctx) }

// keep returns the world value kind/name, made by create the first time.
func (w *World) keep(kind, name string, create func() ([]byte, error)) ([]byte, error) {
	v, err := store.LoadOrCreate(w.storeCtx(), w.kept, kind, name, create)
	if err != nil {
		return nil, fmt.Errorf("world store: %s %s: %w", kind, name, err)
	}
	return v, nil
}

// caFile is the world's CA as kept: its root and the root's key, PEM.
type caFile struct{ Cert, Key []byte }

// keptCA is the world's CA, made once per store.
func (w *World) keptCA(cfg Config) (*tlsca.CA, error) {
	b, err := w.keep(store.KindCA, "world", func() ([]byte, error) {
		ca, err := tlsca.New(cfg.Rand, cfg.Clock.Now(), "dasim world CA")
		if err != nil {
			return nil, err
		}
		key, err := ca.KeyPEM()
		if err != nil {
			return nil, err
		}
		return json.Marshal(caFile{Cert: ca.CertPEM, Key: key})
	})
	if err != nil {
		return nil, err
	}
	var f caFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("world store: CA: %w", err)
	}
	return tlsca.Load(cfg.Rand, cfg.Clock.Now(), f.Cert, f.Key)
}

// keptLeaf is the certificate of the listener of party for hosts.
func (w *World) keptLeaf(party string, hosts []string) (tls.Certificate, error) {
	b, err := w.keep(store.KindServerCert, party+" "+strings.Join(hosts, ","), func() ([]byte, error) {
		c, err := w.CA.Issue(hosts...)
		if err != nil {
			return nil, err
		}
		return tlsca.MarshalLeaf(c)
	})
	if err != nil {
		return tls.Certificate{}, err
	}
	return tlsca.ParseLeaf(b)
}

// signingKeyFile is the token signing key as kept: the key and the
// certificate whose SHA-1 is the kid.
type signingKeyFile struct {
	Key  []byte // PKCS #1 DER
	Cert []byte // X.509 DER; nil until the authorization server made it
}

// keptSigningKey is the world's token signing key (cfg's, or generated the
// first time) and its certificate, nil when none was kept yet.
func (w *World) keptSigningKey(cfg Config) (*rsa.PrivateKey, []byte, error) {
	b, err := w.keep(store.KindSigningKey, "authz", func() ([]byte, error) {
		k := cfg.SigningKey
		if k == nil {
			var err error
			if k, err = rsa.GenerateKey(cfg.Rand, 2048); err != nil {
				return nil, err
			}
		}
		return json.Marshal(signingKeyFile{Key: x509.MarshalPKCS1PrivateKey(k)})
	})
	if err != nil {
		return nil, nil, err
	}
	var f signingKeyFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, nil, fmt.Errorf("world store: signing key: %w", err)
	}
	if cfg.SigningKey != nil && f.Cert == nil && len(f.Key) > 0 {
		// A fresh world given a key: use it as it is (no parse).
		if want := x509.MarshalPKCS1PrivateKey(cfg.SigningKey); string(want) == string(f.Key) {
			return cfg.SigningKey, nil, nil
		}
	}
	k, err := x509.ParsePKCS1PrivateKey(f.Key)
	if err != nil {
		return nil, nil, fmt.Errorf("world store: signing key: %w", err)
	}
	return k, f.Cert, nil
}

// keepSigningCertificate records the certificate the authorization server
// made for the kept key, unless one is kept already.
func (w *World) keepSigningCertificate(key *rsa.PrivateKey, cert []byte) error {
	b, err := json.Marshal(signingKeyFile{Key: x509.MarshalPKCS1PrivateKey(key), Cert: cert})
	if err != nil {
		return err
	}
	old, _, err := w.kept.Get(w.storeCtx(), store.KindSigningKey, "authz")
	if err != nil {
		return err
	}
	var f signingKeyFile
	if json.Unmarshal(old, &f) == nil && f.Cert != nil {
		return nil
	}
	return w.kept.Put(w.storeCtx(), store.KindSigningKey, "authz", b)
}

// keptAddr is the address party listened on before ("" for none).
// Replicas on a shared store keep no addresses: each has its own.
func (w *World) keptAddr(party string) string {
	if w.backend.Shared() {
		return ""
	}
	old, ok, err := w.kept.Get(w.storeCtx(), store.KindPort, party)
	if err != nil || !ok {
		return ""
	}
	return string(old)
}

// keepAddr records the address party listens on.
func (w *World) keepAddr(party, addr string) error {
	if w.backend.Shared() {
		return nil
	}
	return w.kept.Put(w.storeCtx(), store.KindPort, party, []byte(addr))
}

// keptS3Credentials are the simulated object store's credentials from
// before (nil: none yet), so URLs it presigned before a restart still verify.
func (w *World) keptS3Credentials() (map[string]string, error) {
	b, ok, err := w.kept.Get(w.storeCtx(), store.KindS3, "credentials")
	if err != nil || !ok {
		return nil, err
	}
	var creds map[string]string
	if err := json.Unmarshal(b, &creds); err != nil {
		return nil, fmt.Errorf("world store: object store credentials: %w", err)
	}
	return creds, nil
}

// keepS3Credentials keeps the credentials the object store runs with.
func (w *World) keepS3Credentials(sc s3client.StorageConfig) error {
	b, err := json.Marshal(map[string]string{sc.AccessKey: sc.SecretKey})
	if err != nil {
		return err
	}
	_, err = w.kept.PutIfAbsent(w.storeCtx(), store.KindS3, "credentials", b)
	return err
}
