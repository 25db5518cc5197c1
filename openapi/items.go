package openapi

import (
	"bytes"
	"hash/maphash"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// A list answer (GET retrievals/statuses without requestAckId) repeats the
// caller's pending retrievals at every poll, mostly unchanged. Validating
// each element of such an array costs what kin-openapi's decoder and schema
// visitor cost per element, so an office with 1,000 pending retrievals
// paid 1,000 times that on every poll. The validity of an element under the
// array's items schema depends on its bytes alone (no schema of the
// contracts relates elements: no uniqueItems), so an element already found
// valid, byte for byte, need not be visited again: it is cut from the body
// before validation, and the violations of what remains point at the
// elements' places in the body as sent.

// Whole answers get the same treatment one level up: a poll whose answer
// is byte for byte one already found valid (same operation, status and
// media type; an office polling while nothing changed) is recognised by a
// 128-bit digest (two hash/maphash seeds of this process, which no sender
// knows, so no sender can aim at a collision) and only its status and
// headers are validated.

// knownBodiesPerGeneration bounds the digests kept (two generations).
const knownBodiesPerGeneration = 1024

type answerDigest struct {
	a, b uint64
	size int
}

type knownBodies struct {
	once      sync.Once
	seedA     maphash.Seed
	seedB     maphash.Seed
	mu        sync.Mutex
	cur, prev map[answerDigest]struct{}
}

func (k *knownBodies) digest(op string, status int, contentType string, body []byte) answerDigest {
	k.once.Do(func() { k.seedA, k.seedB = maphash.MakeSeed(), maphash.MakeSeed() })
	sum := func(seed maphash.Seed) uint64 {
		var h maphash.Hash
		h.SetSeed(seed)
		h.WriteString(op)
		h.WriteByte(0)
		h.WriteString(strconv.Itoa(status))
		h.WriteByte(0)
		h.WriteString(contentType)
		h.WriteByte(0)
		h.Write(body)
		return h.Sum64()
	}
	return answerDigest{a: sum(k.seedA), b: sum(k.seedB), size: len(body)}
}

func (k *knownBodies) has(d answerDigest) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	_, cur := k.cur[d]
	_, prev := k.prev[d]
	return cur || prev
}

func (k *knownBodies) add(d answerDigest) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.cur == nil || len(k.cur) >= knownBodiesPerGeneration {
		k.prev, k.cur = k.cur, map[answerDigest]struct{}{}
	}
	k.cur[d] = struct{}{}
}

// minItemsBody is the body size from which known elements are cut; below
// it, scanning costs more than it saves.
const minItemsBody = 8 << 10

// knownItemsPerGeneration bounds the memory of known elements: two
// generations of at most this many (about 350 bytes each for a retrieval
// status) are kept; when one fills up, the older is dropped.
const knownItemsPerGeneration = 4096

// knownItems is the set of array elements found valid, per items schema.
type knownItems struct {
	mu   sync.Mutex
	sets map[*openapi3.Schema]*generations
}

type generations struct{ cur, prev map[string]struct{} }

func (k *knownItems) has(s *openapi3.Schema, elem []byte) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	g := k.sets[s]
	if g == nil {
		return false
	}
	if _, ok := g.cur[string(elem)]; ok {
		return true
	}
	_, ok := g.prev[string(elem)]
	return ok
}

func (k *knownItems) add(s *openapi3.Schema, elems [][]byte) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.sets == nil {
		k.sets = map[*openapi3.Schema]*generations{}
	}
	g := k.sets[s]
	if g == nil {
		g = &generations{cur: map[string]struct{}{}}
		k.sets[s] = g
	}
	for _, e := range elems {
		if len(g.cur) >= knownItemsPerGeneration {
			g.prev, g.cur = g.cur, map[string]struct{}{}
		}
		g.cur[string(e)] = struct{}{}
	}
}

// itemPlan is a body with its known elements cut out of one array member.
type itemPlan struct {
	reduced []byte
	member  string           // the array member's name
	items   *openapi3.Schema // its items schema
	kept    [][]byte         // elements left in reduced, in order
	index   []int            // index in the body as sent of each kept element
}

// planItems cuts the known elements out of body, or returns nil when body
// is small, not JSON of an object with an array member, or irregular in a
// way the full validation must see.
func (c *Contract) planItems(route *Route, status int, header http.Header, body []byte) *itemPlan {
	if len(body) < minItemsBody {
		return nil
	}
	mt, _, err := mime.ParseMediaType(header.Get("Content-Type"))
	resp := route.kin.Operation.Responses.Status(status)
	if err != nil || resp == nil || resp.Value == nil {
		return nil
	}
	media := resp.Value.Content.Get(mt)
	if media == nil || media.Schema == nil || media.Schema.Value == nil || !strings.HasSuffix(mt, "json") {
		return nil
	}
	arrays := map[string]*openapi3.Schema{}
	for name, p := range media.Schema.Value.Properties {
		if p.Value != nil && p.Value.Type.Is("array") && p.Value.Items != nil && p.Value.Items.Value != nil {
			arrays[name] = p.Value.Items.Value
		}
	}
	if len(arrays) == 0 {
		return nil
	}
	member, open, elems, end, ok := splitArrayMember(body, arrays)
	if !ok {
		return nil
	}
	p := &itemPlan{member: member, items: arrays[member]}
	var b bytes.Buffer
	b.Grow(open + 2 + len(body) - end)
	b.Write(body[:open+1])
	for i, e := range elems {
		if c.known.has(p.items, e) {
			continue
		}
		if len(p.kept) > 0 {
			b.WriteByte(',')
		}
		b.Write(e)
		p.kept = append(p.kept, e)
		p.index = append(p.index, i)
	}
	b.Write(body[end:])
	p.reduced = b.Bytes()
	return p
}

// settle points the violations found in p.reduced at the body as sent, and
// remembers the kept elements no violation speaks against. A violation of
// the body as a whole (syntax, encoding, a top-level member) remembers none.
func (c *Contract) settle(p *itemPlan, vs []Violation) {
	prefix := "/" + escapePointerToken(p.member) + "/"
	bad := make([]bool, len(p.kept))
	whole := false
	for i := range vs {
		v := &vs[i]
		if v.In != InBody {
			continue
		}
		rest, under := strings.CutPrefix(v.Pointer, prefix)
		if !under {
			whole = true
			continue
		}
		tok, tail, _ := strings.Cut(rest, "/")
		n, err := strconv.Atoi(tok)
		if err != nil || n < 0 || n >= len(p.index) {
			whole = true
			continue
		}
		bad[n] = true
		v.Pointer = prefix + strconv.Itoa(p.index[n])
		if tail != "" {
			v.Pointer += "/" + tail
		}
	}
	if whole {
		return
	}
	good := make([][]byte, 0, len(p.kept))
	for i, e := range p.kept {
		if !bad[i] {
			good = append(good, e)
		}
	}
	c.known.add(p.items, good)
}
