package harness

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/url"

	"github.com/wipo-das/dasim/simulators/tlsca"
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

// listen takes addr (a free loopback port when empty) for party name. A
// publicURL, when given, is where others reach the party instead of the
// listen address: the party's URL, and a name its certificate covers.
func listen(ca *tlsca.CA, name, addr, publicURL string) (*listener, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	hosts := []string{"127.0.0.1", "localhost", "::1"}
	base := ""
	if publicURL != "" {
		u, err := url.Parse(publicURL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return nil, fmt.Errorf("%s: public URL %q is not https://host[:port]", name, publicURL)
		}
		hosts = append([]string{u.Hostname()}, hosts...)
		base = "https://" + u.Host
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s: listen: %w", name, err)
	}
	cert, err := ca.Issue(hosts...)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("%s: certificate: %w", name, err)
	}
	if base == "" {
		base = "https://" + ln.Addr().String()
	}
	tlsLn := tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	return &listener{name: name, ln: tlsLn, URL: base, done: make(chan struct{})}, nil
}

// serve starts answering with h, within DefaultListenerLimits.
func (l *listener) serve(h http.Handler) {
	l.srv = DefaultListenerLimits().Server(h)
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

// ServeParty serves h on a listener of the world's own, named name (at
// addr, or a free loopback port), with a certificate of the world's CA; it
// returns the listener's base URL. The world closes it with the others.
// dasim serve puts its admin endpoint there.
func (w *World) ServeParty(name, addr string, h http.Handler) (string, error) {
	l, err := w.open(Config{Addrs: map[string]string{name: addr}}, name)
	if err != nil {
		return "", err
	}
	l.serve(h)
	return l.URL, nil
}
