package tlsca

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"time"
)

// Validity is how long issued certificates are valid, counted from the
// notBefore given to New (which backdates it by an hour for skewed peers).
const Validity = 365 * 24 * time.Hour

// CA is a certificate authority held in memory.
type CA struct {
	Cert    *x509.Certificate
	CertPEM []byte // the root, PEM "CERTIFICATE": what clients must trust
	key     crypto.Signer
	rand    io.Reader
	now     time.Time
	// extraRoots are other CAs' roots trusted beside this one (Trust).
	extraRoots []*x509.Certificate
	// systemRoots: the machine's roots are trusted too (TrustSystemRoots).
	systemRoots bool
}

// TrustSystemRoots makes Pool and Client trust the machine's roots beside
// the CA's: a system under test with a certificate of a public CA.
func (ca *CA) TrustSystemRoots() { ca.systemRoots = true }

// New creates a root CA named name, valid from now (minus an hour) for
// Validity. rand supplies serial numbers and keys (crypto/rand.Reader in
// production).
func New(rand io.Reader, now time.Time, name string) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand)
	if err != nil {
		return nil, fmt.Errorf("tlsca: root key: %w", err)
	}
	ca := &CA{key: key, rand: rand, now: now}
	tmpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: name, Organization: []string{"dasim"}},
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := ca.sign(tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	if ca.Cert, err = x509.ParseCertificate(der); err != nil {
		return nil, fmt.Errorf("tlsca: parse root: %w", err)
	}
	ca.CertPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return ca, nil
}

// Issue returns a server certificate for hosts (DNS names or IP literals),
// chained to the root.
func (ca *CA) Issue(hosts ...string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), ca.rand)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("tlsca: leaf key: %w", err)
	}
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: hosts[0], Organization: []string{"dasim"}},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := ca.sign(tmpl, ca.Cert, key.Public(), ca.key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der, ca.Cert.Raw}, PrivateKey: key}, nil
}

// ServerConfig returns a TLS configuration serving a leaf for hosts; the
// default covers loopback ("127.0.0.1", "::1", "localhost").
func (ca *CA) ServerConfig(hosts ...string) (*tls.Config, error) {
	if len(hosts) == 0 {
		hosts = []string{"127.0.0.1", "::1", "localhost"}
	}
	leaf, err := ca.Issue(hosts...)
	if err != nil {
		return nil, err
	}
	return &tls.Config{Certificates: []tls.Certificate{leaf}, MinVersion: tls.VersionTLS12}, nil
}

// Pool returns a certificate pool holding the root and the roots added by
// Trust.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	if ca.systemRoots {
		if sys, err := x509.SystemCertPool(); err == nil {
			p = sys
		}
	}
	p.AddCert(ca.Cert)
	for _, c := range ca.extraRoots {
		p.AddCert(c)
	}
	return p
}

// Trust adds the certificates of a PEM file to the roots that Pool and
// Client trust: a system under test with a certificate of its own CA. Call
// it before the clients that should trust them are made.
func (ca *CA) Trust(pemBytes []byte) error {
	n := 0
	for rest := pemBytes; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return fmt.Errorf("tlsca: trusted certificate %d: %w", n+1, err)
		}
		ca.extraRoots = append(ca.extraRoots, c)
		n++
	}
	if n == 0 {
		return errors.New("tlsca: no CERTIFICATE block in the PEM to trust")
	}
	return nil
}

// Client returns an HTTP client that trusts the root and the roots added by
// Trust (and nothing else).
// Certificate validity is checked against Time, the CA's notion of now.
func (ca *CA) Client() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{RootCAs: ca.Pool(), MinVersion: tls.VersionTLS12,
		Time: func() time.Time { return ca.now }}
	return &http.Client{Transport: t}
}

// WriteFile writes the root certificate PEM to path (mode 0644: it is public).
func (ca *CA) WriteFile(path string) error {
	return os.WriteFile(path, ca.CertPEM, 0o644)
}

func (ca *CA) sign(tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) ([]byte, error) {
	serial, err := rand128(ca.rand)
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial
	tmpl.NotBefore = ca.now.Add(-time.Hour)
	tmpl.NotAfter = ca.now.Add(Validity)
	der, err := x509.CreateCertificate(ca.rand, tmpl, parent, pub, signer)
	if err != nil {
		return nil, fmt.Errorf("tlsca: sign %q: %w", tmpl.Subject.CommonName, err)
	}
	return der, nil
}

// rand128 returns a positive 128-bit serial (RFC 5280 §4.1.2.2: at most 20 octets).
func rand128(r io.Reader) (*big.Int, error) {
	b := make([]byte, 16)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("tlsca: serial: %w", err)
	}
	b[0] &= 0x7f
	b[0] |= 0x01 // never zero
	return new(big.Int).SetBytes(b), nil
}

// ReadPool reads the PEM certificates of path into a pool, on top of the
// system's roots when withSystemRoots is set: how a client given --ca
// trusts a server (the world's CA file, or a system under test's own CA).
func ReadPool(path string, withSystemRoots bool) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if withSystemRoots {
		if sys, err := x509.SystemCertPool(); err == nil {
			pool = sys
		}
	}
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("%s holds no PEM certificate", path)
	}
	return pool, nil
}
