// Package objectstore simulates the DAS's object storage: Amazon S3 holding
// the *library* bucket (documents kept permanently) and the *transit* bucket
// (documents kept only while an exchange runs, das-domain.md §1), reached by
// offices through presigned URLs and by the DAS through the S3 API.
//
// Server is gofakes3 (s3mem backend, in memory) behind a front that does
// what gofakes3 does not do at all: authenticate. Every request must carry
// a SigV4 signature, which the front re-derives with aws-sdk-go-v2's own
// signer (v4.Signer.PresignHTTP for presigned URLs, v4.Signer.SignHTTP for
// the Authorization header) over the method, Host, path, query and signed
// headers it received. Time is the world's virtual clock: gofakes3, s3mem,
// the expiry and skew checks all read it.
//
// The DAS reaches it only through the S3 API (simulators/s3client), which
// works the same against Server or any S3-compatible endpoint, so the
// embedded store can be swapped for a real one by configuration
// (ARCHITECTURE.md §3); Server.StorageConfig says how to reach it.
//
// S3 behaviours reproduced, with S3's codes and statuses
// (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html,
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html,
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html):
//
//   - anonymous request: 403 AccessDenied (the DAS buckets are private);
//   - presigned URL parameters: 400 AuthorizationQueryParametersError for an
//     algorithm other than AWS4-HMAC-SHA256, a missing parameter, a malformed
//     X-Amz-Date, X-Amz-Expires outside 1..604800, a credential scope with the
//     wrong region, service, terminator or date;
//   - unknown access key: 403 InvalidAccessKeyId;
//   - expired URL (now > X-Amz-Date + X-Amz-Expires): 403 AccessDenied
//     "Request has expired" with <X-Amz-Expires>, <Expires>, <ServerTime>;
//     a URL dated more than 15 minutes ahead: 403 AccessDenied "Request is
//     not valid yet";
//   - signature mismatch: 403 SignatureDoesNotMatch with <AWSAccessKeyId>,
//     <StringToSign>, <SignatureProvided>, <CanonicalRequest> as S3 sends
//     them, and a Message that names what differs when the front can tell:
//     a method swap (the URL was signed for PUT), a host swap (localhost vs
//     127.0.0.1), a bucket swap, a path swap of a signature already used on
//     another key, a signed header absent from the request;
//   - header-signed request with x-amz-date more than 15 minutes from the
//     world's clock: 403 RequestTimeTooSkewed with <RequestTime>,
//     <ServerTime>, <MaxAllowedSkewMilliseconds>; body differing from its
//     signed x-amz-content-sha256: 400 XAmzContentSHA256Mismatch;
//   - both query and header authentication: 400 InvalidArgument;
//   - PUT without Content-Length (chunked): 411 MissingContentLength; larger
//     than Config.MaxObjectSize: 400 EntityTooLarge with <ProposedSize> and
//     <MaxSizeAllowed>; body shorter than Content-Length: 400 IncompleteBody;
//     in every refused upload nothing is stored;
//   - gofakes3's own errors (NoSuchKey, NoSuchBucket, ...) are re-sent with
//     S3's Message, <Key>/<BucketName>, <Resource> and <RequestId>.
//
// Not reproduced: chunk signatures of STREAMING-AWS4-HMAC-SHA256-PAYLOAD
// uploads are not verified (the seed signature is); aws-chunked uploads with
// trailing checksums are refused with 501 NotImplemented, since gofakes3
// would store the chunk framing as data; session tokens, SigV2, SigV4A,
// POST policy uploads, ACLs and bucket policies are not supported.
//
// Memory: upload and download bodies stream through the front; s3mem keeps
// each object as one []byte of exactly its size, so the store's RAM is the
// sum of its objects (a server-side copy is a second full copy).
package objectstore
