package office

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/wipo-das/dasim/simulators/dasapi"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// OSFRun says how RetrieveAll waits for a document.
type OSFRun struct {
	// Notified waits for DAS's notification (the office serving Handler
	// where DAS's office directory points) instead of polling statuses.
	Notified bool
	// PollEvery spaces Figure B's status requests; default 1 s, dasim's
	// pacing rule (at most one a second per retrieval).
	PollEvery time.Duration
	// Patience bounds the wait for one document; default 60 s.
	Patience time.Duration
}

// How RetrieveAll retries a POST retrievals DAS answered 5xx or 429: after
// Retry-After when DAS gives one (RFC 9110 section 10.2.3), else after 1 s
// doubling, osfMaxAttempts in all.
const (
	osfFirstRetry  = time.Second
	osfMaxAttempts = 6
	// osfDownloadAttempts bounds the file location URLs asked for one
	// document: an expired one or a corrupt download is tried again.
	osfDownloadAttempts = 3
)

// RetrieveAll is the office's OSF side of flows c.1, c.2 and c.3 for each
// key in turn: (2a) request the retrieval, retrying a 5xx; wait for DAS's
// notification (2b) or poll its status (Figure B); (2c) get the file
// location URL, a new one when it has expired; (2d) download it, again when
// its sha256 is not fileChecksum; (2e) delete it. It stops at the first
// error. OSFDefects break it on purpose.
func (o *Office) RetrieveAll(ctx context.Context, keys []RetrievalKey, run OSFRun) error {
	if run.PollEvery <= 0 {
		run.PollEvery = time.Second
	}
	if run.Patience <= 0 {
		run.Patience = time.Minute
	}
	d := o.cfg.OSFDefects
	if d.SkipDocument && len(keys) > 0 {
		keys = keys[:len(keys)-1]
	}
	for i, key := range keys {
		ack, err := o.requestRetrieval(ctx, key)
		if err != nil {
			return err
		}
		if !d.URLBeforeReady {
			if err := o.awaitDocument(ctx, ack, run); err != nil {
				return err
			}
		}
		if d.DeleteBeforeDownload {
			if err := o.Delete(ctx, ack); err != nil {
				return err
			}
		}
		if d.SkipDownload && i == len(keys)-1 {
			_, _, err := o.das.DownloadURL(ctx, ack)
			return err
		}
		if err := o.downloadIntact(ctx, ack); err != nil {
			return err
		}
		if err := o.deleteDownloaded(ctx, ack); err != nil {
			return err
		}
	}
	return nil
}

// requestRetrieval is step 2a with the retries of RFC 9110: a 5xx or 429
// is temporary, and Retry-After says when to come back.
func (o *Office) requestRetrieval(ctx context.Context, key RetrievalKey) (string, error) {
	d := o.cfg.OSFDefects
	body := map[string]any{"operationCategory": "retrieval", "documentKindCategory": kindOr(key.Kind),
		"documentNumber": key.Number, "documentDate": key.FilingDate, "dasAccessCode": key.AccessCode,
		"applicationCategory": nil, "applicationNumber": nil, "applicationFilingDate": nil}
	if d.WrongAccessCode {
		body["dasAccessCode"] = map[bool]string{true: "0000", false: "FFFF"}[key.AccessCode != "0000"]
	}
	if d.MissingField {
		delete(body, "documentDate")
	}
	wait := osfFirstRetry
	for attempt := 1; ; attempt++ {
		q, err := o.osfQuery(ctx)
		if err != nil {
			return "", err
		}
		resp, err := o.das.Call(ctx, http.MethodPost, "/retrievals", q, body)
		if err == nil && resp.Status == http.StatusCreated {
			var ack protocol.RetrievalAck
			if err := resp.Decode(&ack); err != nil || ack.RequestAckID == "" {
				return "", fmt.Errorf("office %s: retrieve %s: no requestAckId in %.200s", o.cfg.Code, key.Number, resp.Body)
			}
			o.recordRetrieval(ack.RequestAckID, key)
			return ack.RequestAckID, nil
		}
		temporary := err != nil || resp.Status >= 500 || resp.Status == http.StatusTooManyRequests
		if !temporary || d.NoRetry || attempt == osfMaxAttempts {
			return "", fmt.Errorf("office %s: retrieve %s (attempt %d): %s", o.cfg.Code, key.Number, attempt, answerOf(resp, err))
		}
		pause := wait
		if resp != nil {
			if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 {
				pause = time.Duration(s) * time.Second
			}
		}
		if d.FastRetry {
			pause = 1500 * time.Microsecond
		}
		if err := o.pause(ctx, pause); err != nil {
			return "", err
		}
		wait *= 2
	}
}

// osfQuery is the query of a POST retrievals: none, but the access token
// under OSFDefects.TokenInQuery.
func (o *Office) osfQuery(ctx context.Context) (url.Values, error) {
	if !o.cfg.OSFDefects.TokenInQuery {
		return nil, nil
	}
	tok, err := o.das.Token(ctx)
	return url.Values{"access_token": {tok}}, err
}

