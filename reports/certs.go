package reports

import (
	"crypto/x509"
	"encoding/base64"
	"fmt"
)

func encodeCert(c *x509.Certificate) string { return base64.StdEncoding.EncodeToString(c.Raw) }

// parseChainCert reads an x5c entry (jwx returns it base64 encoded, RFC 7515 §4.1.6).
func parseChainCert(entry []byte) (*x509.Certificate, error) {
	der, err := base64.StdEncoding.DecodeString(string(entry))
	if err != nil {
		der = entry
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("x5c certificate: %w", err)
	}
	return c, nil
}
