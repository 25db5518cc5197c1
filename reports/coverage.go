package reports

import (
	"sort"
	"strconv"

	"github.com/wipo-das/dasim/openapi"
)

// CoverageCell counts the exchanges of one operation, status and flow.
type CoverageCell struct {
	Operation  string `json:"operation"`
	Status     string `json:"status"` // documented status code, or "-" for none seen
	Flow       string `json:"flow"`
	Count      int    `json:"count"`
	Documented bool   `json:"documented"`
}

// Coverage lists, for every operation and documented status of the DAS
// contract, how many recorded exchanges exercised it in each flow; a
// documented status never seen appears with Count 0 and flow "-", and a seen
// but undocumented status with Documented false.
func Coverage(c *openapi.Contract, runs ...Scenario) []CoverageCell {
	type key struct{ op, status, flow string }
	seen := map[key]int{}
	for _, s := range runs {
		for _, e := range s.Exchanges {
			if e.Operation == "" || e.Contract != c.Name() {
				continue
			}
			flow := e.Labels.Flow
			if flow == "" {
				flow = s.Flow
			}
			seen[key{e.Operation, strconv.Itoa(e.Status), flow}]++
		}
	}
	// documented holds each documented operation × status, true once seen.
	documented := map[[2]string]bool{}
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
