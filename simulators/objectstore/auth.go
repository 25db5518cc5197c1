package objectstore

import (
	"crypto/hmac"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/wipo-das/dasim/simulators/s3client"
)

const (
	sigV4Algorithm = "AWS4-HMAC-SHA256"
	amzDateFormat  = s3client.AmzDateFormat
	unsignedBody   = "UNSIGNED-PAYLOAD"
)

// authResult is what the front learns from a request that passed
// authentication.
type authResult struct {
	presigned   bool
	signature   string
	payloadHash string // the x-amz-content-sha256 the client signed, or UNSIGNED-PAYLOAD
}

// authenticate accepts a request only if it carries a valid SigV4 signature,
// in the query (presigned URL) or in the Authorization header; S3 buckets of
// the DAS are private, so anonymous requests are denied.
func (s *Server) authenticate(r *http.Request) (authResult, *S3Error) {
	q := r.URL.Query()
	inQuery := q.Has("X-Amz-Algorithm") || q.Has("X-Amz-Credential") || q.Has("X-Amz-Signature")
	header := r.Header.Get("Authorization")
	switch {
	case q.Has("X-Amz-Security-Token") || r.Header.Get("X-Amz-Security-Token") != "":
		// This store issues long-term keys only; no session token can be valid.
		return authResult{}, ErrInvalidToken
	case inQuery && header != "":
		return authResult{}, ErrInvalidArgument.Describef("Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, " +
			"Signature query string parameter or the Authorization header should be specified")
	case inQuery:
		return s.verifyPresigned(r)
	case header != "":
		return s.verifyHeaderSigned(r, header)
	}
	return authResult{}, ErrAccessDenied.Describef("Access Denied: the request is anonymous (no presigned query, no Authorization header) " +
		"and the DAS buckets are private")
}

// credentialScope is the parsed <key>/<yyyymmdd>/<region>/<service>/aws4_request.
type credentialScope struct{ accessKey, date, region, service string }

// parseScope checks a credential against this server's region and S3; the
// returned problem reads like the tail of S3's own message.
func (s *Server) parseScope(credential string, signedAt time.Time) (credentialScope, string) {
	parts := strings.Split(credential, "/")
	if len(parts) != 5 || parts[0] == "" {
		return credentialScope{}, fmt.Sprintf("the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\", got %q", credential)
	}
	sc := credentialScope{accessKey: parts[0], date: parts[1], region: parts[2], service: parts[3]}
	switch {
	case sc.region != s.cfg.Region:
		return sc, fmt.Sprintf("the region '%s' is wrong; expecting '%s'", sc.region, s.cfg.Region)
	case sc.service != "s3":
		return sc, fmt.Sprintf("incorrect service '%s'. This endpoint belongs to 's3'.", sc.service)
	case parts[4] != "aws4_request":
		return sc, fmt.Sprintf("incorrect terminal '%s'. This endpoint uses 'aws4_request'.", parts[4])
	case sc.date != signedAt.Format("20060102"):
		return sc, fmt.Sprintf("Invalid credential date '%s'. Date is not the same as X-Amz-Date (%s).", sc.date, signedAt.Format(amzDateFormat))
	}
	return sc, ""
}

// secretFor returns the secret of a known access key, or InvalidAccessKeyId.
func (s *Server) secretFor(accessKey string) (string, *S3Error) {
	secret, ok := s.cfg.Credentials[accessKey]
	if !ok {
		return "", ErrInvalidAccessKeyID.With("AWSAccessKeyId", accessKey)
	}
	return secret, nil
}

// authorization is a parsed SigV4 Authorization header.
type authorization struct {
	credential    string
	signedHeaders []string
	signature     string
}

// parseAuthorization parses
// "AWS4-HMAC-SHA256 Credential=.., SignedHeaders=a;b, Signature=..", and
// says what is wrong in S3's own error.
func parseAuthorization(h string) (authorization, *S3Error) {
	alg, rest, _ := strings.Cut(h, " ")
	if alg != sigV4Algorithm {
		return authorization{}, ErrInvalidArgument.Describef("Unsupported Authorization Type %q: only %s (SigV4) is accepted", alg, sigV4Algorithm)
	}
	var a authorization
	for _, kv := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
		switch k {
		case "Credential":
			a.credential = v
		case "SignedHeaders":
			a.signedHeaders = strings.Split(v, ";")
		case "Signature":
			a.signature = v
		}
	}
	if a.credential == "" || len(a.signedHeaders) == 0 || a.signature == "" {
		return a, ErrAuthorizationHeaderMalformed.Describef("the authorization header is malformed; it needs Credential, SignedHeaders and Signature")
	}
	return a, nil
}

