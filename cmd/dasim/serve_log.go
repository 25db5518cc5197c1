package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/reports"
	"github.com/wipo-das/dasim/simulators/clock"
)

// AdminTokenFile is the name of the admin token's file, beside the
// endpoints file (or in the temp dir).
const AdminTokenFile = "dasim-admin-token"

// serveAdmin writes a fresh admin token (mode 0600: only the user who
// started the world may switch its faults or read its exchanges) and
// starts the admin endpoint and console with it.
func serveAdmin(w *harness.World, dir, addr string, virtualClock bool) (url, tokenFile string, err error) {
	token, err := newAdminToken(rand.Reader)
	if err != nil {
		return "", "", err
	}
	if tokenFile, err = filepath.Abs(filepath.Join(dir, AdminTokenFile)); err != nil {
		return "", "", err
	}
	_ = os.Remove(tokenFile) // WriteFile keeps the mode of a file that exists
	if err := os.WriteFile(tokenFile, []byte(token+"\n"), 0o600); err != nil {
		return "", "", err
	}
	url, err = listenAdmin(w, addr, adminConfig{Token: token, TokenFile: tokenFile, VirtualClock: virtualClock})
	return url, tokenFile, err
}

// quietTLSHandshakes drops net/http's "TLS handshake error" lines from the
// log: a client that gives up on a certificate (curl before --cacert, a
// port probe) is not the world's failure, and those lines buried the
// endpoints. Everything else still goes to stderr.
func quietTLSHandshakes(stderr io.Writer) {
	log.SetOutput(lineFilter{out: stderr, drop: "http: TLS handshake error"})
}

type lineFilter struct {
	out  io.Writer
	drop string
}

func (f lineFilter) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(f.drop)) {
		return len(p), nil
	}
	return f.out.Write(p)
}

// exchangePairing is how long, in real time, serve -v waits for the other
// side's record of a call before it logs the call as one side saw it.
const exchangePairing = 200 * time.Millisecond

// logExchanges writes one line per call the world makes (serve -v): world
// time, caller → server, operation, status and verdict. The caller's and
// the server's records of a call make one line; a record whose partner has
// not come within exchangePairing (a call from outside, a server that is
// not simulated) is logged alone.
func logExchanges(ctx context.Context, feed *openapi.Feed, out io.Writer) (stop func(), err error) {
	_, sub, err := feed.Subscribe(^uint64(0)) // from now on
	if err != nil {
		return nil, err
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		real := clock.System()
		merger := reports.NewMerger(1024)
		var queue []reports.Call         // logged in order, once complete or waited for
		firstSeen := map[int]time.Time{} // seq → when its first record came
		complete := map[int]bool{}
		flush := func(all bool) {
			for len(queue) > 0 {
				c := queue[0]
				if !all && !complete[c.Seq] && real.Since(firstSeen[c.Seq]) < exchangePairing {
					return
				}
				fmt.Fprintln(out, exchangeLine(c))
				queue = queue[1:]
				delete(firstSeen, c.Seq)
				delete(complete, c.Seq)
			}
		}
		tick := time.NewTicker(exchangePairing / 2)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				flush(true)
				return
			case n, ok := <-sub.C:
				if !ok {
					flush(true)
					return
				}
				c, update := merger.Add(n.Exchange)
				if !update {
					queue = append(queue, c)
					firstSeen[c.Seq] = real.Now()
				} else if i := slices.IndexFunc(queue, func(q reports.Call) bool { return q.Seq == c.Seq }); i >= 0 {
					queue[i], complete[c.Seq] = c, true
				}
				flush(false)
			case <-tick.C:
				flush(false)
			}
		}
	}()
	return func() { sub.Close(); wg.Wait() }, nil
}

// exchangeLine is one line of serve -v.
func exchangeLine(c reports.Call) string {
	op := c.Operation
	if op == "" {
		op = c.Method + " " + c.URL
		if c.Contract == "s3" {
			op = c.Method + " object " + c.URL
		}
	}
	verdict := "ok"
	switch faults := c.Faults(); {
	case c.TransportError != "":
		verdict = "transport error: " + c.TransportError
	case len(faults) > 0:
		verdict = fmt.Sprintf("%d violation(s): %s", len(faults), faults[0])
	}
	from := c.From
	if from == "" {
		from = "caller"
	}
	return strings.Join([]string{c.At.UTC().Format("15:04:05.000"), from + " → " + or(c.To, "?"), op,
		fmt.Sprint(c.Status), verdict}, "  ")
}
