package objectstore

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/johannesboyne/gofakes3"

	"github.com/wipo-das/dasim/simulators/clock"
)

// diskBackend is a gofakes3.Backend keeping each object in a file of its
// own under a directory: bytes stream to and from the disk, so the store's
// memory does not grow with what it holds (docs/persistence.md).
//
// An object is written to a temporary file, synced, then renamed over its
// name: a reader sees the old object or the new one, never half of one,
// and a process killed mid-upload leaves only a temporary file (removed at
// the next start). The file is an 8-byte big-endian header length, the
// header (JSON: the key, size, MD5 and metadata), then the bytes. The file
// name is the SHA-256 of the key, so any key S3 allows has a name, and
// "a" and "a/b" can both exist.
//
// gofakes3's own s3afero backend is not used: it writes in place (a
// killed upload leaves half an object under the key), holds one lock for
// the whole of every upload, and leaks the file a PUT over an existing key
// opens.
type diskBackend struct {
	root  string
	clock clock.Clock
}

type diskHeader struct {
	Key      string
	Size     int64
	MD5      []byte
	Meta     map[string]string
	Modified int64 // Unix nanoseconds of the world's clock
}

var _ gofakes3.Backend = (*diskBackend)(nil)

func newDiskBackend(root string, c clock.Clock) (*diskBackend, error) {
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("objectstore: %w", err)
	}
	b := &diskBackend{root: root, clock: c}
	// Temporary files of uploads a killed process left behind.
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == ".partial" {
			_ = os.Remove(p)
		}
		return nil
	})
	return b, nil
}

func (b *diskBackend) bucketDir(bucket string) string { return filepath.Join(b.root, bucket) }

func (b *diskBackend) objectPath(bucket, key string) string {
	sum := sha256.Sum256([]byte(key))
	h := hex.EncodeToString(sum[:])
	return filepath.Join(b.root, bucket, h[:2], h)
}

func (b *diskBackend) ListBuckets() ([]gofakes3.BucketInfo, error) {
	entries, err := os.ReadDir(b.root)
	if err != nil {
		return nil, err
	}
	var out []gofakes3.BucketInfo
	for _, e := range entries {
		if e.IsDir() {
			info, _ := e.Info()
			out = append(out, gofakes3.BucketInfo{Name: e.Name(), CreationDate: gofakes3.NewContentTime(info.ModTime())})
		}
	}
	return out, nil
}

func (b *diskBackend) BucketExists(name string) (bool, error) {
	info, err := os.Stat(b.bucketDir(name))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil && info.IsDir(), err
}

func (b *diskBackend) CreateBucket(name string) error {
	if ok, _ := b.BucketExists(name); ok {
		return gofakes3.ResourceError(gofakes3.ErrBucketAlreadyExists, name)
	}
	return os.MkdirAll(b.bucketDir(name), 0o700)
}

func (b *diskBackend) DeleteBucket(name string) error {
	list, err := b.ListBucket(name, nil, gofakes3.ListBucketPage{})
	if err != nil {
		return err
	}
	if len(list.Contents) > 0 {
		return gofakes3.ResourceError(gofakes3.ErrBucketNotEmpty, name)
	}
	return os.RemoveAll(b.bucketDir(name))
}

func (b *diskBackend) ForceDeleteBucket(name string) error {
	if ok, _ := b.BucketExists(name); !ok {
		return gofakes3.BucketNotFound(name)
	}
	return os.RemoveAll(b.bucketDir(name))
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

func (noBody) Read([]byte) (int, error) { return 0, io.EOF }
func (noBody) Close() error             { return nil }

func (b *diskBackend) DeleteObject(bucket, key string) (gofakes3.ObjectDeleteResult, error) {
	if ok, err := b.BucketExists(bucket); err != nil || !ok {
		return gofakes3.ObjectDeleteResult{}, cmpErr(err, gofakes3.BucketNotFound(bucket))
	}
	if err := os.Remove(b.objectPath(bucket, key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return gofakes3.ObjectDeleteResult{}, err
	}
	return gofakes3.ObjectDeleteResult{}, nil // deleting a missing key succeeds, as on S3
}

func (b *diskBackend) DeleteMulti(bucket string, keys ...string) (gofakes3.MultiDeleteResult, error) {
	var res gofakes3.MultiDeleteResult
	for _, k := range keys {
		if _, err := b.DeleteObject(bucket, k); err != nil {
			res.Error = append(res.Error, gofakes3.ErrorResultFromError(err))
			continue
		}
		res.Deleted = append(res.Deleted, gofakes3.ObjectID{Key: k})
	}
	return res, nil
}

// CopyObject streams the source into a new object, dated by the world's clock.
func (b *diskBackend) CopyObject(srcBucket, srcKey, dstBucket, dstKey string, meta map[string]string) (gofakes3.CopyObjectResult, error) {
	src, err := b.GetObject(srcBucket, srcKey, nil)
	if err != nil {
		return gofakes3.CopyObjectResult{}, err
	}
	defer src.Contents.Close()
	if meta == nil {
		meta = src.Metadata
	}
	if _, err := b.PutObject(dstBucket, dstKey, meta, src.Contents, src.Size, nil); err != nil {
		return gofakes3.CopyObjectResult{}, err
	}
	return gofakes3.CopyObjectResult{ETag: gofakes3.FormatETag(src.Hash), LastModified: gofakes3.NewContentTime(b.clock.Now())}, nil
}

// ListBucket reads every object header of the bucket (the DAS lists only
// in tests and diagnostics), sorted by key.
func (b *diskBackend) ListBucket(bucket string, prefix *gofakes3.Prefix, page gofakes3.ListBucketPage) (*gofakes3.ObjectList, error) {
	if ok, err := b.BucketExists(bucket); err != nil || !ok {
		return nil, cmpErr(err, gofakes3.BucketNotFound(bucket))
	}
	var items []gofakes3.Content
	err := filepath.WalkDir(b.bucketDir(bucket), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) == ".partial" {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return nil // deleted meanwhile
		}
		h, herr := readHeader(f)
		info, _ := f.Stat()
		f.Close()
		if herr == nil {
			items = append(items, gofakes3.Content{Key: h.Key, Size: h.Size, ETag: gofakes3.FormatETag(h.MD5),
				LastModified: gofakes3.NewContentTime(modTime(h, info))})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Key < items[j].Key })
	return pageOf(items, prefix, page), nil
}
