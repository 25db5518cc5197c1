package harness

import (
	"io"
	"net/http"
	"time"

	"github.com/wipo-das/dasim/simulators/clock"
)

// ListenerLimits bound what one connection may hold of a server, so that a
// client that sends slowly, or opens connections and sends nothing, costs a
// bounded time and memory (docs/limits.md). They are real time: they guard
// sockets, not protocol deadlines, which run on the world's clock.
type ListenerLimits struct {
	// HeaderTimeout is how long a request's line and headers may take to
	// arrive (http.Server.ReadHeaderTimeout).
	HeaderTimeout time.Duration
	// BodyTimeout plus the body's Content-Length at MinBodyRate is how long
	// a request body may take to arrive; past it the connection is closed.
	// A body of unknown length gets BodyTimeout.
	BodyTimeout time.Duration
	// MinBodyRate, in bytes per second, is the slowest upload allowed.
	MinBodyRate int64
	// IdleTimeout closes a keep-alive connection that sends no new request.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds the request line and headers; beyond it the
	// answer is 431 Request Header Fields Too Large.
	MaxHeaderBytes int
}

// DefaultListenerLimits are the limits of every listener of the world and
// of `dasim office`.
func DefaultListenerLimits() ListenerLimits {
	return ListenerLimits{HeaderTimeout: 10 * time.Second, BodyTimeout: 30 * time.Second, MinBodyRate: 1 << 20,
		IdleTimeout: 60 * time.Second, MaxHeaderBytes: 64 << 10}
}

// Server returns an http.Server serving h within l. No write timeout: a
// download of a large document, or a fault that holds an answer on
// purpose, may take long, and a client that reads slowly only holds its
// own connection, whose memory is bounded by the socket buffers.
func (l ListenerLimits) Server(h http.Handler) *http.Server {
	return &http.Server{Handler: l.bodyDeadline(h), ReadHeaderTimeout: l.HeaderTimeout,
		IdleTimeout: l.IdleTimeout, MaxHeaderBytes: l.MaxHeaderBytes}
}

// bodyDeadline sets the read deadline of a request that has a body to
// BodyTimeout plus its length at MinBodyRate, and lifts it once the body has
// been read to its end, so that a slow handler (a fault holding the answer)
// is not cut by it. net/http's ReadTimeout would also cut a large upload
// at a fixed time, whatever its size.
func (l ListenerLimits) bodyDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
			next.ServeHTTP(w, r)
			return
		}
		allow := l.BodyTimeout
		if r.ContentLength > 0 && l.MinBodyRate > 0 {
			allow += time.Duration(float64(r.ContentLength) / float64(l.MinBodyRate) * float64(time.Second))
		}
		rc := http.NewResponseController(w)
		if rc.SetReadDeadline(clock.System().Now().Add(allow)) == nil {
			r.Body = &deadlineBody{ReadCloser: r.Body, rc: rc}
		}
		next.ServeHTTP(w, r)
	})
}

// deadlineBody lifts the read deadline when the body ends.
type deadlineBody struct {
	io.ReadCloser
	rc     *http.ResponseController
	lifted bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.lifted {
		b.lifted = true
		_ = b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}
