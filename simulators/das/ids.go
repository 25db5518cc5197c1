package das

import (
	"fmt"
	"io"
	"sync"
)

// idSource makes UUIDv4 identifiers (RFC 9562 §5.4) from an injected random
// source, so a world seeded with a fixed reader issues the same ids each run.
type idSource struct {
	mu  sync.Mutex
	src io.Reader
}

func (s *idSource) next() (string, error) {
	var b [16]byte
	s.mu.Lock()
	_, err := io.ReadFull(s.src, b[:])
	s.mu.Unlock()
	if err != nil {
		return "", fmt.Errorf("das: reading random id: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // variant 10
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}
