package openapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// bag is a list answer of n retrieval statuses; status i gets bad(i) as its fileId.
func bag(n int, fileID func(i int) string) []byte {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(`{"requestAckId":"7d0c1e52-93b4-4a8e-b1f6-%012d","operationCategory":"retrieval",`+
			`"requestStatusCategory":"pending","errorCode":null,"statusMessage":"retrieval - recorded",`+
			`"documentKindCategory":"patent","documentNumber":"EE P2023%07d","documentDate":"2023-03-14",`+
			`"documentAvailabilityDate":null,"fileId":%s}`, i, i, fileID(i))
	}
	return []byte(`{"documentRetrievalResponseBag":[` + strings.Join(items, ",\n") + `]}`)
}

func validateBag(t *testing.T, body []byte) []Violation {
	t.Helper()
	c := DAS()
	r := dasRequest("GET", "/retrievals/statuses", "", "")
	route, _ := c.FindRoute(r.Method, r.URL.Path)
	return c.ValidateResponse(context.Background(), route, r, 200, http.Header{"Content-Type": {"application/json"}}, body)
}

// Known elements are cut from a list answer before validation; what
// remains is still validated, and its violations point at the element's
// place in the answer as sent.
func TestKnownElementsAreSkippedNotTheRest(t *testing.T) {
	good := func(int) string { return "null" }
	if vs := validateBag(t, bag(1000, good)); len(vs) != 0 {
		t.Fatalf("valid bag: %v", vs)
	}
	oneBad := func(i int) string {
		if i == 700 {
			return "42"
		}
		return "null"
	}
	for round := range 2 { // an invalid answer is never remembered
		vs := validateBag(t, bag(1000, oneBad))
		if len(vs) != 1 || vs[0].Pointer != "/documentRetrievalResponseBag/700/fileId" {
			t.Fatalf("round %d: %v", round, vs)
		}
	}
	// The same bad element elsewhere, among elements known valid.
	moved := func(i int) string {
		if i == 3 || i == 999 {
			return "42"
		}
		return "null"
	}
	vs := validateBag(t, bag(1000, moved))
	if len(vs) != 2 || vs[0].Pointer+vs[1].Pointer != "/documentRetrievalResponseBag/3/fileId/documentRetrievalResponseBag/999/fileId" {
		t.Fatalf("moved: %v", vs)
	}
	// A known-valid answer with a broken tail is still refused.
	body := bag(1000, good)
	broken := append(append([]byte(nil), body[:len(body)-1]...), []byte(`,"x":}`)...)
	if vs := validateBag(t, broken); len(vs) == 0 {
		t.Fatal("broken JSON after known elements accepted")
	}
	// And the known answer itself is still accepted, headers and all.
	if vs := validateBag(t, body); len(vs) != 0 {
		t.Fatalf("known answer: %v", vs)
	}
}

func TestSplitArrayMember(t *testing.T) {
	want := map[string]bool{"documentRetrievalResponseBag": true}
	for in, n := range map[string]int{
		`{"documentRetrievalResponseBag":[]}`:                                               0,
		` { "documentRetrievalResponseBag" : [ {"a":"]}\"["} , [1] ] } `:                    2,
		`{"x":{"documentRetrievalResponseBag":[1]},"documentRetrievalResponseBag":[1,2,3]}`: 3,
		`{"documentRetrievalResponseBag":[1,2`:                                              -1,
		`{"documentRetrievalResponseBag":[1 2]}`:                                            -1,
		`{"documentRetrievalResponseBag":[1]} x`:                                            -1,
		`{"docu\u006dentRetrievalResponseBag":[1]}`:                                         -1,
	} {
		schemas := map[string]*openapi3.Schema{}
		for k := range want {
			schemas[k] = nil
		}
		_, _, elems, _, ok := splitArrayMember([]byte(in), schemas)
		if n < 0 && ok || n >= 0 && (!ok || len(elems) != n) {
			t.Errorf("%s: ok %v, %d elements; want %d", in, ok, len(elems), n)
		}
	}
}
