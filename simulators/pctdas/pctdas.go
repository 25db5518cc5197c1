package pctdas

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"time"

	"github.com/wipo-das/dasim/simulators/office"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// Code is the ST.3 code PCT DAS acts under: the International Bureau.
const Code = "IB"

// numberPattern is a PCT number of RO/IB: "PCT/" + RO code + 4-digit year +
// "/" + 6 digits (PCT AI s.307; das-domain.md §1).
var numberPattern = regexp.MustCompile(`^PCT/IB[0-9]{4}/[0-9]{6}$`)

// Config configures PCT DAS. Zero fields take the defaults of DemoConfig.
type Config struct {
	// BaseURL is scheme://host:port where Handler is served. Required.
	BaseURL string
	// WIPOIssuer is WIPO's authorization server; DAS's tokens are checked
	// with its JWKS (setup A: PCT DAS is WIPO's own). Required.
	WIPOIssuer string
	// DASClientID is whitelisted; default office.DefaultDASClientID.
	DASClientID string
	// DASBaseURL is needed only with NotifyDAS.
	DASBaseURL string
	// NotifyDAS makes PCT DAS prepare on the world clock and notify DAS like
	// a c.2 OFF; without it documents are ready at once (Source).
	NotifyDAS bool
	// Demo describes the generated document set.
	Demo DemoConfig
	// Documents are served besides the demo set.
	Documents []office.Document
}

// Server is PCT DAS.
type Server struct {
	office *office.Office
	docs   []office.Document
}

// New builds PCT DAS on an office with code IB.
func New(cfg Config, deps office.Deps) (*Server, error) {
	docs, err := Demo(cfg.Demo)
	if err != nil {
		return nil, fmt.Errorf("pctdas: demo set: %w", err)
	}
	docs = append(docs, cfg.Documents...)
	var errs []error
	for _, d := range docs {
		if !numberPattern.MatchString(d.Number) {
			errs = append(errs, fmt.Errorf("document %q is not a PCT number of RO/IB (PCT/IB<yyyy>/<nnnnnn>)", d.Number))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("pctdas: %w", err)
	}
	prepare := time.Duration(-1)
	if cfg.NotifyDAS {
		prepare = 0 // the office's default
	}
	deps.CheckNumber = checkNumber
	o, err := office.New(office.Config{Code: Code, ClientID: "das-ib-pct1-api-id", BaseURL: cfg.BaseURL,
		DASBaseURL: cfg.DASBaseURL, WIPOIssuer: cfg.WIPOIssuer, Setup: office.SetupA, DASClientID: cfg.DASClientID,
		Documents: docs, DefaultHosting: office.Home, TransitThreshold: 1 << 40, PrepareDelay: prepare}, deps)
	if err != nil {
		return nil, fmt.Errorf("pctdas: %w", err)
	}
	return &Server{office: o, docs: docs}, nil
}

// checkNumber refuses numbers that cannot be RO/IB's before any lookup.
func checkNumber(number string) *protocol.DASError {
	if numberPattern.MatchString(number) {
		return nil
	}
	return protocol.NewDASError(http.StatusBadRequest, protocol.CodeInvalidInputData, protocol.DetailInvalidField,
		"documentNumber %q is not a PCT application of RO/IB: PCT DAS serves PCT/IB<yyyy>/<nnnnnn> only, e.g. PCT/IB2023/000042", number)
}

// Handler serves the office-side API under /das/v1/requests and the signed
// download links.
func (s *Server) Handler() http.Handler { return s.office.Handler() }

// Office is the office machinery PCT DAS runs on (ack ids, forwarded retrievals).
func (s *Server) Office() *office.Office { return s.office }

// APIBaseURL is PCT DAS's API root, for Source or an OfficeEndpoint.
func (s *Server) APIBaseURL() string { return s.office.APIBaseURL() }

// Documents are the documents PCT DAS serves.
func (s *Server) Documents() []office.Document { return append([]office.Document(nil), s.docs...) }

// Close releases the JWKS cache.
func (s *Server) Close() { s.office.Close() }
