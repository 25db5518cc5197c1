package reports

import (
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/wipo-das/dasim/openapi"
)

// A retrieval has two request ack ids in flows c.2 and c.3: the OSF's, from
// DAS, and the OFF's, from the OFF, which DAS receives when it forwards the
// retrieval (WIPO DAS exchange flows c.2, c.3: "OFF returns its own ack
// id"). Calls are correlated by those ids, the file ids they name, and the
// forwarding of the OSF's request (same document number) that joins them.

var (
	ackMember  = regexp.MustCompile(`"(?:requestAckId|osfAckId)":"([^"]+)"`)
	fileMember = regexp.MustCompile(`"fileId":"([^"]+)"`)
	docMember  = regexp.MustCompile(`"documentNumber":"([^"]+)"`)
)

// callKeys are the identifiers a call names.
type callKeys struct {
	acks, files []string
	document    string
}

func keysOf(c Call) callKeys {
	var k callKeys
	if u, err := url.Parse(c.URL); err == nil {
		q := u.Query()
		k.acks = append(k.acks, q["requestAckId"]...)
		k.files = append(k.files, q["fileId"]...)
		if c.Contract == "s3" {
			k.files = append(k.files, path.Base(u.Path)) // keys end in the file id
		}
	}
	for _, body := range []string{c.RequestBody, c.ResponseBody} {
		for _, m := range ackMember.FindAllStringSubmatch(body, -1) {
			k.acks = append(k.acks, m[1])
		}
		for _, m := range fileMember.FindAllStringSubmatch(body, -1) {
			k.files = append(k.files, m[1])
		}
	}
	if m := docMember.FindStringSubmatch(c.RequestBody); m != nil {
		k.document = m[1]
	}
	// A client that lost its ack id sends requestAckId=null: no id at all.
	k.acks = slices.DeleteFunc(k.acks, func(a string) bool { return a == "" || a == "null" })
	return k
}

// AckIDs returns the request ack ids a call names, each once.
func AckIDs(c Call) []string {
	k := keysOf(c)
	slices.Sort(k.acks)
	return slices.Compact(k.acks)
}

// Retrieval returns the sequence numbers of the calls that belong to the
// retrieval acknowledged as ack: every call naming it, the forwarded
// request DAS sent for it and everything naming the OFF's ack id, and the
// uploads and downloads of the files they name.
func Retrieval(calls []Call, ack string) []int {
	keys := make([]callKeys, len(calls))
	for i, c := range calls {
		keys[i] = keysOf(c)
	}
	acks, files := map[string]bool{ack: true}, map[string]bool{}
	in := make([]bool, len(calls))
	for changed := true; changed; {
		changed = false
		for i, c := range calls {
			if in[i] || !(anyIn(keys[i].acks, acks) || (anyIn(keys[i].files, files) && len(keys[i].acks) == 0)) {
				continue
			}
			in[i], changed = true, true
			if c.Operation == "getRetrievalStatuses" && !strings.Contains(c.URL, "requestAckId=") {
				continue // a listing names other retrievals too
			}
			for _, a := range keys[i].acks {
				acks[a] = true
			}
			for _, f := range keys[i].files {
				files[f] = true
			}
			if j := forwardOf(calls, keys, i); j >= 0 && !in[j] {
				for _, a := range keys[j].acks {
					acks[a] = true
				}
			}
		}
	}
	var out []int
	for i, c := range calls {
		if in[i] {
			out = append(out, c.Seq)
		}
	}
	return out
}

// forwardOf is the index of the retrieval request DAS forwarded (to an OFF
// or PCT DAS) for the OSF's request at i: the first one after it for the
// same document; -1 if i is no OSF's request or none was forwarded.
func forwardOf(calls []Call, keys []callKeys, i int) int {
	if calls[i].Operation != "requestRetrieval" || calls[i].From == "das" || keys[i].document == "" {
		return -1
	}
	for j := i + 1; j < len(calls); j++ {
		if calls[j].Operation == "requestRetrieval" && calls[j].From == "das" && keys[j].document == keys[i].document {
			return j
		}
	}
	return -1
}

func anyIn(xs []string, set map[string]bool) bool {
	for _, x := range xs {
		if set[x] {
			return true
		}
	}
	return false
}

// Retrievals groups the calls by retrieval: one group per retrieval an
// office of second filing requested (DAS's answer carries its ack id), in
// order. A call belongs to the first group that claims it.
func Retrievals(calls []Call) []RetrievalGroup {
	index := seqIndex(calls)
	var out []RetrievalGroup
	for _, c := range calls {
		if c.Operation != "requestRetrieval" || c.From == "das" || c.Status/100 != 2 {
			continue
		}
		m := ackMember.FindStringSubmatch(c.ResponseBody)
		if m == nil {
			continue
		}
		g := RetrievalGroup{Ack: m[1], Calls: Retrieval(calls, m[1])}
		for _, seq := range g.Calls {
			c := calls[index[seq]]
			for _, a := range AckIDs(c) {
				if a != g.Ack && !slices.Contains(g.Linked, a) && c.From == "das" {
					g.Linked = append(g.Linked, a)
				}
			}
		}
		out = append(out, g)
	}
	return out
}

// seqIndex maps each call's Seq to its index in calls (which may be a
// subset of a transcript).
func seqIndex(calls []Call) map[int]int {
	m := make(map[int]int, len(calls))
	for i, c := range calls {
		m[c.Seq] = i
	}
	return m
}

// RetrievalGroup is one retrieval: the OSF's ack id, the ack ids DAS got
// from the OFF or PCT DAS for it, and its calls' sequence numbers.
type RetrievalGroup struct {
	Ack    string `json:"ack"`
	Linked []string
	Calls  []int
}

// Proof returns the sequence number of the call that proves f (0: none):
// among the calls of f's operation (all calls if it names none), the one
// that broke the rule f names — a violation at f's pointer, then any
// contract fault, then the status f reports as actual, then an error
// status — and, among equals, the latest.
func Proof(calls []Call, f *Failure) int {
	best, bestScore := 0, 0
	for _, c := range calls {
		if f.Operation != "" && c.Operation != f.Operation {
			continue
		}
		score := 1
		faults := c.Faults()
		switch {
		case f.Pointer != "" && slices.ContainsFunc(faults, func(v openapi.Violation) bool { return v.Pointer == f.Pointer }):
			score = 6
		case len(faults) > 0:
			score = 5
		case c.Status != 0 && strconv.Itoa(c.Status) == firstWord(f.Actual):
			score = 4
		case c.TransportError != "" || c.Status >= 400:
			score = 3
		}
		if f.Party != "" && involves(c, f.Party) {
			score++
		}
		if f.Operation == "" && score < 4 {
			continue // with no operation named, only a broken call proves anything
		}
		if score >= bestScore {
			best, bestScore = c.Seq, score
		}
	}
	return best
}

func firstWord(s string) string {
	w, _, _ := strings.Cut(strings.TrimSpace(s), " ")
	return w
}

// involves reports whether party (as a failure names it: "office EE (system
// under test)") made or answered c.
func involves(c Call, party string) bool {
	name, _, _ := strings.Cut(party, " (")
	return c.From == name || c.To == name || strings.HasPrefix(c.From, party) || strings.HasPrefix(c.To, party)
}
