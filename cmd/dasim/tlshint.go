package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
)

// withTLSHint adds, to an error that is a failed verification of a server's
// certificate, which flag makes the client trust that server; other errors
// pass unchanged.
func withTLSHint(err error, fix string) error {
	var (
		unknown  x509.UnknownAuthorityError
		invalid  x509.CertificateInvalidError
		hostname x509.HostnameError
		verify   *tls.CertificateVerificationError
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &hostname):
		return fmt.Errorf("%w\n  the server's certificate is not for this host name: %s", err, fix)
	case errors.As(err, &unknown), errors.As(err, &verify), errors.As(err, &invalid):
		return fmt.Errorf("%w\n  the server's certificate is not trusted: %s", err, fix)
	}
	return err
}

// probeTLS sends one GET to url: any HTTP answer means the TLS connection
// is trusted; a failed certificate verification comes back with fix.
func probeTLS(ctx context.Context, hc *http.Client, url, fix string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := hc.Do(req)
	if err != nil {
		if hinted := withTLSHint(err, fix); hinted != err {
			return hinted
		}
		return nil // unreachable now is for the scenarios to report
	}
	return res.Body.Close()
}
