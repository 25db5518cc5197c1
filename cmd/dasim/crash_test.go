package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// servedWorld is one `dasim serve` process and what a client reads of it.
type servedWorld struct {
	cmd  *exec.Cmd
	ep   endpointsFile
	logs string // the file its output goes to
}

type endpointsFile struct {
	Issuer     string `json:"issuer"`
	DASAPI     string `json:"das_api"`
	CAFile     string `json:"ca_file"`
	Identities map[string]struct {
		ClientID string `json:"client_id"`
		Key      string `json:"key"`
	} `json:"identities"`
}

// startKillable starts `dasim serve` with args and waits until it has written
// its endpoints file.
func startKillable(ctx context.Context, t *testing.T, bin, dir string, args ...string) *servedWorld {
	t.Helper()
	epFile := filepath.Join(dir, "endpoints.json")
	_ = os.Remove(epFile)
	logs := filepath.Join(dir, fmt.Sprintf("serve-%d.log", time.Now().UnixNano()))
	out := logFile(t, dir, filepath.Base(logs)) // a file: no copying goroutine to race with a reader
	cmd := exec.Command(bin, append([]string{"serve", "--endpoints-file", epFile}, args...)...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &servedWorld{cmd: cmd, logs: logs}
	wait, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	waitForJSON(wait, t, epFile, &s.ep)
	return s
}

// kill9 ends the process as `kill -9` does: no handler runs, nothing is flushed.
func (s *servedWorld) kill9() {
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	_ = s.cmd.Wait()
}

// crashCounts is what the crash test reports.
type crashCounts struct {
	acked, registeredAnswerLost, verified, flows, flowsAcrossKill atomic.Int64
}

// TestKillNineAtRandomMoments (issue 14): offices run c.1 flows against
// `dasim serve --data-dir` while it is killed with SIGKILL at random
// moments ten times and restarted each time. Every document whose
// registration DAS acknowledged is then retrieved and must be
// byte-identical; the one token issued before the first kill is accepted
// throughout, and the CA and ports stay the same.
func TestKillNineAtRandomMoments(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts a served world ten times")
	}
	bin := dasimBinary(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	ctx := t.Context()
	args := []string{"--data-dir", data}
	srv := startKillable(ctx, t, bin, dir, args...)
	first := srv.ep
	off, osf := newCrashClient(ctx, t, first, "EE"), newCrashClient(ctx, t, first, "JP")

	const workers, kills = 6, 10
	var counts crashCounts
	var mu sync.Mutex
	kept := map[string][]byte{} // registered documents, by number
	var failures []string
	fail := func(format string, args ...any) {
		mu.Lock()
		failures = append(failures, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	var killed atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for wkr := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(wkr), 14))
			for seq := 0; ; seq++ {
				select {
				case <-stop:
					return
				default:
				}
				number := fmt.Sprintf("EE P9%02d%06d", wkr, seq)
				content := append([]byte("%PDF-1.7 "+number+"\n"), make([]byte, 4096+rng.IntN(60000))...)
				for i := 20; i < len(content); i++ {
					content[i] = byte(rng.Uint32())
				}
				before := killed.Load()
				registered, acked, err := off.deposit(ctx, number, content)
				if err != nil {
					fail("worker %d: depositing %s: %v", wkr, number, err)
					return
				}
				if registered {
					mu.Lock()
					kept[number] = content
					mu.Unlock()
				}
				if acked {
					counts.acked.Add(1)
				} else if registered {
					counts.registeredAnswerLost.Add(1)
				}
				got, err := osf.retrieve(ctx, number)
				if err != nil {
					fail("worker %d: retrieving %s: %v", wkr, number, err)
					return
				}
				if !bytes.Equal(got, content) {
					fail("worker %d: %s downloaded %d bytes differing from the %d deposited", wkr, number, len(got), len(content))
				}
				counts.flows.Add(1)
				if killed.Load() != before {
					counts.flowsAcrossKill.Add(1)
				}
			}
		}()
	}
	rng := rand.New(rand.NewPCG(14, 9))
	for k := range kills {
		time.Sleep(time.Duration(200+rng.IntN(1300)) * time.Millisecond)
		srv.kill9()
		killed.Add(1)
		srv = startKillable(ctx, t, bin, dir, args...)
		if srv.ep.DASAPI != first.DASAPI || srv.ep.Issuer != first.Issuer {
			t.Errorf("restart %d moved the world: DAS %s, issuer %s (were %s, %s)", k+1, srv.ep.DASAPI, srv.ep.Issuer, first.DASAPI, first.Issuer)
		}
	}
	close(stop)
	wg.Wait()
	defer srv.kill9()
	for _, f := range failures {
		t.Error(f)
	}
	if t.Failed() {
		b, _ := os.ReadFile(srv.logs)
		t.Logf("served world's log:\n%s", b)
		return
	}
	// Every document the DAS holds, retrieved once more after the last restart.
	for number, content := range kept {
		got, err := osf.retrieve(ctx, number)
		if err != nil {
			t.Errorf("after the last restart, %s: %v", number, err)
			continue
		}
		if !bytes.Equal(got, content) {
			t.Errorf("after the last restart, %s differs from what was deposited", number)
			continue
		}
		counts.verified.Add(1)
	}
	t.Logf("crash test: %d workers, %d kill -9; %d registrations acknowledged, %d registered with the answer lost in a kill; "+
		"%d of %d registered documents byte-identical after the last restart; %d flows completed, %d of them across a kill",
		workers, kills, counts.acked.Load(), counts.registeredAnswerLost.Load(), counts.verified.Load(), len(kept),
		counts.flows.Load(), counts.flowsAcrossKill.Load())
	if counts.acked.Load() == 0 || counts.flowsAcrossKill.Load() == 0 {
		t.Fatalf("the test proved nothing: %d acknowledged registrations, %d flows across a kill", counts.acked.Load(), counts.flowsAcrossKill.Load())
	}
}
