package clientauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"
)

// CertCommonName is the CN the seeds' keygen script puts in the certificate
// ("${CLIENT_NAME} private_key_jwt authentication", CLIENT_NAME=DAS).
const CertCommonName = "DAS private_key_jwt authentication"

// KeyFiles are the files of the seeds' keygen script.
type KeyFiles struct {
	PrivatePEM []byte // es256_private.pem: SEC1 "EC PRIVATE KEY", as openssl ecparam -noout writes
	PublicPEM  []byte // es256_public.pem: PKIX "PUBLIC KEY", as openssl ec -pubout writes
	CertPEM    []byte // es256_cert.pem: self-signed, what the office sends WIPO
	Key        *ecdsa.PrivateKey
}

// GenerateKeyFiles does what the keygen script does: a prime256v1 key and a
// self-signed certificate valid 30 days from now (openssl req -x509's default).
func GenerateKeyFiles(rand io.Reader, now time.Time) (*KeyFiles, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand)
	if err != nil {
		return nil, err
	}
	return KeyFilesFor(key, rand, now)
}

// KeyFilesFor is GenerateKeyFiles for a key that exists already (a key kept
// from run to run): its PEM files and a self-signed certificate valid 30
// days from now.
func KeyFilesFor(key *ecdsa.PrivateKey, rand io.Reader, now time.Time) (*KeyFiles, error) {
	sec1, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	pkix1, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	serial := make([]byte, 16)
	if _, err := io.ReadFull(rand, serial); err != nil {
		return nil, err
	}
	serial[0] &= 0x7f
	name := pkix.Name{CommonName: CertCommonName}
	tmpl := &x509.Certificate{SerialNumber: new(big.Int).SetBytes(serial), Subject: name, Issuer: name,
		NotBefore: now, NotAfter: now.Add(30 * 24 * time.Hour), BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	return &KeyFiles{Key: key,
		PrivatePEM: pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1}),
		PublicPEM:  pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix1}),
		CertPEM:    pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}, nil
}

// ParsePrivateKeyPEM reads an "EC PRIVATE KEY" (SEC1), "PRIVATE KEY" (PKCS
// #8) or "RSA PRIVATE KEY" block; openssl's "EC PARAMETERS" block before it
// (ecparam without -noout) is skipped.
func ParsePrivateKeyPEM(b []byte) (crypto.Signer, error) {
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			return nil, errors.New("no private key PEM block")
		}
		switch blk.Type {
		case "EC PARAMETERS":
			continue
		case "EC PRIVATE KEY":
			return x509.ParseECPrivateKey(blk.Bytes)
		case "RSA PRIVATE KEY":
			return x509.ParsePKCS1PrivateKey(blk.Bytes)
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
			if err != nil {
				return nil, err
			}
			if s, ok := k.(crypto.Signer); ok {
				return s, nil
			}
			return nil, fmt.Errorf("PKCS #8 key of type %T", k)
		default:
			return nil, fmt.Errorf("PEM block %q is not a private key", blk.Type)
		}
	}
}
