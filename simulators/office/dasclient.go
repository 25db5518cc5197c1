package office

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// call makes one DAS API call with the office's token; out receives a 2xx
// JSON body. Every call goes through the contract transport.
func (o *Office) call(ctx context.Context, method, path string, in, out any) error {
	op := method + " " + path
	if o.cfg.DASBaseURL == "" {
		return &CallError{Operation: op, Err: errors.New("Config.DASBaseURL is not set: this office cannot call DAS")}
	}
	token, err := o.tokens(ctx)
	if err != nil {
		return &CallError{Operation: op, Err: err}
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return &CallError{Operation: op, Err: err}
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, o.cfg.DASBaseURL+path, body)
	if err != nil {
		return &CallError{Operation: op, Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := o.api.Do(req)
	if err != nil {
		return &CallError{Operation: op, Err: err}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 4<<20))
	if err != nil {
		return &CallError{Operation: op, Status: res.StatusCode, Err: err}
	}
	if res.StatusCode/100 != 2 {
		ce := &CallError{Operation: op, Status: res.StatusCode}
		if de, _, ok := protocol.ParseDASError(b); ok {
			de.Status = res.StatusCode
			ce.DAS = de
		} else {
			ce.Err = fmt.Errorf("body %.200q", b)
		}
		return ce
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return &CallError{Operation: op, Status: res.StatusCode, Err: fmt.Errorf("answer: %w", err)}
		}
	}
	return nil
}

// retry runs f now and, while it fails with a retryable CallError, again
// after Config.RetryDelay on the world clock, up to Config.MaxAttempts in all;
// done gets the last error (nil on success). It never blocks: later attempts
// run as clock timers.
func (o *Office) retry(f func(ctx context.Context) error, done func(error)) {
	var attempt func(n int)
	attempt = func(n int) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := f(ctx)
		cancel()
		ce, ok := err.(*CallError)
		if err != nil && ok && ce.retryable() && n < o.cfg.MaxAttempts {
			o.deps.Logger.Warn("office: call failed, will retry", "office", o.cfg.Code, "attempt", n, "error", err)
			o.deps.Clock.AfterFunc(o.cfg.RetryDelay, func() { attempt(n + 1) })
			return
		}
		if done != nil {
			done(err)
		}
	}
	attempt(1)
}

// upload PUTs content to a presigned URL with no Authorization header,
// through the upload faults (wrong checksum, truncated).
func (o *Office) upload(ctx context.Context, rawURL, contentType string, content []byte) error {
	body, n := o.deps.Faults.Upload(o.party, "uploadFile", content)
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, rawURL, body)
	if err != nil {
		return fmt.Errorf("upload URL %q: %w", rawURL, err)
	}
	req.ContentLength = n
	req.Header.Set("Content-Type", contentType)
	res, err := o.raw.Do(req)
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 2048))
		return fmt.Errorf("upload: HTTP %d: %s", res.StatusCode, b)
	}
	return nil
}
