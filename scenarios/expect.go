package scenarios

import (
	"context"
	"fmt"
	"sort"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/reports"
)

// expectAnswer checks a DAS answer's status and, for errors, the WIPO error
// code and detail codes. On a mismatch it records who answered what to which
// operation, so the report names party, step, operation and rule.
func expectAnswer(party, operation string, r *harness.Response, status int, code string, details ...int) {
	GinkgoHelper()
	Expect(r).NotTo(BeNil(), operation+": no answer")
	fail := func(rule, expected, actual string) {
		noteFailure(reports.Failure{Party: party, Operation: operation, Rule: rule,
			Expected: expected, Actual: actual, Message: fmt.Sprintf("%s answered %d: %s", operation, r.Status, r.Body)})
		Fail(fmt.Sprintf("%s: %s: expected %s, got %s (body %s)", operation, rule, expected, actual, r.Body))
	}
	if r.Status != status {
		fail("status code", fmt.Sprint(status), fmt.Sprint(r.Status))
	}
	if code == "" {
		return
	}
	if r.Error == nil {
		fail("WIPO error body", "{code, message, details[]}", string(r.Body))
	}
	if r.Error.Code != code {
		fail("error code", code, r.Error.Code)
	}
	want := append([]int(nil), details...)
	var got []int
	for _, d := range r.Error.Details {
		got = append(got, d.Code)
	}
	sort.Ints(want)
	sort.Ints(got)
	if fmt.Sprint(want) != fmt.Sprint(got) {
		fail("detail codes", fmt.Sprint(want), fmt.Sprint(got))
	}
}

// detailText joins the detail messages of an error answer.
func detailText(r *harness.Response) string {
	if r == nil || r.Error == nil {
		return ""
	}
	var parts []string
	for _, d := range r.Error.Details {
		parts = append(parts, d.Message)
	}
	return strings.Join(parts, " | ")
}

// deliberately marks the requests sent with ctx as broken on purpose.
func deliberately(ctx context.Context) context.Context {
	return openapi.WithLabels(ctx, openapi.Labels{Deliberate: true})
}
