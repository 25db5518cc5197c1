// Package tlsca makes the throw-away certificate authority that every dasim
// listener serves HTTPS with: one self-signed root (RFC 5280 §4.2.1.9,
// basicConstraints cA=TRUE) and leaf certificates for loopback names with the
// subjectAltName entries TLS clients check (RFC 6125 §6.4, RFC 5280
// §4.2.1.6). Clients trust the world by loading CertPEM (the endpoints file's
// ca_file), or use Client, which already does.
//
// Validity starts at the time handed in (the world's clock), so certificates
// stay valid when a virtual clock is ahead of the machine's.
package tlsca
