package objectstore

import (
	"crypto/hmac"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// presignedQuery is the SigV4 part of a presigned URL's query.
type presignedQuery struct {
	credential    string
	signedAt      time.Time
	expires       time.Duration
	signedHeaders []string
	signature     string
}

// parsePresignedQuery applies S3's AuthorizationQueryParametersError rules
// (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html).
func parsePresignedQuery(r *http.Request) (presignedQuery, *S3Error) {
	q := r.URL.Query()
	bad := ErrAuthorizationQueryParameters
	if alg := q.Get("X-Amz-Algorithm"); alg != sigV4Algorithm {
		return presignedQuery{}, bad.Describef("X-Amz-Algorithm only supports %q, got %q", sigV4Algorithm, alg)
	}
	for _, p := range []string{"X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires"} {
		if q.Get(p) == "" {
			return presignedQuery{}, bad.Describef("Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "+
				"X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters; %s is missing", p)
		}
	}
	signedAt, err := time.Parse(amzDateFormat, q.Get("X-Amz-Date"))
	if err != nil {
		return presignedQuery{}, bad.Describef("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\", got %q", q.Get("X-Amz-Date"))
	}
	secs, err := strconv.ParseInt(q.Get("X-Amz-Expires"), 10, 64)
	switch {
	case err != nil:
		return presignedQuery{}, bad.Describef("X-Amz-Expires should be a number, got %q", q.Get("X-Amz-Expires"))
	case secs < 1:
		return presignedQuery{}, bad.Describef("X-Amz-Expires must be at least 1 second, got %d", secs)
	case time.Duration(secs)*time.Second > MaxPresignExpiry:
		return presignedQuery{}, bad.Describef("X-Amz-Expires must be less than a week (in seconds) that is 604800, got %d", secs)
	}
	return presignedQuery{
		credential: q.Get("X-Amz-Credential"), signedAt: signedAt, expires: time.Duration(secs) * time.Second,
		signedHeaders: strings.Split(q.Get("X-Amz-SignedHeaders"), ";"), signature: q.Get("X-Amz-Signature"),
	}, nil
}

// verifyPresigned checks a presigned URL as S3 does: parameters, credential
// scope, known key, validity window on the world's clock, the headers it was
// signed with, then the signature re-derived with aws-sdk-go-v2's
// PresignHTTP over the received method, host, path, query and headers.
func (s *Server) verifyPresigned(r *http.Request) (authResult, *S3Error) {
	p, err := parsePresignedQuery(r)
	if err != nil {
		return authResult{}, err
	}
	scope, problem := s.parseScope(p.credential, p.signedAt)
	if problem != "" {
		return authResult{}, ErrAuthorizationQueryParameters.Describef("Error parsing the X-Amz-Credential parameter; %s", problem)
	}
	secret, err := s.secretFor(scope.accessKey)
	if err != nil {
		return authResult{}, err
	}
	now := s.cfg.Clock.Now().UTC()
	if p.signedAt.After(now.Add(MaxClockSkew)) {
		return authResult{}, ErrAccessDenied.Describef("Request is not valid yet").
			With("X-Amz-Date", p.signedAt.Format(amzDateFormat)).
			With("ServerTime", now.Format(time.RFC3339))
	}
	if expiry := p.signedAt.Add(p.expires); now.After(expiry) {
		return authResult{}, ErrAccessDenied.Describef("Request has expired").
			With("X-Amz-Expires", strconv.FormatInt(int64(p.expires/time.Second), 10)).
			With("Expires", expiry.Format(time.RFC3339)).
			With("ServerTime", now.Format(time.RFC3339))
	}
	if missing := missingSignedHeader(r, p.signedHeaders); missing != "" {
		return authResult{}, ErrSignatureDoesNotMatch.Describef("The presigned URL was signed with the %s header (X-Amz-SignedHeaders=%s) "+
			"but the request has no %s header; send every signed header with the value it was signed with",
			missing, strings.Join(p.signedHeaders, ";"), missing)
	}
	if unsigned := unsignedAmzHeaders(r, p.signedHeaders); len(unsigned) > 0 {
		return authResult{}, ErrAccessDenied.Describef("There were headers present in the request which were not signed").
			With("HeadersNotSigned", strings.Join(unsigned, ", "))
	}
	req := s.receivedRequest(r, p.signedHeaders, unsignedBody, scope, secret, p.signedAt)
	d, derr := rederive(r.Context(), s.signer, req, true)
	if derr != nil {
		return authResult{}, ErrSignatureDoesNotMatch.Describef("the signature cannot be re-derived: %v", derr)
	}
	if d.signedHeaders != strings.Join(p.signedHeaders, ";") {
		return authResult{}, ErrSignatureDoesNotMatch.Describef("X-Amz-SignedHeaders %q cannot be reproduced; a SigV4 signer signs %q for this request",
			strings.Join(p.signedHeaders, ";"), d.signedHeaders)
	}
	if !hmac.Equal([]byte(d.signature), []byte(p.signature)) {
		why := s.diagnose(r, req, p.signature)
		return authResult{}, signatureMismatch(ErrSignatureDoesNotMatch.Message+" "+why, scope.accessKey, p.signature, d)
	}
	return authResult{presigned: true, signature: p.signature, payloadHash: unsignedBody}, nil
}

// diagnose tells, when it can, which signed part of a presigned request
// differs from what was signed: it re-derives the signature with the
// method, host or bucket the client most plausibly swapped, and consults
// the ledger of signatures this server has already accepted.
func (s *Server) diagnose(r *http.Request, req signedRequest, provided string) string {
	matches := func(alt signedRequest) bool {
		d, err := rederive(r.Context(), s.signer, alt, true)
		return err == nil && hmac.Equal([]byte(d.signature), []byte(provided))
	}
	if used, ok := s.ledger.lookup(provided); ok {
		return fmt.Sprintf("This URL was signed for %s %s (host %s), but the request is %s %s (host %s).",
			used.method, used.path, used.host, req.method, req.escapedPath, req.host)
	}
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodHead, http.MethodDelete, http.MethodPost} {
		alt := req
		if alt.method = m; m != req.method && matches(alt) {
			return fmt.Sprintf("The URL was signed for %s, but the request method is %s.", m, req.method)
		}
	}
	for _, h := range loopbackAliases(req.host) {
		alt := req
		if alt.host = h; matches(alt) {
			return fmt.Sprintf("The URL was signed for host %s, but the request was sent to host %s; the Host header is signed.", h, req.host)
		}
	}
	bucket, key := splitPath(req.escapedPath)
	for _, b := range []string{s.cfg.LibraryBucket, s.cfg.TransitBucket} {
		alt := req
		if alt.escapedPath = "/" + b + "/" + key; b != bucket && matches(alt) {
			return fmt.Sprintf("The URL was signed for bucket %s, but the request addresses bucket %s.", b, bucket)
		}
	}
	return "The request's method, host and signed headers are consistent with the URL, so the path (object key), " +
		"the query string or a signed header value was changed after signing, or the URL was signed with another secret key: " +
		"compare the CanonicalRequest below with the one the client signed."
}

