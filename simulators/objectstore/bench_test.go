package objectstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/wipo-das/dasim/simulators/clock"
)

// BenchmarkPresigned256MiB uploads and downloads 256 MiB through presigned
// URLs over a loopback listener, streaming on the client side (the bytes
// come from a ChaCha8 generator and are hashed as they go), and reports
// throughput both ways and the process's peak RSS. Run alone:
//
//	go test -run='^$' -bench=Presigned256MiB -benchtime=1x ./simulators/objectstore/
//
// The budget is 1.5x256 MiB + 64 MiB = 448 MiB. s3mem holds the object as
// one []byte of exactly Content-Length (gofakes3.ReadAll preallocates it),
// so 256 MiB of the peak is the stored object itself.
func BenchmarkPresigned256MiB(b *testing.B) {
	const size = 256 << 20
	for range b.N {
		// Each iteration measures its own peak: the previous iteration's
		// object is deleted, collected and returned to the OS first, then
		// the kernel's high-water mark is reset.
		runtime.GC()
		debug.FreeOSMemory()
		resetPeakRSS()
		w := newWorld(b)
		wall := clock.System()
		start := wall.Now()

		put := w.presignPut("big.pdf")
		upHash := sha256.New()
		src := io.TeeReader(io.LimitReader(rand.NewChaCha8([32]byte{'d', 'a', 's'}), size), upHash)
		req, err := http.NewRequest(put.Method, put.URL, src)
		if err != nil {
			b.Fatal(err)
		}
		req.ContentLength = size
		req.Header.Set("Content-Type", "application/pdf")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("PUT: %d", res.StatusCode)
		}
		uploaded := wall.Since(start)

		start = wall.Now()
		get := w.presignGet("big.pdf")
		res, err = http.Get(get.URL)
		if err != nil {
			b.Fatal(err)
		}
		downHash := sha256.New()
		n, err := io.Copy(downHash, res.Body)
		res.Body.Close()
		if err != nil || n != size || !bytes.Equal(downHash.Sum(nil), upHash.Sum(nil)) {
			b.Fatalf("GET: %d bytes, %v, sha256 equal=%v", n, err, bytes.Equal(downHash.Sum(nil), upHash.Sum(nil)))
		}
		downloaded := wall.Since(start)

		b.ReportMetric(float64(size)/(1<<20)/uploaded.Seconds(), "MiB/s-up")
		b.ReportMetric(float64(size)/(1<<20)/downloaded.Seconds(), "MiB/s-down")
		b.ReportMetric(float64(peakRSSKiB())/1024, "MiB-peak-RSS")
		if err := w.storage.Delete(context.Background(), w.storage.Library(), "big.pdf"); err != nil {
			b.Fatal(err) // later iterations must not hold earlier objects
		}
	}
}

// resetPeakRSS sets VmHWM back to the current RSS (Linux proc(5),
// /proc/[pid]/clear_refs value 5). Where that is unavailable the peak stays
// the process's, which can only overstate it.
func resetPeakRSS() {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSSKiB is the process's high-water resident set: VmHWM from
// /proc/self/status, or getrusage's maxrss where /proc is missing.
func peakRSSKiB() int64 {
	if status, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				kib, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				return kib
			}
		}
	}
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Maxrss // KiB on Linux
}
