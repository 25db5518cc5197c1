package openapi

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkValidateExchange measures one request plus its response through
// the DAS contract: the budget is 30 µs on the 2-core machine.
func BenchmarkValidateExchange(b *testing.B) {
	c := DAS()
	jsonHeader := http.Header{"Content-Type": {"application/json"}}
	cases := []struct {
		name, method, path, reqBody string
		status                      int
		resBody                     string
	}{
		{"GET retrievals-statuses", "GET", "/retrievals/statuses?requestAckId=7d0c1e52-93b4-4a8e-b1f6-2c5d8e9a0b13", "", 200, validStatusBag},
		{"POST retrievals", "POST", "/retrievals", validRetrieval, 201,
			`{"requestAckId":"7d0c1e52-93b4-4a8e-b1f6-2c5d8e9a0b13","operationCategory":"retrieval","requestStatusCategory":"pending","statusMessage":"retrieval - recorded"}`},
		{"POST registrations", "POST", "/registrations", validRegistration, 201,
			`{"requestAckId":"5b2f9c1e","operationCategory":"registration","requestStatusCategory":"success","statusMessage":"registration - recorded"}`},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			reqBody := []byte(tc.reqBody)
			resBody := []byte(tc.resBody)
			r := httptest.NewRequest(tc.method, "/das/v1/requests"+tc.path, bytes.NewReader(reqBody))
			r.Header.Set("Authorization", validToken)
			if tc.reqBody != "" {
				r.Header.Set("Content-Type", "application/json")
			}
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				route, vs := c.ValidateRequest(ctx, r, reqBody)
				if len(vs) > 0 {
					b.Fatal(vs)
				}
				if vs := c.ValidateResponse(ctx, route, r, tc.status, jsonHeader, resBody); len(vs) > 0 {
					b.Fatal(vs)
				}
			}
		})
	}
}
