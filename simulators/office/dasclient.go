package office

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/wipo-das/dasim/simulators/dasapi"
	"github.com/wipo-das/dasim/simulators/retry"
)

// retry runs f now and, while it fails with a retryable error, again after
// Config.RetryDelay on the world clock, up to Config.MaxAttempts in all;
// done gets the last error (nil on success). It never blocks: later
// attempts run as tracked timers of the office.
func (o *Office) retry(f func(ctx context.Context) error, done func(error)) {
	retry.Run(o.work, retry.Fixed(o.cfg.MaxAttempts, o.cfg.RetryDelay), retry.Job{
		Attempt: func(ctx context.Context, n int) error {
			err := f(ctx)
			if err != nil && retry.Retryable(officeRetryable{err}) && n < o.cfg.MaxAttempts {
				o.deps.logger.Warn("office: call failed, will retry", "office", o.cfg.Code, "attempt", n, "error", err)
			}
			return officeRetryable{err}.orNil()
		},
		Done: func(err error, _ int) {
			if done != nil {
				done(errors.Unwrap(err))
			}
		},
	})
}

// officeRetryable is the office's rule for repeating a call to DAS: what
// the client calls retryable (no answer, 5xx, 429), and also a 404, since
// DAS may not have recorded yet the ack id the office names (the office's
// notification can overtake DAS's record of its answer to the forward).
type officeRetryable struct{ err error }

func (e officeRetryable) Error() string { return e.err.Error() }
func (e officeRetryable) Unwrap() error { return e.err }
func (e officeRetryable) Retryable() bool {
	var ce *dasapi.CallError
	return errors.As(e.err, &ce) && (ce.Retryable() || ce.Status() == http.StatusNotFound)
}

func (e officeRetryable) orNil() error {
	if e.err == nil {
		return nil
	}
	return e
}

// upload PUTs content to a presigned URL with no Authorization header,
// through the upload faults (wrong checksum, truncated).
func (o *Office) upload(ctx context.Context, rawURL, contentType string, content []byte) error {
	body, n := o.deps.faults.Upload(o.party, "uploadFile", content)
	res, err := o.das.Transfer(ctx, http.MethodPut, rawURL, http.Header{"Content-Type": {contentType}}, body, n)
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
