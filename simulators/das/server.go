package das

import (
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/faults"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// Server is the simulated WIPO DAS.
type Server struct {
	cfg     Config
	deps    Deps
	api     *http.Client // DAS → office API calls, validated against das.yaml
	raw     *http.Client // presigned URLs (outside the contract)
	ids     idSource
	handler http.Handler

	mu sync.RWMutex
	st state

	work work
}

// New builds a Server; cfg and deps are checked and defaulted.
func New(cfg Config, deps Deps) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("das: config: %w", err)
	}
	deps, err := deps.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("das: deps: %w", err)
	}
	s := &Server{cfg: cfg.withDefaults(), deps: deps, st: newState()}
	s.ids = idSource{src: deps.Rand}
	s.work.idle = sync.NewCond(&s.work.mu)
	base := deps.HTTPClient.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	opts := []openapi.Option{openapi.WithParty("das"), openapi.WithTranscripts()}
	if deps.Recorder != nil {
		opts = append(opts, openapi.WithRecorder(deps.Recorder))
	}
	s.api = &http.Client{Transport: openapi.DAS().Transport(base, opts...), Timeout: s.cfg.OutboundTimeout}
	s.raw = &http.Client{Transport: base, Timeout: s.cfg.OutboundTimeout}
	s.handler = deps.Faults.Middleware(faultParty, faults.DASOperation,
		openapi.DAS().Middleware(deps.Authenticate(s.routes()), opts...))
	return s, nil
}

// Handler serves the DAS API: contract validation (requests answered with the
// WIPO error body when broken; responses validated and recorded), then bearer
// authentication, then the operations.
func (s *Server) Handler() http.Handler { return s.handler }

// faultParty is DAS's name in fault rules.
const faultParty = "das"

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	for _, base := range s.cfg.BasePaths {
		mux.Handle("POST "+base+"/files/url-uploads", s.endpoint(s.createUploadURL))
		mux.Handle("PUT "+base+"/files/url-uploads", s.endpoint(s.refreshUploadURL))
		mux.Handle("GET "+base+"/files", s.endpoint(s.fileStatus))
		mux.Handle("DELETE "+base+"/files", s.endpoint(s.deleteFile))
		mux.Handle("GET "+base+"/files/url-downloads", s.endpoint(s.downloadURLByAck))
		mux.Handle("POST "+base+"/files/url-downloads", s.endpoint(s.downloadURLByBody))
		mux.Handle("POST "+base+"/registrations", s.endpoint(s.register))
		mux.Handle("PUT "+base+"/registrations", s.endpoint(s.correctRegistration))
		mux.Handle("DELETE "+base+"/registrations", s.endpoint(s.withdraw))
		mux.Handle("GET "+base+"/registrations/certificates", s.endpoint(s.registrationCertificate))
		mux.Handle("POST "+base+"/retrievals", s.endpoint(s.requestRetrieval))
		mux.Handle("PUT "+base+"/retrievals", s.endpoint(s.setRetrievalFile))
		mux.Handle("GET "+base+"/retrievals/statuses", s.endpoint(s.retrievalStatuses))
		mux.Handle("POST "+base+"/notifications", s.endpoint(s.receiveNotification))
	}
	return mux
}

// operation is one API operation: it writes its success itself and returns
// any failure for endpoint to write. caller is the authenticated office.
type operation func(w http.ResponseWriter, r *http.Request, caller string) error

// endpoint adapts an operation; it alone writes error bodies.
func (s *Server) endpoint(op operation) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller, ok := s.deps.CallerOffice(r.Context())
		var err error
		if !ok || caller == "" {
			err = errors.New("no authenticated office on the request: Deps.Authenticate did not set one")
		} else {
			err = op(w, r, caller)
		}
		if err != nil {
			s.writeError(w, r, err)
		}
	})
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	de, ok := asDASError(err)
	if !ok {
		ref, _ := s.ids.next()
		s.deps.Logger.Error("das: internal failure", "reference", ref, "method", r.Method, "path", r.URL.Path, "error", err)
		de = protocol.NewDASError(http.StatusInternalServerError, protocol.CodeSystemError, protocol.DetailInternal,
			"unexpected failure inside DAS, reference %s", ref)
	}
	protocol.WriteDASError(w, de, s.cfg.ErrorShape)
}

// work counts background tasks (preparing documents, calls to offices) so
// tests and Close can wait for them.
type work struct {
	mu     sync.Mutex
	idle   *sync.Cond
	n      int
	closed bool
}

// beginBackground counts one more piece of tracked work, before it starts,
// so WaitIdle sees it; false after Close.
func (s *Server) beginBackground() bool {
	s.work.mu.Lock()
	defer s.work.mu.Unlock()
	if s.work.closed {
		return false
	}
	s.work.n++
	return true
}

// goBackground runs f in a tracked goroutine; after Close it does nothing.
func (s *Server) goBackground(f func()) {
	if s.beginBackground() {
		go func() {
			defer s.doneBackground()
			f()
		}()
	}
}

// runTracked runs f on the current goroutine (a clock timer's) as tracked work.
func (s *Server) runTracked(f func()) {
	if s.beginBackground() {
		defer s.doneBackground()
		f()
	}
}

func (s *Server) doneBackground() {
	s.work.mu.Lock()
	s.work.n--
	if s.work.n == 0 {
		s.work.idle.Broadcast()
	}
	s.work.mu.Unlock()
}

// WaitIdle blocks until no background task runs: every document being
// prepared, every call to an office in flight, has finished. Timers that are
// scheduled but not due (retries, retention) do not count.
func (s *Server) WaitIdle() {
	s.work.mu.Lock()
	for s.work.n > 0 {
		s.work.idle.Wait()
	}
	s.work.mu.Unlock()
}

// Close stops every retention and retry timer, refuses new background work
// and waits for the running tasks. The Handler keeps answering reads.
func (s *Server) Close() {
	s.work.mu.Lock()
	s.work.closed = true
	s.work.mu.Unlock()
	s.mu.Lock()
	for _, f := range s.st.files {
		if f.expiry != nil {
			f.expiry.Stop()
		}
	}
	for _, t := range s.st.retryTimers {
		t.Stop()
	}
	for _, t := range s.st.offDeadlines {
		t.Stop()
	}
	s.mu.Unlock()
	s.WaitIdle()
}