// loopbackAliases returns the other names of a loopback host:port, the
// usual host swap on a test machine (localhost vs 127.0.0.1 vs [::1]).
func loopbackAliases(hostport string) []string {
	i := strings.LastIndex(hostport, ":")
	if i < 0 || strings.HasSuffix(hostport, "]") {
		return nil
	}
	host, port := hostport[:i], hostport[i:]
	var out []string
	for _, h := range []string{"localhost", "127.0.0.1", "[::1]"} {
		if h != host {
			out = append(out, h+port)
		}
	}
	return out
}

// unsignedAmzHeaders lists, sorted, the x-amz-* headers of r that the
// presigned URL does not sign. S3 refuses such a request with AccessDenied
// ("There were headers present in the request which were not signed",
// element HeadersNotSigned): an x-amz-* header changes what S3 does with the
// object (ACL, storage class, metadata, tagging, copy source), and the holder
// of a URL may do only what its signer allowed. x-amzn-* (the load
// balancers' trace id) is not an x-amz- header.
func unsignedAmzHeaders(r *http.Request, signed []string) []string {
	var out []string
	for name := range r.Header {
		lower := strings.ToLower(name)
		if strings.HasPrefix(lower, "x-amz-") && !slices.Contains(signed, lower) {
			out = append(out, lower)
		}
	}
	slices.Sort(out)
	return out
}
