// Package clientauth is the client side of WIPO's private_key_jwt pages,
// as an office (or DAS calling an office in setup B) runs it: the key files
// of the keygen script (GenerateKeyFiles), the client assertion of the
// authentication script (SignAssertion, RFC 7523 §2.2/§3), the
// client_credentials token request after discovery (TokenClient, RFC 6749
// §4.4, OpenID Connect Discovery 1.0 §4) and a cache that renews a token
// shortly before it expires (TokenCache).
//
// It is a leaf package: the simulated offices, DAS, the harness and the
// command line share it without depending on the authorization server
// (simulators/authz), which checks what this package produces.
package clientauth
