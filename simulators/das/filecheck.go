package das

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/wipo-das/dasim/simulators/s3client"
)

// Format magic numbers: a PDF starts with "%PDF-" (ISO 32000-1 §7.5.2), a
// ZIP (ST.92 package / ST.26 listing) with the local file header "PK\x03\x04".
var formatMagic = map[string][]byte{"pdf": []byte("%PDF-"), "zip": []byte("PK\x03\x04")}

// sniffFormat names the format of a document from its first bytes ("" when unknown).
func sniffFormat(head []byte) string {
	for name, magic := range formatMagic {
		if bytes.HasPrefix(head, magic) {
			return name
		}
	}
	return ""
}

// headRecorder keeps the first bytes written to it.
type headRecorder struct{ head []byte }

func (h *headRecorder) Write(p []byte) (int, error) {
	if need := 8 - len(h.head); need > 0 {
		h.head = append(h.head, p[:min(need, len(p))]...)
	}
	return len(p), nil
}

// settleUpload checks a processing upload through the S3 API only (Head, Get)
// so it works against any S3: size > 0 and <= MaxFileSize, sha256 equal to the
// declared fileChecksum, format magic equal to fileFormatCategory. It is run
// lazily (GET files, registrations, PUT retrievals) and eagerly from
// ObjectCreated when the object store's hook is wired.
func (s *Server) settleUpload(ctx context.Context, f *file) error {
	s.mu.RLock()
	if f.role != roleUpload || f.status != fileProcessing || f.usedBy != "" {
		s.mu.RUnlock()
		return nil
	}
	gen, key, checksum, format := f.generation, f.key, f.checksum, f.format
	s.mu.RUnlock()

	status, message, size, present, err := s.inspectUpload(ctx, key, checksum, format)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.generation != gen || f.status != fileProcessing || f.usedBy != "" {
		return nil // a newer URL, a newer check or a consumer got there first
	}
	if !present {
		f.message = waitingMessage(f)
		if s.deps.clock.Now().After(f.urlExpires) {
			f.message = fmt.Sprintf("no bytes were uploaded and the upload URL expired on %s: PUT files/url-uploads for a new URL", rfc3339(f.urlExpires))
		}
		return nil
	}
	if status == fileAccepted {
		if why := s.overQuotaLocked(f, size); why != "" {
			status, message = fileRejected, why
		}
	}
	f.status, f.message, f.size, f.hasSize = status, message, size, true
	if status == fileRejected {
		s.freeRejectedLocked(f)
	}
	return nil
}

func (s *Server) inspectUpload(ctx context.Context, key, checksum, format string) (status, message string, size int64, present bool, err error) {
	// One GET: its size decides the empty and too-large cases before any
	// byte is read, and the bytes hashed are those of the same object.
	body, info, err := s.deps.storage.Get(ctx, s.deps.storage.Transit(), key)
	if errors.Is(err, s3client.ErrObjectNotFound) {
		return "", "", 0, false, nil
	}
	if err != nil {
		return "", "", 0, false, fmt.Errorf("reading upload %s: %w", key, err)
	}
	defer body.Close()
	switch {
	case info.Size == 0:
		return fileRejected, "file is empty: fileSizeQuantity must be greater than 0, got 0 bytes", 0, true, nil
	case info.Size > s.cfg.MaxFileSize:
		return fileRejected, fmt.Sprintf("file too large: fileSizeQuantity must be at most %d bytes, got %d", s.cfg.MaxFileSize, info.Size), info.Size, true, nil
	}
	sum, head := sha256.New(), &headRecorder{}
	n, err := io.Copy(io.MultiWriter(sum, head), body)
	if err != nil {
		return "", "", 0, false, fmt.Errorf("reading upload %s: %w", key, err)
	}
	if got := hex.EncodeToString(sum.Sum(nil)); got != checksum {
		return fileRejected, fmt.Sprintf("fileChecksum mismatch: expected sha256 %s (declared in files/url-uploads), got %s for the %d bytes uploaded", checksum, got, n), n, true, nil
	}
	if magic := formatMagic[format]; !bytes.HasPrefix(head.head, magic) {
		return fileRejected, fmt.Sprintf("fileFormatCategory %s: expected the file to start with %q, got % x", format, magic, head.head), n, true, nil
	}
	return fileAccepted, fmt.Sprintf("file accepted: %d bytes, sha256 and %s format verified", n, format), n, true, nil
}

// ObjectCreated is the object store's hook (objectstore.WithObjectCreated):
// an upload to the transit zone is checked at once instead of on the next
// GET files. DAS never depends on it: a real S3 has no such hook.
func (s *Server) ObjectCreated(bucket, key string, size int64) {
	if bucket != s.deps.storage.Transit() {
		return
	}
	s.mu.Lock()
	f := s.st.filesByKey[key]
	if f == nil || f.usedBy != "" || f.status == fileDeleted || f.status == fileExpired {
		s.mu.Unlock()
		return
	}
	// New bytes: any earlier verdict is void.
	f.generation++
	f.status = fileProcessing
	s.mu.Unlock()
	// The hook runs inside the store's PUT handler; checking reads the object
	// back over HTTP, so do it off that goroutine.
	s.goBackground(func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, s.cfg.OutboundTimeout)
		defer cancel()
		if err := s.settleUpload(ctx, f); err != nil {
			s.deps.logger.Warn("das: eager upload check failed", "fileId", f.id, "error", err)
		}
	})
}
