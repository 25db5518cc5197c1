package objectstore

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/logging"
)

// signedRequest is what the server re-derives a signature over: the parts
// of a received request that SigV4 covers. Diagnosis varies one field at a
// time (method, host, path) to tell which one a client changed.
type signedRequest struct {
	method, host, escapedPath string
	query                     url.Values // without X-Amz-Signature
	header                    http.Header
	contentLength             int64 // signed only when listed and > 0, as the SDK does
	payloadHash               string
	accessKey, secret         string
	region, service           string
	signedAt                  time.Time
}

// derivation is the outcome of signing a signedRequest with the SDK.
type derivation struct {
	signature, signedHeaders       string
	canonicalRequest, stringToSign string
}

// newVerifyingSigner returns the aws-sdk-go-v2 SigV4 signer configured as
// the S3 client configures its own: S3 paths are not escaped twice.
// Hoisting is off so a signed x-amz-* header stays a header, as received.
func newVerifyingSigner() *v4.Signer {
	return v4.NewSigner(func(o *v4.SignerOptions) {
		o.DisableURIPathEscaping = true
		o.DisableHeaderHoisting = true
	})
}

// rederive signs req with the SDK's signer exactly as a client would have,
// in query form (presigned) or header form, and returns the signature, the
// signed header list and, from the signer's own signing log, the canonical
// request and string to sign that S3 shows in SignatureDoesNotMatch.
func rederive(ctx context.Context, signer *v4.Signer, req signedRequest, presigned bool) (derivation, error) {
	u, err := url.Parse("http://" + req.host + req.escapedPath)
	if err != nil {
		return derivation{}, fmt.Errorf("rebuilding the request URL: %w", err)
	}
	u.RawQuery = req.query.Encode()
	hr := &http.Request{Method: req.method, URL: u, Host: req.host, Header: req.header.Clone()}
	hr = hr.WithContext(ctx)
	hr.ContentLength = req.contentLength

	var logged string
	captureLog := func(o *v4.SignerOptions) {
		o.LogSigning = true
		o.Logger = logging.LoggerFunc(func(_ logging.Classification, format string, v ...any) {
			logged = fmt.Sprintf(format, v...)
		})
	}
	creds := aws.Credentials{AccessKeyID: req.accessKey, SecretAccessKey: req.secret}
	var d derivation
	if presigned {
		signedURL, _, err := signer.PresignHTTP(ctx, creds, hr, req.payloadHash, req.service, req.region, req.signedAt, captureLog)
		if err != nil {
			return d, err
		}
		su, err := url.Parse(signedURL)
		if err != nil {
			return d, err
		}
		d.signature = su.Query().Get("X-Amz-Signature")
		d.signedHeaders = su.Query().Get("X-Amz-SignedHeaders")
	} else {
		if err := signer.SignHTTP(ctx, creds, hr, req.payloadHash, req.service, req.region, req.signedAt, captureLog); err != nil {
			return d, err
		}
		a, _ := parseAuthorization(hr.Header.Get("Authorization"))
		d.signature, d.signedHeaders = a.signature, strings.Join(a.signedHeaders, ";")
	}
	d.canonicalRequest, d.stringToSign = parseSigningLog(logged)
	return d, nil
}

// parseSigningLog extracts the canonical request and string to sign from
// the v4 signer's LogSigning output.
func parseSigningLog(s string) (canonical, stringToSign string) {
	const canonMark = "---[ CANONICAL STRING  ]-----------------------------\n"
	const stsMark = "\n---[ STRING TO SIGN ]--------------------------------\n"
	_, rest, ok := strings.Cut(s, canonMark)
	if !ok {
		return "", ""
	}
	canonical, rest, _ = strings.Cut(rest, stsMark)
	stringToSign, _, _ = strings.Cut(rest, "\n---")
	return canonical, stringToSign
}

// signedHeaderValues copies from h the headers listed as signed, so the
// re-derivation sees exactly what the client signed and nothing else.
func signedHeaderValues(h http.Header, names []string) http.Header {
	out := http.Header{}
	for _, n := range names {
		if n == "host" || n == "content-length" {
			continue
		}
		if v := h.Values(n); len(v) > 0 {
			out[http.CanonicalHeaderKey(n)] = v
		}
	}
	return out
}

// missingSignedHeader returns the first listed header the request lacks.
func missingSignedHeader(r *http.Request, names []string) string {
	for _, n := range names {
		switch n {
		case "host":
		case "content-length":
			if r.Header.Get("Content-Length") == "" {
				return n
			}
		default:
			if len(r.Header.Values(n)) == 0 {
				return n
			}
		}
	}
	return ""
}
