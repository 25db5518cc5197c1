package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/wipo-das/dasim/simulators/clientauth"
	"github.com/wipo-das/dasim/simulators/clock"
)

// runKeygen writes the files of WIPO's keygen script (openssl ecparam
// prime256v1, ec -pubout, req -x509 with CN "DAS private_key_jwt
// authentication"): es256_cert.pem goes to WIPO, es256_private.pem stays.
func runKeygen(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("keygen", stderr)
	dir := fs.String("dir", ".", "directory to write es256_private.pem, es256_public.pem, es256_cert.pem and openssl.cnf into")
	force := fs.Bool("force", false, "overwrite existing files")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	files, err := clientauth.GenerateKeyFiles(rand.Reader, clock.System().Now())
	if err != nil {
		return err
	}
	// openssl.cnf as the script builds it, "kept for record".
	cnf := "[ req ]\nprompt = no\ndistinguished_name = req_distinguished_name\n[ req_distinguished_name ]\nCN = " + clientauth.CertCommonName + "\n"
	out := []struct {
		name string
		data []byte
		mode os.FileMode
	}{
		{"es256_private.pem", files.PrivatePEM, 0o600},
		{"es256_public.pem", files.PublicPEM, 0o644},
		{"es256_cert.pem", files.CertPEM, 0o644},
		{"openssl.cnf", []byte(cnf), 0o644},
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if *force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	for _, f := range out {
		p := filepath.Join(*dir, f.name)
		h, err := os.OpenFile(p, flags, f.mode)
		if err != nil {
			return fmt.Errorf("%w (use --force to overwrite)", err)
		}
		_, werr := h.Write(f.data)
		if err := h.Close(); werr == nil {
			werr = err
		}
		if werr != nil {
			return werr
		}
		fmt.Fprintln(stdout, p)
	}
	fmt.Fprintln(stdout, "send es256_cert.pem to WIPO; keep es256_private.pem secret")
	return nil
}
