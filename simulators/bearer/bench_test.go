package bearer

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkMiddlewareWarm: a token already seen (the cache hit path), the
// full Middleware with a no-op handler.
func BenchmarkMiddlewareWarm(b *testing.B) {
	e := newEnv(b, nil)
	h := e.v.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), writeWIPO)
	r := bearerReq(e.token("ep-client"))
	h.ServeHTTP(httptest.NewRecorder(), r)
	rec := httptest.NewRecorder()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.ServeHTTP(rec, r)
	}
	if rec.Code != 200 {
		b.Fatalf("status %d", rec.Code)
	}
}

// BenchmarkMiddlewareCold: a token never seen: a fresh verifier per request
// (construction included in the time), so every request verifies the RS256
// signature and parses the claims.
func BenchmarkMiddlewareCold(b *testing.B) {
	e := newEnv(b, nil)
	r := bearerReq(e.token("ep-client"))
	cfg := e.v.cfg
	rec := httptest.NewRecorder()
	next := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v, _ := New(cfg)
		v.Middleware(next, writeWIPO).ServeHTTP(rec, r)
	}
	if rec.Code != 200 {
		b.Fatalf("status %d", rec.Code)
	}
}
