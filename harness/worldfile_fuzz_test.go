package harness

import (
	"strings"
	"testing"
)

// FuzzWorldFile feeds arbitrary YAML to the world file parser and its
// validation: neither may panic, and a refusal lists its problems.
func FuzzWorldFile(f *testing.F) {
	f.Add(demoWorldYAML)
	f.Add([]byte("clock: virtual\nstart: 2026-01-05T09:00:00Z\nprofile: fapi\n"))
	f.Add([]byte("offices:\n  - code: ee\n    documents:\n      - {number: 1, size: -5, hosting: moon}\n"))
	f.Add([]byte("retention: 1e9h\nunknown: 1\n"))
	f.Add([]byte("offices: &a [*a]\n"))
	f.Add([]byte("pct:\n  - {number: \"PCT/IB2023/050123\", date: \"2023-02-30\"}\n"))
	f.Add([]byte("- just\n- a list\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		wf, err := ParseWorldFile(b)
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("refusal without a reason")
			}
			return
		}
		if err := wf.Validate(); err != nil && strings.TrimSpace(err.Error()) == "" {
			t.Fatal("invalid world without a reason")
		}
	})
}
