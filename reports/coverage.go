package reports

import (
	"sort"

	"github.com/wipo-das/dasim/openapi"
)

// CoverageCell counts the calls of one operation, status and flow.
type CoverageCell struct {
	Operation  string `json:"operation"`
	Status     string `json:"status"`
	Flow       string `json:"flow"` // the scenario's flow label; "-" for a documented status never seen
	Count      int    `json:"count"`
	Documented bool   `json:"documented"`
}

type coverageKey struct{ op, status, flow string }

// coverage lists, for every operation and documented status of the DAS
// contract, how many calls exercised it in each flow; a documented status
// never seen appears once with Count 0 and flow "-", a seen but
// undocumented status with Documented false.
func coverage(c *openapi.Contract, seen map[coverageKey]int) []CoverageCell {
	documented := map[[2]string]bool{} // operation × status → seen
	for _, r := range c.Routes() {
		for _, code := range r.Responses() {
			documented[[2]string{r.OperationID, code}] = false
		}
	}
	var out []CoverageCell
	for k, n := range seen {
		pair := [2]string{k.op, k.status}
		_, isDocumented := documented[pair]
		if isDocumented {
			documented[pair] = true
		}
		out = append(out, CoverageCell{k.op, k.status, k.flow, n, isDocumented})
	}
	for pair, hit := range documented {
		if !hit {
			out = append(out, CoverageCell{pair[0], pair[1], "-", 0, true})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Operation != b.Operation {
			return a.Operation < b.Operation
		}
		if a.Status != b.Status {
			return a.Status < b.Status
		}
		return a.Flow < b.Flow
	})
	return out
}

// CoverageOperation is one operation of the coverage table: the statuses
// calls exercised, with the flows that did, and the documented statuses
// none did.
type CoverageOperation struct {
	Operation  string
	Seen       []CoverageStatus
	Unseen     []string // documented statuses no call exercised
	Undocument bool     // some status seen is not documented
}

// CoverageStatus is one status of an operation that calls exercised.
type CoverageStatus struct {
	Status     string
	Documented bool
	Total      int
	Flows      []CoverageCell
}

// CoverageByOperation folds cells into one row per operation, and counts the
// documented operation × status pairs exercised.
func CoverageByOperation(cells []CoverageCell) (ops []CoverageOperation, exercised, documented int) {
	for _, c := range cells {
		if n := len(ops); n == 0 || ops[n-1].Operation != c.Operation {
			ops = append(ops, CoverageOperation{Operation: c.Operation})
		}
		op := &ops[len(ops)-1]
		if c.Count == 0 {
			op.Unseen = append(op.Unseen, c.Status)
			documented++
			continue
		}
		if n := len(op.Seen); n == 0 || op.Seen[n-1].Status != c.Status {
			op.Seen = append(op.Seen, CoverageStatus{Status: c.Status, Documented: c.Documented})
			if c.Documented {
				documented++
				exercised++
			}
		}
		st := &op.Seen[len(op.Seen)-1]
		st.Total += c.Count
		st.Flows = append(st.Flows, c)
		op.Undocument = op.Undocument || !c.Documented
	}
	return ops, exercised, documented
}
