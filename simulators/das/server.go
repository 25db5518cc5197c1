package das

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/dasapi"
	"github.com/wipo-das/dasim/simulators/faults"
	"github.com/wipo-das/dasim/simulators/lifecycle"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// Server is the simulated WIPO DAS.
type Server struct {
	cfg     Config
	deps    options
	api     *dasapi.Client // DAS → office API calls, validated against das.yaml
	ids     idSource
	handler http.Handler
	work    *lifecycle.Group // preparing documents, calls to offices, timers
	outbox  *faults.Outbox   // notifications to OSFs, through DAS's faults

	mu sync.RWMutex
	st state
}

// New builds a Server; cfg is checked and defaulted, then the options are
// applied and their defaults filled.
func New(cfg Config, opts ...Option) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("das: config: %w", err)
	}
	o, err := newOptions(opts)
	if err != nil {
		return nil, fmt.Errorf("das: %w", err)
	}
	s := &Server{cfg: cfg.withDefaults(), deps: o, st: newState()}
	s.st.anyOffice = s.cfg.Defects.AnyOfficesRetrieval
	s.ids = idSource{src: o.rand}
	s.work = lifecycle.New(o.ctx, o.clock)
	s.outbox = o.faults.Outbox(faultParty, s.work)
	s.api = dasapi.New(dasapi.Config{HTTPClient: o.httpClient, Recorder: o.recorder, Party: "das", Transcripts: true})
	mopts := []openapi.Option{openapi.WithParty("das"), openapi.WithTranscripts(), openapi.WithRecorder(o.recorder),
		openapi.OnRefusal(func(w http.ResponseWriter, r *http.Request, ref *openapi.Refusal) {
			s.writeError(w, r, dasapi.RefusalError(ref))
		})}
	s.handler = o.faults.Middleware(faultParty, faults.DASOperation, openapi.DAS().Middleware(s.routes(), mopts...),
		func(w http.ResponseWriter, r *http.Request, f *faults.Injected) { s.writeError(w, r, f) })
	return s, nil
}

// Handler serves the DAS API: the faults of party "das", contract
// validation (responses validated and recorded), bearer authentication,
// then the operations. Every refusal of every layer is written by one
// writer, in Config.ErrorShape.
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

// endpoint authenticates the caller and adapts an operation; refusals and
// failures go to the one writer.
func (s *Server) endpoint(op operation) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller, err := s.deps.authenticate(r)
		if err == nil && caller == "" {
			err = errors.New("the authenticator accepted a request without naming its office")
		}
		if err == nil {
			err = op(w, r, caller)
		}
		if err != nil {
			s.writeError(w, r, err)
		}
	})
}

// WriteError is the DAS's one error writer, also for the layers a world
// puts in front of the DAS (an observed client's entrance and its faults).
func (s *Server) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	s.writeError(w, r, err)
}

// writeError is the DAS's one error writer: a contract refusal, a refused
// token, an injected fault and an operation's *protocol.DASError are each
// answered as the WIPO error body in Config.ErrorShape; anything else is an
// internal failure, logged with a reference and answered 500 without detail.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	de, ok := protocol.AsDASError(err)
	if !ok {
		ref, _ := s.ids.next()
		s.deps.logger.Error("das: internal failure", "reference", ref, "method", r.Method, "path", r.URL.Path, "error", err)
		de = protocol.NewDASError(http.StatusInternalServerError, protocol.CodeSystemError, protocol.DetailInternal,
			"unexpected failure inside DAS, reference %s", ref)
	}
	if s.cfg.Defects.PlainErrors {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(de.Status)
		_, _ = w.Write([]byte(de.Error() + "\n"))
		return
	}
	protocol.WriteDASError(w, de, s.cfg.ErrorShape)
}

// goBackground runs f as tracked work with the DAS's context; after Close
// it does nothing.
func (s *Server) goBackground(f func(ctx context.Context)) { s.work.Go(f) }

// afterFunc runs f as tracked work once the world's clock has passed d.
func (s *Server) afterFunc(d time.Duration, f func(ctx context.Context)) clock.Timer {
	return s.work.AfterFunc(d, f)
}

// Group is the DAS's background work, for a world that settles every party.
func (s *Server) Group() *lifecycle.Group { return s.work }

// WaitIdle blocks until no background task runs: every document being
// prepared, every call to an office in flight, has finished. Timers that are
// scheduled but not due (retries, retention) do not count.
func (s *Server) WaitIdle() { s.work.WaitIdle() }

// Close stops every retention, retry and deadline timer, refuses new
// background work, cancels the calls in flight and waits for them (at most
// until ctx is done). The Handler keeps answering reads.
func (s *Server) Close(ctx context.Context) error { return s.work.Close(ctx) }
