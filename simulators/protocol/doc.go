// Package protocol holds the wire words shared by every simulated party:
// the OAuth 2.0 error response (RFC 6749 §5.2) written by authorization
// servers, and the WIPO DAS error body written by the DAS API and by offices.
// It is a leaf package: it imports nothing of dasim, so any party, the
// harness and the reports can speak these words without depending on a party.
package protocol
