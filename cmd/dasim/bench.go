package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/clock"
)

// runBench measures GET retrievals/statuses on the simulated DAS — token
// verification, full request and response validation, over loopback HTTPS —
// and, with --prism, the same request against Stoplight Prism's mock of the
// same contract, in the same run.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", stderr)
	duration := fs.Duration("duration", 5*time.Second, "how long each target is loaded")
	workers := fs.Int("workers", 8*runtime.GOMAXPROCS(0), "concurrent request loops")
	prism := fs.String("prism", "", "path to the prism binary (npm i @stoplight/prism-cli) to compare with; empty: dasim only")
	stores := fs.Bool("stores", false, "compare the stores instead (memory, embedded, --postgres): statuses throughput, c.1 flow latency, restart, RSS")
	sb := storeBench{real: clock.System()}
	fs.StringVar(&sb.postgres, "postgres", "", "with --stores: a PostgreSQL URL to measure too (the bench works in a schema of its own)")
	fs.IntVar(&sb.flows, "flows", 50, "with --stores: c.1 flows timed per store")
	fs.IntVar(&sb.registrations, "registrations", 100000, "with --stores: registrations stored before the restart is timed (0: skip)")
	fs.IntVar(&sb.gigabytes, "gigabytes", 0, "with --stores: GiB of documents stored on disk while RSS is read (0: skip)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *stores {
		sb.duration, sb.workers = *duration, *workers
		return sb.run(ctx, stdout)
	}
	w, err := harness.Start(ctx, harness.Config{Clock: clock.NewOffset(0)})
	if err != nil {
		return err
	}
	defer w.Close()
	ack, osf, err := benchRetrieval(ctx, w)
	if err != nil {
		return err
	}
	token, err := w.Tokens(osf).Token(ctx)
	if err != nil {
		return err
	}
	client := w.HTTPClient()
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = *workers
	statuses := func(base string) func(context.Context) (*http.Request, error) {
		return func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/retrievals/statuses?requestAckId="+ack, nil)
			if err == nil {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			return req, err
		}
	}
	fmt.Fprintf(stdout, "GET retrievals/statuses?requestAckId=…, %d workers, %v each, GOMAXPROCS=%d\n", *workers, *duration, runtime.GOMAXPROCS(0))
	ours := harness.Load(ctx, client, *workers, *duration, http.StatusOK, statuses(w.DASURL()))
	fmt.Fprintf(stdout, "dasim (HTTPS, token verified, request+response validated): %s\n", ours)
	if ours.Failures > 0 {
		return fmt.Errorf("dasim answered wrongly: %s", ours.FirstFail)
	}
	if *prism == "" {
		return nil
	}
	base, stop, err := startPrism(ctx, *prism, stderr)
	if err != nil {
		return err
	}
	defer stop()
	plain := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *workers}}
	theirs := harness.Load(ctx, plain, *workers, *duration, http.StatusOK, statuses(base))
	fmt.Fprintf(stdout, "prism mock (plain HTTP, same contract):                   %s\n", theirs)
	if theirs.PerSecond > 0 {
		fmt.Fprintf(stdout, "ratio dasim/prism: %.1fx\n", ours.PerSecond/theirs.PerSecond)
	}
	return nil
}

// benchRetrieval deposits a document and retrieves it, so the measured
// status request reads a real, completed retrieval.
func benchRetrieval(ctx context.Context, w *harness.World) (string, *harness.Identity, error) {
	ee, err := w.EnrollOffice("EE", "ee-office")
	if err != nil {
		return "", nil, err
	}
	fi, err := w.EnrollOffice("FI", "fi-office")
	if err != nil {
		return "", nil, err
	}
	doc := harness.Document{Number: "EE P202300012", Date: "2023-03-14", AccessCode: "AB21",
		Content: harness.PDF("bench", 48*1024)}
	if r, err := w.Client(ee).Deposit(ctx, doc); err != nil || r.Status != http.StatusCreated {
		return "", nil, fmt.Errorf("deposit: %v %v", err, r)
	}
	ack, r, err := w.Client(fi).Retrieve(ctx, doc)
	if err != nil || ack == "" {
		return "", nil, fmt.Errorf("retrieve: %v %v", err, r)
	}
	w.Settle()
	return ack, fi, nil
}

// startPrism runs `prism mock` on the embedded das.yaml on a free port.
func startPrism(ctx context.Context, bin string, stderr io.Writer) (string, func(), error) {
	dir, err := os.MkdirTemp("", "dasim-prism")
	if err != nil {
		return "", nil, err
	}
	spec := filepath.Join(dir, "das.yaml")
	if err := os.WriteFile(spec, openapi.DASSpec(), 0o644); err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.CommandContext(ctx, bin, "mock", "-h", "127.0.0.1", "-p", strconv.Itoa(port), "--errors", "false", spec)
	cmd.Stdout, cmd.Stderr = io.Discard, stderr
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("start prism: %w", err)
	}
	stop := func() { _ = cmd.Process.Kill(); _ = cmd.Wait(); _ = os.RemoveAll(dir) }
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	for range 300 {
		if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			c.Close()
			return base, stop, nil
		}
		time.Sleep(100 * time.Millisecond) // waiting for a child process to listen, not for world time
	}
	stop()
	return "", nil, errors.New("prism did not listen within 30 s")
}
