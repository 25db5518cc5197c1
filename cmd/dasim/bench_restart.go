package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/protocol"
	"github.com/wipo-das/dasim/simulators/store"
)

// restart times the start of a world on an embedded store that already
// holds b.registrations registrations (and one open retrieval with its
// timer per registration), against the start of an empty world.
func (b *storeBench) restart(ctx context.Context, stdout io.Writer) error {
	for _, bt := range b.backends() {
		if bt.name == "memory" {
			continue // nothing survives a restart to be loaded
		}
		dir, err := os.MkdirTemp("", "dasim-bench-restart")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		st, err := bt.open(ctx, dir)
		if err != nil {
			return err
		}
		// The first start makes the world's keys and certificates; the
		// second is the restart of an empty world.
		if _, err := b.timeStart(ctx, st, dir); err != nil {
			return err
		}
		empty, err := b.timeStart(ctx, st, dir)
		if err != nil {
			return err
		}
		t0 := b.real.Now()
		if err := fillRegistrations(ctx, st, b.registrations, b.real.Now()); err != nil {
			return err
		}
		filled := b.real.Since(t0)
		full, err := b.timeStart(ctx, st, dir)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "restart, %s: %v empty, %v with %d registrations and as many open retrievals stored (%.2f×; storing them took %v)\n",
			bt.name, empty.Round(time.Millisecond), full.Round(time.Millisecond), b.registrations, float64(full)/float64(empty),
			filled.Round(time.Millisecond))
		st.Close()
	}
	return nil
}

// timeStart starts a world on st and stops it; how long it took to serve.
func (b *storeBench) timeStart(ctx context.Context, st store.Backend, dir string) (time.Duration, error) {
	t0 := b.real.Now()
	w, err := harness.Start(ctx, harness.Config{Clock: clock.NewOffset(0), Store: st, ObjectDir: filepath.Join(dir, "objects")})
	if err != nil {
		return 0, err
	}
	took := b.real.Since(t0)
	// The world serves what it holds: the last registration is found.
	if n := registrationsIn(ctx, st); n > 0 {
		ok, err := w.DAS.Registered(ctx, "EE", "patent", fmt.Sprintf("EE P6%09d", n-1))
		if err != nil || !ok {
			w.Close()
			return 0, fmt.Errorf("after the restart registration %d is not found (%v)", n-1, err)
		}
	}
	w.Close()
	return took, nil
}

func registrationsIn(ctx context.Context, st store.Backend) int {
	v, ok, _ := st.World().Get(ctx, "bench", "registrations")
	if !ok {
		return 0
	}
	n, _ := strconv.Atoi(string(v))
	return n
}

// fillRegistrations writes n registrations of office EE and n pending
// retrievals, each with the transit retention timer of a file, a thousand
// to a transaction.
func fillRegistrations(ctx context.Context, st store.Backend, n int, now time.Time) error {
	for start := 0; start < n; start += 1000 {
		err := st.DAS().Update(ctx, func(tx store.DASTx) error {
			for i := start; i < min(start+1000, n); i++ {
				number := fmt.Sprintf("EE P6%09d", i)
				key := "patent|" + strings.ToUpper(strings.ReplaceAll(number, " ", ""))
				reg := store.Registration{Key: key, AckID: fmt.Sprintf("reg-%09d", i), Office: "EE", Kind: "patent", Number: number,
					Date: "2023-03-14", AccessCode: "AB21", Hosting: store.HostedLibrary, LibraryKey: "library/EE/" + number,
					Format: "pdf", Checksum: fmt.Sprintf("%x", sha256.Sum256([]byte(number))), Size: 48213, RegisteredAt: now}
				if err := tx.PutRegistration(reg); err != nil {
					return err
				}
				rt := store.Retrieval{AckID: fmt.Sprintf("ret-%09d", i), OSF: "LV", Kind: "patent", Number: number, Date: "2023-03-14",
					AccessCode: "AB21", Source: store.FromLibrary, Registration: key, Status: "pending", OFF: "EE", CreatedAt: now}
				if err := tx.PutRetrieval(&rt); err != nil {
					return err
				}
				if err := tx.PutTimer(store.Timer{ID: "expire/bench-" + strconv.Itoa(i), Kind: "expire", Subject: "bench-" + strconv.Itoa(i),
					Due: now.Add(7 * 24 * time.Hour)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return st.World().Put(ctx, "bench", "registrations", []byte(strconv.Itoa(n)))
}

// rss stores b.gigabytes of documents through presigned URLs in a world
// on the embedded store, streaming each from a generator, and reports the
// process's resident memory as the bytes on disk grow.
func (b *storeBench) rss(ctx context.Context, stdout io.Writer) error {
	dir, err := os.MkdirTemp("", "dasim-bench-rss")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	w, err := harness.Start(ctx, harness.Config{Clock: clock.NewOffset(0), DataDir: dir})
	if err != nil {
		return err
	}
	defer w.Close()
	ee, err := w.EnrollOffice("EE", "ee-rss")
	if err != nil {
		return err
	}
	api := w.Client(ee).API()
	const docSize = 512 << 20
	start := residentBytes()
	fmt.Fprintf(stdout, "RSS, documents stored on disk through presigned URLs (%d MiB each): %d MiB at 0 GiB", docSize>>20, start>>20)
	var peak, atOne, last uint64
	for i := 0; i < b.gigabytes*2; i++ {
		sum := sha256.New()
		if _, err := io.Copy(sum, documentStream(int64(i), docSize)); err != nil {
			return err
		}
		up, _, err := api.CreateUploadURL(ctx, protocol.URLUploadRequest{FileReference: "big.pdf", FileFormatCategory: "pdf",
			FileChecksum: fmt.Sprintf("%x", sum.Sum(nil))})
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, up.FileUploadURL, documentStream(int64(i), docSize))
		if err != nil {
			return err
		}
		req.ContentLength = docSize
		resp, err := w.HTTPClient().Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("upload %d: HTTP %d", i, resp.StatusCode)
		}
		cat := "priority document"
		if _, _, err := api.Register(ctx, protocol.RegistrationRequest{OperationCategory: "registration", DocumentKindCategory: "patent",
			DocumentNumber: fmt.Sprintf("EE P5%09d", i), DocumentDate: "2023-03-14", DasAccessCode: "AB21", ApplicationCategory: &cat,
			FileID: &up.FileID}); err != nil {
			return err
		}
		rss := residentBytes()
		peak, last = max(peak, rss), rss
		if i == 1 {
			atOne = rss
		}
		if i%2 == 1 {
			fmt.Fprintf(stdout, ", %d MiB at %d GiB", rss>>20, (i+1)/2)
		}
	}
	fmt.Fprintf(stdout, "\nRSS at %d GiB / RSS at 1 GiB: %.2f×; peak %d MiB\n", b.gigabytes, float64(last)/float64(max(atOne, 1)), peak>>20)
	return nil
}

// documentStream is size bytes of a PDF-looking document, generated as read.
func documentStream(seed, size int64) io.Reader {
	head := []byte("%PDF-1.7 bench document\n")
	rng := rand.New(rand.NewPCG(uint64(seed), 5))
	body := io.LimitReader(readerFunc(func(p []byte) (int, error) {
		for i := range p {
			p[i] = byte(rng.Uint32())
		}
		return len(p), nil
	}), size-int64(len(head)))
	return io.MultiReader(strings.NewReader(string(head)), body)
}

type readerFunc func(p []byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// residentBytes is the process's resident set (VmRSS of /proc/self/status).
func residentBytes() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
