package objectstore

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
)

const streamingSignedPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"

// checkUpload applies S3's PUT Object rules that can be judged before the
// body is read, and wraps the body so the rest are judged while it streams:
// nothing is buffered here (gofakes3's s3mem keeps the object itself).
func (s *Server) checkUpload(r *http.Request, payloadHash string) (*checkedBody, *S3Error) {
	if r.ContentLength < 0 || r.Header.Get("Content-Length") == "" {
		// Go reports a chunked (Transfer-Encoding) body as length -1; S3
		// wants the length up front, like gofakes3's s3mem which
		// preallocates it.
		return nil, ErrMissingContentLength
	}
	size := r.ContentLength
	if strings.HasPrefix(payloadHash, "STREAMING-") {
		if payloadHash != streamingSignedPayload {
			return nil, ErrNotImplemented.Describef("x-amz-content-sha256 %s (aws-chunked with trailing checksum) is not supported by this simulator: "+
				"configure the client with RequestChecksumCalculation when_required, or send a plain body", payloadHash)
		}
		decoded, err := strconv.ParseInt(r.Header.Get("X-Amz-Decoded-Content-Length"), 10, 64)
		if err != nil || decoded < 0 {
			return nil, ErrMissingContentLength.Describef("aws-chunked upload without a valid x-amz-decoded-content-length header")
		}
		size = decoded
	}
	if size > s.cfg.MaxObjectSize {
		return nil, ErrEntityTooLarge.
			With("ProposedSize", strconv.FormatInt(size, 10)).
			With("MaxSizeAllowed", strconv.FormatInt(s.cfg.MaxObjectSize, 10))
	}
	body := &checkedBody{ReadCloser: r.Body, declared: r.ContentLength, remaining: r.ContentLength}
	if isHexSHA256(payloadHash) { // header-signed with a real payload hash: S3 verifies it
		body.hash, body.wantSum = sha256.New(), payloadHash
	}
	return body, nil
}

func isHexSHA256(s string) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == sha256.Size
}

// checkedBody counts and optionally hashes an upload as gofakes3 reads it.
// When the body ends short of Content-Length, or its SHA-256 differs from
// the signed one, it records the S3 error and fails the read, so gofakes3
// stores nothing; answerWriter then answers with the recorded error.
type checkedBody struct {
	io.ReadCloser
	declared, remaining int64
	hash                hash.Hash
	wantSum             string
	failure             *S3Error
}

func (b *checkedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.remaining -= int64(n)
	if b.hash != nil {
		b.hash.Write(p[:n])
	}
	switch {
	case err == nil:
		return n, nil
	case err == io.EOF && b.remaining > 0, errors.Is(err, io.ErrUnexpectedEOF):
		b.failure = ErrIncompleteBody.Describef("%s: received %d of the %d bytes declared by Content-Length",
			ErrIncompleteBody.Message, b.declared-b.remaining, b.declared)
		return n, io.ErrUnexpectedEOF
	case err == io.EOF && b.hash != nil:
		if got := hex.EncodeToString(b.hash.Sum(nil)); got != b.wantSum {
			b.failure = ErrContentSHA256Mismatch.
				With("ClientComputedContentSHA256", b.wantSum).
				With("S3ComputedContentSHA256", got)
			return n, errors.New(b.failure.Error())
		}
	case err != io.EOF: // connection reset and the like: the body is short
		b.failure = ErrIncompleteBody.Describef("%s: reading the body failed after %d bytes: %v",
			ErrIncompleteBody.Message, b.declared-b.remaining, err)
	}
	return n, err
}
