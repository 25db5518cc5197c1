package harness

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"time"
)

// listener is one party's loopback HTTPS server. The port is taken before the
// party is built, because parties need their own base URL (the issuer URL of
// the authorization server, the host of presigned URLs).
type listener struct {
	name string
	ln   net.Listener
	srv  *http.Server
	URL  string
	done chan struct{}
}

// listen listens on addr, else (addr empty, or a kept address now taken
// when fallback is set) on a free loopback port, serving cert.
func listen(cert tls.Certificate, name, addr string, fallback bool) (*listener, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil && fallback {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		return nil, fmt.Errorf("%s: listen: %w", name, err)
	}
	tlsLn := tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	return &listener{name: name, ln: tlsLn, URL: "https://" + ln.Addr().String(), done: make(chan struct{})}, nil
}

// serve starts answering with h.
func (l *listener) serve(h http.Handler) {
	l.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(l.done)
		// Serve returns ErrServerClosed on Shutdown; any other error means
		// the listener was closed under it, which only close does.
		_ = l.srv.Serve(l.ln)
	}()
}

// close stops the server: requests in flight may finish within the grace of
// ctx, then every connection is closed. net/http's Shutdown alone would wait
// five seconds for a connection a client opened but never used.
func (l *listener) close(ctx context.Context) {
	if l.srv == nil {
		l.ln.Close()
		return
	}
	if err := l.srv.Shutdown(ctx); err != nil {
		_ = l.srv.Close()
	}
	<-l.done
}
