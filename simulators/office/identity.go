package office

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"time"
)

// certificateFor is what the seeds' keygen script makes for an office:
// "openssl ecparam -genkey -name prime256v1" and a self-signed x509
// certificate with CN "${CLIENT_NAME} private_key_jwt authentication", the
// file an office sends WIPO to be registered as a private_key_jwt client.
func certificateFor(code string, key *ecdsa.PrivateKey, rand io.Reader, now time.Time) ([]byte, error) {
	serial := make([]byte, 16)
	if _, err := io.ReadFull(rand, serial); err != nil {
		return nil, err
	}
	serial[0] &= 0x7f
	name := pkix.Name{CommonName: code + " private_key_jwt authentication"}
	// openssl req -x509 without -days: 30 days.
	tmpl := &x509.Certificate{SerialNumber: new(big.Int).SetBytes(serial), Subject: name, Issuer: name,
		NotBefore: now, NotAfter: now.Add(30 * 24 * time.Hour), BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

func newKey(rand io.Reader) (*ecdsa.PrivateKey, error) {
	return ecdsa.GenerateKey(elliptic.P256(), rand)
}
