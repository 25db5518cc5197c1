// Package bearer verifies the access tokens WIPO's authorization server
// issues, for every simulated API and for an office's own server in setup
// (A) (the office validates WIPO tokens through WIPO's JWKS).
//
// Implemented:
//   - RFC 6750 §2.1 (the Authorization header only; the query and form
//     methods of §2.2/§2.3 are refused, as FAPI 1.0 Baseline §6.2.1 item 1
//     requires), §3 and §3.1 (WWW-Authenticate challenges and error codes);
//   - RFC 7515/7519 verification with the issuer's JWKS (RFC 7517), the alg
//     pinned to RS256 (RFC 8725 §3.1), exp/nbf against the world's clock;
//   - issuer, audience (AM stateless tokens carry aud = client id), scope and
//     the whitelist the seeds require: "DAS API must also verify the
//     access_token and must additionally check if the client id (=sub claim)
//     is authorized. DAS API must maintain the whitelisted clients".
//
// Failures carry an id (R1-R14, each quoted in the refusal's description) and are handed to the
// party's own error writer (Middleware's RefusalFunc, or the *Error of
// Authenticate), which answers with Error.WIPOAnswer: the WIPO DAS error
// body in the party's shape plus the RFC 6750 challenge.
package bearer
