package objectstore

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wipo-das/dasim/simulators/s3client"
)

// TestDiskBackend runs the object store's own tests with the objects in
// files (Config.Dir): S3 answers the same on either backend.
func TestDiskBackend(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(*testing.T)
	}{
		{"storage", TestStorageAgainstServer},
		{"presigned round trip", TestPresignedPutThenGetRoundTrip},
		{"truncated upload", TestTruncatedUploadStoresNothing},
		{"size limits", TestUploadSizeLimits},
		{"errors speak S3", TestGofakes3ErrorsSpeakS3},
		{"kept across a restart", testDiskRestart},
	} {
		t.Run(tc.name, tc.run)
	}
}

// testDiskRestart stores objects, stops the store, leaves a half-written
// upload behind as a killed process would, and starts a store on the same
// folder: every object is there, whole; the half upload is gone.
func testDiskRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	first := newWorld(t, func(c *Config) { c.Dir = dir })
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	for key, body := range map[string][]byte{"library/EE/a": []byte("%PDF-1 a"), "library/EE/a/b": big} {
		if err := first.storage.Put(ctx, first.storage.Library(), key, bytes.NewReader(body), int64(len(body)), "application/pdf"); err != nil {
			t.Fatal(err)
		}
	}
	partial := filepath.Join(dir, first.storage.Transit(), "ab", "killed.partial")
	if err := os.MkdirAll(filepath.Dir(partial), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(partial, []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	first.http.Close()

	second := newWorld(t, func(c *Config) { c.Dir = dir })
	s := second.storage
	rc, info, err := s.Get(ctx, s.Library(), "library/EE/a/b")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, big) || info.Size != int64(len(big)) {
		t.Fatalf("after a restart library/EE/a/b holds %d bytes, want the %d stored", len(got), len(big))
	}
	list, err := s.List(ctx, s.Library(), "library/")
	if err != nil || len(list) != 2 || list[0].Key != "library/EE/a" {
		t.Fatalf("List after restart: %+v %v", list, err)
	}
	if _, err := os.Stat(partial); !os.IsNotExist(err) {
		t.Fatalf("a half-written upload survived the restart: %v", err)
	}
	if objs, _ := s.List(ctx, s.Transit(), ""); len(objs) != 0 {
		t.Fatalf("transit lists %+v, want nothing (the half upload is no object)", objs)
	}
	if err := s.Delete(ctx, s.Library(), "library/EE/a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Head(ctx, s.Library(), "library/EE/a"); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("Head of a deleted object: %v, want %v", err, s3client.ErrObjectNotFound)
	}
}
