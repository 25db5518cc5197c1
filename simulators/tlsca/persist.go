package tlsca

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"time"
)

// Marshal returns the CA as PEM: its root certificate, then its key
// (PKCS #8), for a world that must reuse it after a restart so that no
// client has to trust a new root. The key is secret: keep the bytes so.
func (ca *CA) Marshal() ([]byte, error) {
	key, err := x509.MarshalPKCS8PrivateKey(ca.key)
	if err != nil {
		return nil, fmt.Errorf("tlsca: marshal key: %w", err)
	}
	return append(append([]byte(nil), ca.CertPEM...), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key})...), nil
}

// Parse reads a CA that Marshal wrote. Its notion of now is the instant it
// was made (the root's notBefore plus the hour New backdates it by), so the
// certificates it issues and the validity its clients check are those of
// the CA before the restart; rand supplies the serials and keys of new
// certificates.
func Parse(b []byte, rand io.Reader) (*CA, error) {
	certDER, signer, err := parsePair(b)
	if err != nil {
		return nil, fmt.Errorf("tlsca: %w", err)
	}
	cert, err := x509.ParseCertificate(certDER)
	if err != nil {
		return nil, fmt.Errorf("tlsca: root: %w", err)
	}
	if !cert.IsCA {
		return nil, errors.New("tlsca: the certificate is not a CA's")
	}
	return &CA{Cert: cert, CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: certDER}), key: signer, rand: rand,
		now: cert.NotBefore.Add(time.Hour)}, nil
}

// MarshalLeaf returns a certificate Issue made as PEM: the chain, then the key.
func MarshalLeaf(c tls.Certificate) ([]byte, error) {
	var out []byte
	for _, der := range c.Certificate {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	key, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("tlsca: marshal leaf key: %w", err)
	}
	return append(out, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key})...), nil
}

// ParseLeaf reads a certificate MarshalLeaf wrote.
func ParseLeaf(b []byte) (tls.Certificate, error) {
	c, err := tls.X509KeyPair(b, b)
	if err != nil {
		return c, fmt.Errorf("tlsca: leaf: %w", err)
	}
	return c, nil
}

// parsePair finds the first certificate and the private key of b.
func parsePair(b []byte) ([]byte, crypto.Signer, error) {
	var certDER []byte
	var signer crypto.Signer
	for rest := b; ; {
		var blk *pem.Block
		if blk, rest = pem.Decode(rest); blk == nil {
			break
		}
		switch blk.Type {
		case "CERTIFICATE":
			if certDER == nil {
				certDER = blk.Bytes
			}
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
			if err != nil {
				return nil, nil, fmt.Errorf("key: %w", err)
			}
			s, ok := k.(crypto.Signer)
			if !ok {
				return nil, nil, fmt.Errorf("key of type %T cannot sign", k)
			}
			signer = s
		}
	}
	if certDER == nil || signer == nil {
		return nil, nil, errors.New("want a CERTIFICATE and a PRIVATE KEY PEM block")
	}
	return certDER, signer, nil
}
