package tlsca

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// KeyPEM is the root's private key, PEM "PRIVATE KEY" (PKCS #8): with
// CertPEM, what Load needs to bring the same CA back, so that clients that
// trust it once keep trusting every certificate it issues later.
func (ca *CA) KeyPEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(ca.key)
	if err != nil {
		return nil, fmt.Errorf("tlsca: root key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// Load brings back a CA from its root certificate and key (CertPEM and
// KeyPEM of an earlier CA); now and rand serve the certificates it issues.
func Load(rand io.Reader, now time.Time, certPEM, keyPEM []byte) (*CA, error) {
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || cb.Type != "CERTIFICATE" || kb == nil {
		return nil, errors.New("tlsca: want a PEM CERTIFICATE and a PEM private key")
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("tlsca: root certificate: %w", err)
	}
	if !cert.IsCA {
		return nil, errors.New("tlsca: the certificate is not a CA's")
	}
	k, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("tlsca: root key: %w", err)
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, errors.New("tlsca: the root key cannot sign")
	}
	if pub, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool }); !ok || !pub.Equal(cert.PublicKey) {
		return nil, errors.New("tlsca: the key is not the certificate's")
	}
	if now.After(cert.NotAfter) {
		return nil, fmt.Errorf("tlsca: the root expired on %s", cert.NotAfter.Format(time.RFC3339))
	}
	return &CA{Cert: cert, CertPEM: certPEM, key: signer, rand: rand, now: now}, nil
}

// LoadOrCreate keeps a CA in dir (ca.pem, ca-key.pem, mode 0600 for the
// key): it loads the one there, or creates one named name and saves it.
func LoadOrCreate(dir string, rand io.Reader, now time.Time, name string) (*CA, error) {
	certFile, keyFile := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "ca-key.pem")
	certPEM, cerr := os.ReadFile(certFile)
	keyPEM, kerr := os.ReadFile(keyFile)
	if cerr == nil && kerr == nil {
		ca, err := Load(rand, now, certPEM, keyPEM)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", dir, err)
		}
		return ca, nil
	}
	ca, err := New(rand, now, name)
	if err != nil {
		return nil, err
	}
	if keyPEM, err = ca.KeyPEM(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		return nil, err
	}
	return ca, os.WriteFile(certFile, ca.CertPEM, 0o644)
}
