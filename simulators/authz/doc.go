// Package authz simulates WIPO's authorization server for DAS, a ForgeRock
// AM judging by its URLs and token claims. The client side of WIPO's
// private_key_jwt pages (key files, client assertion, token request) is the
// leaf package simulators/clientauth.
//
// Implemented:
//   - RFC 6749 §4.4 client credentials grant, §5.1/§5.2 responses;
//   - RFC 7521 §4.2 and RFC 7523 §2.2/§3 private_key_jwt client
//     authentication, ES256 or PS256 (RFC 7518 §3.4/§3.5), keys taken from
//     the client's registered x509 certificate;
//   - OpenID Connect Discovery 1.0 §3/§4 at <issuer>/.well-known/openid-configuration,
//     RFC 7517 JWKS at <issuer>/connect/jwk_uri;
//   - access tokens as AM stateless RS256 JWTs with the claims of WIPO's
//     sample (RFC 7519);
//   - FAPI 1.0 Advanced §8.6 algorithms, FAPI 2.0 Security Profile §5.3.2.1
//     audience and time rules (profile "fapi"), RFC 8725 hardening.
//
// Every rejection names a check of dasim's catalog (Checks, ids N1-N64) in
// check_id, error_uri and the start of error_description, with the expected
// and actual values. All time comes from the configured clock.
//
// Deviation: FAPI 1.0 Advanced wants sender-constrained (mTLS) tokens; WIPO
// uses none, so neither does this server.
package authz
