package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/wipo-das/dasim/harness"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/office"
	"github.com/wipo-das/dasim/simulators/tlsca"
)

// TriggerPath is where dasim office takes the actions dasim certify
// --trigger-url posts (harness.ActionBody): the toolkit's own office acts on
// them as an office engineer's system would on an operator's request.
const TriggerPath = "/dasim/trigger"

// triggerHandler acts on a posted action: it answers 202 at once and makes
// the office's calls to DAS in the background (the harness watches DAS for
// them), as a real office queues the operator's request. Actions run one at
// a time, in order: each changes the registration the next one starts from.
func triggerHandler(ctx context.Context, o *office.Office, defects processDefects, logf func(string, ...any)) http.Handler {
	var queue sync.Mutex
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST an action (docs/certify-off.md)", http.StatusMethodNotAllowed)
			return
		}
		var a harness.ActionBody
		if err := json.NewDecoder(io.LimitReader(r.Body, 64<<20)).Decode(&a); err != nil {
			http.Error(w, "body is not an action: "+err.Error(), http.StatusBadRequest)
			return
		}
		act, err := officeAction(o, a)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusAccepted)
		if defects.IgnoreTriggers || (defects.IgnoreWithdraw && harness.ActionKind(a.Action) == harness.Withdraw) {
			return
		}
		queue.Lock() // taken in order of arrival, released by the action
		go func() {
			defer queue.Unlock()
			c, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			if err := act(c); err != nil {
				logf("trigger %s %s: %v", a.Action, a.Document.Number, err)
			}
		}()
	})
}

// officeAction is the office's call for action a.
func officeAction(o *office.Office, a harness.ActionBody) (func(context.Context) error, error) {
	kind, number := a.Document.Kind, a.Document.Number
	switch harness.ActionKind(a.Action) {
	case harness.CorrectFilingDate:
		return func(ctx context.Context) error {
			return o.Correct(ctx, kind, number, office.Correction{FilingDate: a.New.FilingDate})
		}, nil
	case harness.CorrectParentApplication:
		return func(ctx context.Context) error {
			return o.Correct(ctx, kind, number, office.Correction{ApplicationNumber: a.New.ApplicationNumber,
				ApplicationFilingDate: a.New.ApplicationFilingDate})
		}, nil
	case harness.ReplaceContent:
		if len(a.New.Content) == 0 {
			return nil, fmt.Errorf("replace-content needs new.contentBase64")
		}
		return func(ctx context.Context) error {
			return o.Correct(ctx, kind, number, office.Correction{Content: a.New.Content})
		}, nil
	case harness.Withdraw:
		return func(ctx context.Context) error { return o.Withdraw(ctx, kind, number) }, nil
	}
	return nil, fmt.Errorf("unknown action %q", a.Action)
}

// untrustedCertificate is a certificate for loopback from a CA of the
// office's own, which the world does not trust (defect untrusted-tls).
func untrustedCertificate(clk clock.Clock) (tls.Certificate, error) {
	ca, err := tlsca.New(rand.Reader, clk.Now(), "an office's own CA")
	if err != nil {
		return tls.Certificate{}, err
	}
	return ca.Issue("127.0.0.1", "localhost", "::1")
}
