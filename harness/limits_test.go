package harness

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// testLimits are DefaultListenerLimits with timeouts short enough to wait
// out in a test (they are real time: they guard sockets).
func testLimits() ListenerLimits {
	l := DefaultListenerLimits()
	l.HeaderTimeout, l.BodyTimeout, l.IdleTimeout = 500*time.Millisecond, 500*time.Millisecond, 500*time.Millisecond
	return l
}

func serveLimited(t *testing.T, l ListenerLimits) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := l.Server(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := io.Copy(io.Discard, r.Body)
		if err != nil {
			return // the body did not arrive in time: the server closes the connection
		}
		fmt.Fprintf(w, "read %d bytes", n)
	}))
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// closedWithin waits until the server ends each connection: a read
// returns an error (EOF or reset) instead of blocking. It returns how many
// were still open after d.
func closedWithin(conns []net.Conn, d time.Duration) (stillOpen int) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, c := range conns {
		wg.Add(1)
		go func(c net.Conn) {
			defer wg.Done()
			_ = c.SetReadDeadline(time.Now().Add(d))
			_, err := io.Copy(io.Discard, c)
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				mu.Lock()
				stillOpen++
				mu.Unlock()
			}
		}(c)
	}
	wg.Wait()
	return stillOpen
}

// Issue 15 found 50 of 50 slow-body connections still held: a body that
// stops arriving now ends its connection after BodyTimeout (+ its length at
// MinBodyRate).
func TestListenerClosesSlowBodyConnections(t *testing.T) {
	addr := serveLimited(t, testLimits())
	var conns []net.Conn
	for range 50 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789")
		conns = append(conns, c)
	}
	if open := closedWithin(conns, 5*time.Second); open > 0 {
		t.Fatalf("%d of 50 slow-body connections still open after 5s (BodyTimeout 500ms)", open)
	}
	// A body that arrives is read.
	res, err := http.Post("http://"+addr+"/upload", "application/pdf", strings.NewReader(strings.Repeat("x", 100000)))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(b) != "read 100000 bytes" {
		t.Fatalf("a normal upload: %d %s", res.StatusCode, b)
	}
}

// Issue 15 found 2,000 of 2,000 idle keep-alive connections still held.
func TestListenerClosesIdleKeepAliveConnections(t *testing.T) {
	addr := serveLimited(t, testLimits())
	conns := make([]net.Conn, 0, 2000)
	for range 2000 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("keep-alive request: %v", err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		conns = append(conns, c)
	}
	if open := closedWithin(conns, 10*time.Second); open > 0 {
		t.Fatalf("%d of 2000 idle keep-alive connections still open after 10s (IdleTimeout 500ms)", open)
	}
}

// Issue 15 found 1 MiB headers accepted; and a connection that never
// finishes its headers is closed after HeaderTimeout.
func TestListenerRefusesHugeHeadersAndSlowHeaders(t *testing.T) {
	addr := serveLimited(t, testLimits())
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
	req.Header.Set("X-Padding", strings.Repeat("a", 1<<20))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("1 MiB header: status %d, want 431", res.StatusCode)
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\n")
	if open := closedWithin([]net.Conn{c}, 5*time.Second); open > 0 {
		t.Fatal("a connection that never ends its headers is still open after 5s (HeaderTimeout 500ms)")
	}
}
