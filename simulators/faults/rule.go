package faults

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// Kind is what a rule does when it fires.
type Kind string

// Server-side kinds, applied by Middleware to requests the party receives.
const (
	// Unreachable hijacks the connection and closes it without an answer.
	Unreachable Kind = "unreachable"
	// ServerError answers Rule.Status (default 500, the status das.yaml documents) with the WIPO
	// SYSTEM_ERROR body instead of serving the request.
	ServerError Kind = "server-error"
	// Slow holds the request for Rule.Delay on the world clock (a test must
	// Advance it), or in real time when Rule.RealTime is set.
	Slow Kind = "slow"
)

// Client-side kinds, applied through the hooks of hooks.go.
const (
	NotificationDropped    Kind = "notification-dropped"      // never sent
	NotificationDuplicated Kind = "notification-duplicated"   // sent Rule.Copies times (default 2)
	NotificationDelayed    Kind = "notification-delayed"      // sent after Rule.Delay on the world clock
	NotificationOutOfOrder Kind = "notification-out-of-order" // held until the next one went out (or Rule.Delay, default 1m)
	// WrongChecksum alters one byte of the bytes uploaded (operation
	// OpUploadFile) or served (OpDownloadFile).
	WrongChecksum Kind = "wrong-checksum"
	// TruncatedUpload sends Rule.KeepBytes (default half) of the body while
	// Content-Length announces all of it.
	TruncatedUpload Kind = "truncated-upload"
	// ExpiredDownloadURL hands out a download URL that expired a second ago.
	ExpiredDownloadURL Kind = "expired-download-url"
)

// Pseudo-operations for traffic outside das.yaml.
const (
	// OpUploadFile is the PUT of a document's bytes to a presigned upload URL.
	OpUploadFile = "uploadFile"
	// OpDownloadFile is the GET of a document's bytes from a download URL.
	OpDownloadFile = "downloadFile"
	// Any matches every party or every operation.
	Any = "*"
)

// Kinds lists every kind, for validation and documentation.
func Kinds() []Kind {
	return []Kind{Unreachable, ServerError, Slow, NotificationDropped, NotificationDuplicated,
		NotificationDelayed, NotificationOutOfOrder, WrongChecksum, TruncatedUpload, ExpiredDownloadURL}
}

// Rule is one switched-on fault.
type Rule struct {
	// ID is assigned by Set.Add when empty; Remove and DELETE use it.
	ID string `json:"id,omitempty"`
	// Party that misbehaves: "das", "office EE", "pctdas", or "*".
	Party string `json:"party"`
	// Operation is an operationId of das.yaml (e.g. "notify"), OpUploadFile,
	// OpDownloadFile, or "*" / empty for every operation.
	Operation string `json:"operation,omitempty"`
	Kind      Kind   `json:"kind"`
	// Status of a ServerError; default 500.
	Status int `json:"status,omitempty"`
	// Delay of Slow, NotificationDelayed and NotificationOutOfOrder.
	Delay Duration `json:"delay,omitempty"`
	// RealTime makes Slow wait on the machine's clock instead of the world's.
	RealTime bool `json:"realTime,omitempty"`
	// Copies of a NotificationDuplicated; default 2.
	Copies int `json:"copies,omitempty"`
	// KeepBytes of a TruncatedUpload; default half the body.
	KeepBytes int64 `json:"keepBytes,omitempty"`
	// Remaining is how many more times the rule fires; 0 = until cleared.
	Remaining int `json:"remaining"`
}

// Validate reports every problem of r at once.
func (r Rule) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if r.Party == "" {
		bad("party is required (e.g. %q, %q or %q)", "das", "office EE", Any)
	}
	if !slices.Contains(Kinds(), r.Kind) {
		bad("kind %q is not one of %v", r.Kind, Kinds())
	}
	if r.Kind == ServerError && r.Status != 0 && (r.Status < 500 || r.Status > 599) {
		bad("status %d of a %s must be 5xx", r.Status, ServerError)
	}
	if r.Delay < 0 || r.Copies < 0 || r.KeepBytes < 0 || r.Remaining < 0 {
		bad("delay, copies, keepBytes and remaining must not be negative")
	}
	if (r.Kind == Slow || r.Kind == NotificationDelayed) && r.Delay == 0 {
		bad("%s needs a delay (e.g. \"30s\")", r.Kind)
	}
	return errors.Join(errs...)
}

func (r Rule) matches(party, operation string, kinds []Kind) bool {
	if r.Party != Any && r.Party != party {
		return false
	}
	if r.Operation != "" && r.Operation != Any && r.Operation != operation {
		return false
	}
	return slices.Contains(kinds, r.Kind)
}

func (r Rule) status() int {
	if r.Status == 0 {
		return http.StatusInternalServerError
	}
	return r.Status
}

// Duration is a time.Duration written in JSON as Go's text ("1m30s").
type Duration time.Duration

// MarshalJSON writes d as a string such as "1m30s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "1m30s" (or a number of nanoseconds).
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n int64
		if err2 := json.Unmarshal(b, &n); err2 != nil {
			return fmt.Errorf("delay: want a duration such as \"30s\": %w", err)
		}
		*d = Duration(n)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("delay: %w", err)
	}
	*d = Duration(v)
	return nil
}

func (d Duration) String() string { return time.Duration(d).String() }
