package protocol

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// DASError is the WIPO DAS API error body. Observed on WIPO's acceptance
// system (das-domain.md §2, W2):
//
//	{"error":{"code":"INVALID_INPUT_DATA","message":null,
//	  "details":[{"code":-7,"message":"The requested document is not registered ..."}]}}
//
// WIPO's changelog of 2024-03-04 removed the wrapping "error" member, so the
// newer body is the inner object; WriteDASError writes either shape.
type DASError struct {
	Status int `json:"-"`
	// Header holds extra response headers: WWW-Authenticate for a refused
	// token (RFC 6750 §3), Allow for a 405.
	Header  http.Header   `json:"-"`
	Code    string        `json:"code"`
	Message *string       `json:"message"`
	Details []ErrorDetail `json:"details"`
}

// ErrorDetail is one entry of DASError.Details.
type ErrorDetail struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// Top-level error codes. INVALID_INPUT_DATA is observed; the others are
// dasim's inference of WIPO's convention (x-dasim-inferred in das.yaml).
const (
	CodeInvalidInputData = "INVALID_INPUT_DATA"
	CodeUnauthorized     = "UNAUTHORIZED"
	CodeForbidden        = "FORBIDDEN"
	CodeNotFound         = "NOT_FOUND"
	CodeConflict         = "CONFLICT"
	CodeGone             = "GONE"
	CodeSystemError      = "SYSTEM_ERROR"
)

// Detail codes. -7, -12 and -14 are WIPO's (W2); the rest are dasim's
// inference, documented in das.yaml under components.schemas.ErrorDetail.
const (
	DetailInvalidField        = -1   // a field breaks a rule of the contract
	DetailMissingField        = -2   // a required field is absent
	DetailMalformedBody       = -3   // body is not JSON of the documented shape / wrong content type
	DetailNotRegistered       = -7   // the requested document is not registered
	DetailFilingDateMismatch  = -12  // documentDate differs from the registered one
	DetailAccessCodeMismatch  = -14  // dasAccessCode differs from the registered one
	DetailWithdrawn           = -20  // the registration was withdrawn
	DetailStorageForbidden    = -21  // e.g. a PCT RO/IB document into the library
	DetailDuplicate           = -22  // already registered
	DetailUnknownFile         = -30  // no such fileId for the caller
	DetailFileNotAccepted     = -31  // file rejected: checksum, size or format
	DetailUnknownRequest      = -32  // no such requestAckId for the caller
	DetailTransitQuota        = -33  // the office's open upload URLs or bytes in transit are at their limit
	DetailExpired             = -40  // transit file removed after the retention period
	DetailDeleted             = -41  // transit file deleted by the OSF
	DetailNotReady            = -42  // document not yet available
	DetailOFFUnreachable      = -101 // system range: the OFF did not answer
	DetailOFFError            = -102 // system range: the OFF answered with an error
	DetailPCTUnreachable      = -103 // system range: PCT DAS did not answer
	DetailTransferFailed      = -104 // system range: document transfer failed (checksum, truncation)
	DetailOFFDeadline         = -105 // system range: the OFF never notified a forwarded retrieval in time
	DetailInternal            = -199 // system range: unexpected failure inside DAS
	DetailNotAuthorizedClient = -201 // token subject not whitelisted
)

// NewDASError builds an error body with one detail.
func NewDASError(status int, code string, detail int, format string, args ...any) *DASError {
	return &DASError{Status: status, Code: code,
		Details: []ErrorDetail{{Code: detail, Message: fmt.Sprintf(format, args...)}}}
}

func (e *DASError) Error() string {
	s := e.Code
	for _, d := range e.Details {
		s += fmt.Sprintf("; %d %s", d.Code, d.Message)
	}
	return s
}

// NewInvalidInput is an empty 400 INVALID_INPUT_DATA body to collect
// findings into with Add; it is sent only when it holds any.
func NewInvalidInput() *DASError {
	return &DASError{Status: http.StatusBadRequest, Code: CodeInvalidInputData}
}

// Add appends a detail and returns e, so several findings (both -12 and -14,
// say) travel in one response as WIPO does.
func (e *DASError) Add(detail int, format string, args ...any) *DASError {
	e.Details = append(e.Details, ErrorDetail{Code: detail, Message: fmt.Sprintf(format, args...)})
	return e
}

// HasDetail reports whether a detail with code is present.
func (e *DASError) HasDetail(code int) bool {
	for _, d := range e.Details {
		if d.Code == code {
			return true
		}
	}
	return false
}

// ErrorShape selects the body shape WriteDASError emits.
type ErrorShape int

const (
	// ShapeFlat is the newer body, {code, message, details} (WIPO 2024-03-04).
	ShapeFlat ErrorShape = iota
	// ShapeWrapped is the older body, {"error": {code, message, details}}.
	ShapeWrapped
)

// WIPOAnswerer is an error of a layer in front of a party (a refused token,
// an injected fault) that knows its WIPO error body, so the party's one
// writer can answer it in the party's shape.
type WIPOAnswerer interface {
	error
	WIPOAnswer() *DASError
}

// AsDASError finds the WIPO error body err stands for: a *DASError in its
// chain, or the answer of a WIPOAnswerer; false for anything else (an
// internal failure, whose detail a party logs and never sends).
func AsDASError(err error) (*DASError, bool) {
	var de *DASError
	if errors.As(err, &de) {
		return de, true
	}
	var a WIPOAnswerer
	if errors.As(err, &a) {
		return a.WIPOAnswer(), true
	}
	return nil, false
}

// WriteDASError writes e as application/json in the chosen shape.
func WriteDASError(w http.ResponseWriter, e *DASError, shape ErrorShape) {
	for k, v := range e.Header {
		w.Header()[k] = v
	}
	if e.Details == nil {
		e.Details = []ErrorDetail{}
	}
	var body any = e
	if shape == ShapeWrapped {
		body = struct {
			Error *DASError `json:"error"`
		}{e}
	}
	writeError(w, e.Status, body)
}

// writeError writes an error body as JSON that no cache keeps; status 0 is
// 400.
func writeError(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if status == 0 {
		status = http.StatusBadRequest
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// ParseDASError reads either shape of the body; ok is false when b is neither.
func ParseDASError(b []byte) (e *DASError, wrapped bool, ok bool) {
	var w struct {
		Error *DASError `json:"error"`
	}
	if json.Unmarshal(b, &w) == nil && w.Error != nil && w.Error.Code != "" {
		return w.Error, true, true
	}
	var f DASError
	if json.Unmarshal(b, &f) == nil && f.Code != "" {
		return &f, false, true
	}
	return nil, false, false
}
