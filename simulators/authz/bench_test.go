package authz

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"io"
	"net/http"
	"strings"
	"testing"
)

// BenchmarkTokenEndpoint measures, in one run, the raw crypto bound of a
// token (one ES256 verify of the assertion plus one RS256 signature of the
// access token) and tokens per second from the token endpoint over loopback
// HTTP, both with RunParallel on every core, and logs their ratio.
func BenchmarkTokenEndpoint(b *testing.B) {
	var bound, endpoint float64
	b.Run("crypto-bound", func(b *testing.B) {
		testKeys(b)
		ec := ecKey(b)
		msg := sha256.Sum256([]byte("header.payload"))
		sig, _ := ecdsa.SignASN1(rand.Reader, ec, msg[:])
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if !ecdsa.VerifyASN1(&ec.PublicKey, msg[:], sig) {
					b.Error("verify")
				}
				if _, err := rsa.SignPKCS1v15(rand.Reader, sharedRSA, crypto.SHA256, msg[:]); err != nil {
					b.Error(err)
				}
			}
		})
		bound = float64(b.N) / b.Elapsed().Seconds()
		b.ReportMetric(bound, "tokens/s")
	})
	b.Run("endpoint-http", func(b *testing.B) {
		w := newWorld(b, ProfileWIPO)
		body := w.form(w.seedsAssertion()).encode()
		tr := w.client.Transport.(*http.Transport)
		tr.MaxIdleConnsPerHost = 16
		b.SetParallelism(2)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				res, err := w.client.Post(w.srv.TokenEndpoint(), "application/x-www-form-urlencoded", strings.NewReader(body))
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					b.Errorf("status %d", res.StatusCode)
					return
				}
			}
		})
		endpoint = float64(b.N) / b.Elapsed().Seconds()
		b.ReportMetric(endpoint, "tokens/s")
	})
	if bound > 0 && endpoint > 0 {
		b.Logf("endpoint %.0f tokens/s, crypto bound %.0f tokens/s: %.1f%%", endpoint, bound, 100*endpoint/bound)
	}
}
