package harness

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/wipo-das/dasim/openapi"
)

// TestPacingRulesAgreeWithTheContract: the numbers the checks judge by are
// the ones das.yaml documents as x-dasim-pacing (inferred).
func TestPacingRulesAgreeWithTheContract(t *testing.T) {
	doc := openapi.DAS().Doc()
	pacing := func(path, method string) map[string]any {
		t.Helper()
		op := doc.Paths.Find(path).GetOperation(method)
		raw, err := json.Marshal(op.Extensions["x-dasim-pacing"])
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil || m["x-dasim-inferred"] != true {
			t.Fatalf("%s %s: x-dasim-pacing missing or not marked inferred: %s", method, path, raw)
		}
		return m
	}
	polling := pacing("/retrievals/statuses", "GET")
	if polling["maxRequestsPerWindow"] != float64(PollMaxInWindow) || polling["windowSeconds"] != PollWindow.Seconds() {
		t.Errorf("das.yaml polling %v, harness %d per %v", polling, PollMaxInWindow, PollWindow)
	}
	retry := pacing("/retrievals", "POST")
	if wait, _ := retry["minRetryWaitSeconds"].(float64); time.Duration(wait)*time.Second != RetryMinWait {
		t.Errorf("das.yaml retry %v, harness %v", retry, RetryMinWait)
	}
}
