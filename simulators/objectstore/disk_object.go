package objectstore

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/johannesboyne/gofakes3"
)

// open opens an object's file and reads its header; the file is left at
// the first byte of the object.
func (b *diskBackend) open(bucket, key string) (*os.File, diskHeader, error) {
	if ok, err := b.BucketExists(bucket); err != nil || !ok {
		return nil, diskHeader{}, cmpErr(err, gofakes3.BucketNotFound(bucket))
	}
	f, err := os.Open(b.objectPath(bucket, key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, diskHeader{}, gofakes3.KeyNotFound(key)
	}
	if err != nil {
		return nil, diskHeader{}, err
	}
	h, err := readHeader(f)
	if err != nil {
		f.Close()
		return nil, diskHeader{}, fmt.Errorf("objectstore: %s/%s: %w", bucket, key, err)
	}
	return f, h, nil
}

func readHeader(r io.Reader) (diskHeader, error) {
	var n uint64
	if err := binary.Read(r, binary.BigEndian, &n); err != nil {
		return diskHeader{}, fmt.Errorf("reading the object header: %w", err)
	}
	if n > 1<<20 {
		return diskHeader{}, fmt.Errorf("object header of %d bytes: the file is not an object", n)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return diskHeader{}, fmt.Errorf("reading the object header: %w", err)
	}
	var h diskHeader
	return h, json.Unmarshal(buf, &h)
}

func (b *diskBackend) HeadObject(bucket, key string) (*gofakes3.Object, error) {
	f, h, err := b.open(bucket, key)
	if err != nil {
		return nil, err
	}
	f.Close()
	return &gofakes3.Object{Name: key, Metadata: h.Meta, Size: h.Size, Hash: h.MD5, Contents: noBody{}}, nil
}

type noBody struct{}

func (b *diskBackend) GetObject(bucket, key string, rng *gofakes3.ObjectRangeRequest) (*gofakes3.Object, error) {
	f, h, err := b.open(bucket, key)
	if err != nil {
		return nil, err
	}
	r, err := rng.Range(h.Size)
	if err != nil {
		f.Close()
		return nil, err
	}
	var body io.ReadCloser = f
	if r != nil {
		if _, err := f.Seek(r.Start, io.SeekCurrent); err != nil {
			f.Close()
			return nil, err
		}
		body = struct {
			io.Reader
			io.Closer
		}{io.LimitReader(f, r.Length), f}
	}
	return &gofakes3.Object{Name: key, Metadata: h.Meta, Size: h.Size, Hash: h.MD5, Range: r, Contents: body}, nil
}

func (b *diskBackend) PutObject(bucket, key string, meta map[string]string, input io.Reader, size int64,
	conditions *gofakes3.PutConditions) (gofakes3.PutObjectResult, error) {
	if ok, err := b.BucketExists(bucket); err != nil || !ok {
		return gofakes3.PutObjectResult{}, cmpErr(err, gofakes3.BucketNotFound(bucket))
	}
	if conditions != nil {
		info := &gofakes3.ConditionalObjectInfo{}
		if old, err := b.HeadObject(bucket, key); err == nil {
			info.Exists, info.Hash = true, old.Hash
		}
		if err := gofakes3.CheckPutConditions(conditions, info); err != nil {
			return gofakes3.PutObjectResult{}, err
		}
	}
	return gofakes3.PutObjectResult{}, b.write(bucket, key, meta, input, size)
}

// write streams size bytes of input into a temporary file, syncs it and
// renames it over the object's name.
func (b *diskBackend) write(bucket, key string, meta map[string]string, input io.Reader, size int64) (err error) {
	path := b.objectPath(bucket, key)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	var nonce [8]byte
	_, _ = rand.Read(nonce[:])
	tmp := path + "." + hex.EncodeToString(nonce[:]) + ".partial"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	// The header is written first with a zero MD5 of fixed size, then
	// rewritten in place once the bytes are hashed.
	h := diskHeader{Key: key, Size: size, MD5: make([]byte, md5.Size), Meta: meta, Modified: b.clock.Now().UnixNano()}
	if err := writeHeader(f, h); err != nil {
		return err
	}
	sum := md5.New()
	n, err := io.Copy(io.MultiWriter(f, sum), input)
	if err != nil {
		return err
	}
	if n != size {
		return gofakes3.ErrIncompleteBody
	}
	h.MD5 = sum.Sum(nil)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if err := writeHeader(f, h); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func writeHeader(w io.Writer, h diskHeader) error {
	buf, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if err := binary.Write(w, binary.BigEndian, uint64(len(buf))); err != nil {
		return err
	}
	_, err = w.Write(buf)
	return err
}