// awaitDocument waits until the retrieval's document is ready: DAS's
// notification, or the status DAS reports when polled.
func (o *Office) awaitDocument(ctx context.Context, ack string, run OSFRun) error {
	deadline := o.deps.clock.Now().Add(run.Patience)
	every := run.PollEvery
	if o.cfg.OSFDefects.FastPolling {
		every = 20 * time.Millisecond
	}
	for {
		status := ""
		if run.Notified {
			r, _ := o.Received(ack)
			status = r.Status
			every = 50 * time.Millisecond // its own records, not DAS
		} else {
			st, err := o.Status(ctx, ack)
			if err != nil {
				return err
			}
			status = st.RequestStatusCategory
		}
		switch status {
		case "success":
			return nil
		case "error":
			return fmt.Errorf("office %s: retrieval %s failed at DAS", o.cfg.Code, ack)
		}
		if o.deps.clock.Now().After(deadline) {
			return fmt.Errorf("office %s: retrieval %s not ready after %v", o.cfg.Code, ack, run.Patience)
		}
		if err := o.pause(ctx, every); err != nil {
			return err
		}
	}
}

// downloadIntact is steps 2c and 2d: a file location URL, its bytes, their
// sha256 against fileChecksum; an expired URL or a corrupt copy is tried
// again with a new URL ("Downloads can be repeated while the requested
// document is not deleted from WIPO DAS").
func (o *Office) downloadIntact(ctx context.Context, ack string) error {
	d := o.cfg.OSFDefects
	var last error
	for range osfDownloadAttempts {
		dl, _, err := o.das.DownloadURL(ctx, ack)
		if err != nil {
			return fmt.Errorf("office %s: download %s: %w", o.cfg.Code, ack, err)
		}
		exp, perr := time.Parse(time.RFC3339, dl.FileDownloadURLExpiryDate)
		if perr == nil && !exp.After(o.deps.clock.Now()) && !d.NoURLRenewal {
			last = fmt.Errorf("fileDownloadUrl expired at %s when it was handed out", dl.FileDownloadURLExpiryDate)
			continue
		}
		body, status, err := o.fetchDocument(ctx, dl.FileDownloadURL, dl.FileSizeQuantity)
		if status == http.StatusForbidden && !d.NoURLRenewal {
			last = err
			continue
		}
		if err != nil {
			return fmt.Errorf("office %s: download %s: %w", o.cfg.Code, ack, err)
		}
		sum := sha256.Sum256(body)
		got := hex.EncodeToString(sum[:])
		if dl.FileChecksum != "" && got != dl.FileChecksum && !d.NoChecksumCheck && !d.PartialDownload {
			last = fmt.Errorf("sha256 %s of the %d bytes is not fileChecksum %s", got, len(body), dl.FileChecksum)
			continue
		}
		o.mu.Lock()
		if rt, ok := o.retrievals[ack]; ok {
			rt.Body, rt.SHA256 = body, got
			rt.Downloads++
		}
		o.mu.Unlock()
		return nil
	}
	return fmt.Errorf("office %s: download %s: no intact download after %d file location URLs: %w", o.cfg.Code, ack, osfDownloadAttempts, last)
}

// fetchDocument GETs a presigned URL as it is (no Authorization header,
// but under OSFDefects.BearerToStore; only the first half of size bytes
// under PartialDownload); status is the store's answer.
func (o *Office) fetchDocument(ctx context.Context, rawURL string, size *int64) ([]byte, int, error) {
	header := http.Header{}
	if o.cfg.OSFDefects.BearerToStore {
		tok, err := o.das.Token(ctx)
		if err != nil {
			return nil, 0, err
		}
		header.Set("Authorization", "Bearer "+tok)
	}
	want := http.StatusOK
	if o.cfg.OSFDefects.PartialDownload && size != nil && *size > 1 {
		header.Set("Range", fmt.Sprintf("bytes=0-%d", *size/2-1))
		want = http.StatusPartialContent
	}
	return o.get(ctx, rawURL, header, want)
}

// deleteDownloaded is step 2e, once the document is downloaded intact.
func (o *Office) deleteDownloaded(ctx context.Context, ack string) error {
	d := o.cfg.OSFDefects
	switch {
	case d.DeleteBeforeDownload:
		return nil // done already, wrongly
	case d.DeleteWrongID:
		if _, err := o.das.DeleteFile(ctx, "no-such-file-"+ack, ""); err != nil {
			return fmt.Errorf("office %s: delete %s: %w", o.cfg.Code, ack, err)
		}
		return nil
	}
	return o.Delete(ctx, ack)
}

// pause waits d on the office's clock, or until ctx ends.
func (o *Office) pause(ctx context.Context, d time.Duration) error {
	done := make(chan struct{})
	t := o.deps.clock.AfterFunc(d, func() { close(done) })
	defer t.Stop()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// answerOf says what a call got: no answer, or DAS's status and body.
func answerOf(resp *dasapi.Response, err error) string {
	if err != nil || resp == nil {
		return fmt.Sprint(err)
	}
	return fmt.Sprintf("HTTP %d: %.300s", resp.Status, resp.Body)
}
