package main

import (
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/wipo-das/dasim/reports"
)

// runVerifyReport checks a signed report bundle: signature, signer (pinned
// with --cert), and every report file against the signed manifest.
func runVerifyReport(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("verify-report", stderr)
	certFile := fs.String("cert", "", "PEM certificate of the certifying party to pin (recommended)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: dasim verify-report [--cert CERT_PEM] REPORT_DIR")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	var pinned *x509.Certificate
	if *certFile != "" {
		c, err := readCertificate(*certFile)
		if err != nil {
			return err
		}
		pinned = c
	}
	m, signer, err := reports.VerifyBundle(fs.Arg(0), pinned)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(signer.Raw)
	fmt.Fprintf(stdout, "bundle OK: %d files, toolkit %s, contract sha256 %s, target %s, signed %s\n",
		len(m.Files), m.Toolkit, m.SpecSHA256, m.Target, m.Signed.Format("2006-01-02T15:04:05Z"))
	fmt.Fprintf(stdout, "signer: %s (certificate sha256 %s)\n", signer.Subject, hex.EncodeToString(sum[:]))
	if pinned == nil {
		fmt.Fprintln(stdout, "warning: no --cert given; the signature was checked against the certificate inside the bundle only")
	}
	return nil
}

func readCertificate(path string) (*x509.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("%s: no PEM CERTIFICATE block", path)
	}
	return x509.ParseCertificate(block.Bytes)
}

// readSigner loads the certifying party's key and certificate for signing.
func readSigner(keyFile, certFile string) (crypto.Signer, *x509.Certificate, error) {
	if keyFile == "" && certFile == "" {
		return nil, nil, nil
	}
	if keyFile == "" || certFile == "" {
		return nil, nil, errors.New("--sign-key and --sign-cert go together")
	}
	key, err := readPrivateKey(keyFile)
	if err != nil {
		return nil, nil, err
	}
	c, err := readCertificate(certFile)
	if err != nil {
		return nil, nil, err
	}
	return key, c, nil
}