// verifyHeaderSigned checks a request signed in its Authorization header,
// as the DAS's own aws-sdk-go-v2 client sends them: scope, key, x-amz-date
// within 15 minutes of the world's clock, and the signature re-derived
// with the SDK over the signed headers and the declared payload hash.
func (s *Server) verifyHeaderSigned(r *http.Request, header string) (authResult, *S3Error) {
	a, s3err := parseAuthorization(header)
	if s3err != nil {
		return authResult{}, s3err
	}
	signedAt, err := time.Parse(amzDateFormat, r.Header.Get("X-Amz-Date"))
	if err != nil {
		return authResult{}, ErrAccessDenied.Describef("AWS authentication requires a valid x-amz-date header (ISO 8601 basic format yyyyMMddTHHmmssZ), got %q",
			r.Header.Get("X-Amz-Date"))
	}
	scope, problem := s.parseScope(a.credential, signedAt)
	if problem != "" {
		return authResult{}, ErrAuthorizationHeaderMalformed.Describef("The authorization header is malformed; %s", problem)
	}
	secret, serr := s.secretFor(scope.accessKey)
	if serr != nil {
		return authResult{}, serr
	}
	now := s.cfg.Clock.Now().UTC()
	if skew := now.Sub(signedAt); skew > MaxClockSkew || skew < -MaxClockSkew {
		return authResult{}, ErrRequestTimeTooSkewed.
			With("RequestTime", signedAt.Format(amzDateFormat)).
			With("ServerTime", now.Format(time.RFC3339)).
			With("MaxAllowedSkewMilliseconds", "900000")
	}
	payloadHash := r.Header.Get("X-Amz-Content-Sha256")
	if payloadHash == "" {
		return authResult{}, ErrInvalidArgument.Describef("Missing required header for this request: x-amz-content-sha256")
	}
	if missing := missingSignedHeader(r, a.signedHeaders); missing != "" {
		return authResult{}, ErrSignatureDoesNotMatch.Describef("SignedHeaders lists %s but the request has no %s header", missing, missing)
	}
	req := s.receivedRequest(r, a.signedHeaders, payloadHash, scope, secret, signedAt)
	d, derr := rederive(r.Context(), s.signer, req, false)
	if derr != nil {
		return authResult{}, ErrSignatureDoesNotMatch.Describef("the signature cannot be re-derived: %v", derr)
	}
	if d.signedHeaders != strings.Join(a.signedHeaders, ";") {
		return authResult{}, ErrSignatureDoesNotMatch.Describef("SignedHeaders %q cannot be reproduced; a SigV4 signer signs %q for this request",
			strings.Join(a.signedHeaders, ";"), d.signedHeaders)
	}
	if !hmac.Equal([]byte(d.signature), []byte(a.signature)) {
		return authResult{}, signatureMismatch(ErrSignatureDoesNotMatch.Message, scope.accessKey, a.signature, d)
	}
	return authResult{signature: a.signature, payloadHash: payloadHash}, nil
}

// receivedRequest collects the signed parts of r for rederive.
func (s *Server) receivedRequest(r *http.Request, signedHeaders []string, payloadHash string,
	scope credentialScope, secret string, signedAt time.Time) signedRequest {
	q := r.URL.Query()
	q.Del("X-Amz-Signature")
	req := signedRequest{
		method: r.Method, host: r.Host, escapedPath: r.URL.EscapedPath(), query: q,
		header: signedHeaderValues(r.Header, signedHeaders), payloadHash: payloadHash,
		accessKey: scope.accessKey, secret: secret, region: scope.region, service: scope.service,
		signedAt: signedAt,
	}
	for _, h := range signedHeaders {
		if h == "content-length" {
			req.contentLength = r.ContentLength
		}
	}
	return req
}

// signatureMismatch is SignatureDoesNotMatch with the evidence S3 includes.
func signatureMismatch(message, accessKey, provided string, d derivation) *S3Error {
	return ErrSignatureDoesNotMatch.Describef("%s", message).
		With("AWSAccessKeyId", accessKey).
		With("StringToSign", d.stringToSign).
		With("SignatureProvided", provided).
		With("CanonicalRequest", d.canonicalRequest)
}
