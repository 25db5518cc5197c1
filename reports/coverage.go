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

// CoverageRow is one operation × status of the coverage table, with the
// flows that exercised it.
type CoverageRow struct {
	Operation, Status string
	Documented        bool
	Total             int
	Flows             []CoverageCell // Count > 0 only
}

// CoverageRows folds cells into one row per operation × status.
func CoverageRows(cells []CoverageCell) (rows []CoverageRow, exercised, documented int) {
	for _, c := range cells {
		if n := len(rows); n == 0 || rows[n-1].Operation != c.Operation || rows[n-1].Status != c.Status {
			rows = append(rows, CoverageRow{Operation: c.Operation, Status: c.Status, Documented: c.Documented})
		}
		row := &rows[len(rows)-1]
		if c.Count > 0 {
			row.Total += c.Count
			row.Flows = append(row.Flows, c)
		}
	}
	for _, r := range rows {
		if r.Documented {
			documented++
			if r.Total > 0 {
				exercised++
			}
		}
	}
	return rows, exercised, documented
}
