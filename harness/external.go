package harness

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/dasapi"
	"github.com/wipo-das/dasim/simulators/office"
)

// AddExternalOffice wires an office under test into the world the way
// AddOffice wires a simulated one, and as WIPO does when an office joins:
// its certificate registered at the authorization server, its client
// whitelisted at DAS for its ST.3 code, and DAS's office directory told to
// call ext.URL (the office-side API root, base path included) with a token
// from WIPO's server (setup A) or from ext.Issuer, the office's own (B).
func (w *World) AddExternalOffice(ext External, setup office.AuthSetup) error {
	var errs []error
	if !officeCodePattern(ext.Office) {
		errs = append(errs, fmt.Errorf("office %q is not an ST.3 code", ext.Office))
	}
	if u, err := url.Parse(ext.URL); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		errs = append(errs, fmt.Errorf("target %q is not an absolute http(s) URL", ext.URL))
	}
	if ext.ClientID == "" || len(ext.CertPEM) == 0 {
		errs = append(errs, errors.New("the office's client id and certificate PEM are required"))
	}
	issuer := w.AuthZ.Issuer()
	switch setup {
	case office.SetupA, "":
	case office.SetupB:
		if ext.Issuer == "" {
			errs = append(errs, errors.New("setup B needs the issuer of the office's own authorization server"))
		}
		issuer = ext.Issuer
	default:
		errs = append(errs, fmt.Errorf("setup %q is neither A nor B", setup))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if err := w.admit(ext.ClientID, ext.Office, ext.CertPEM); err != nil {
		return err
	}
	w.route(ext.Office, ext.URL, issuer)
	return nil
}

func officeCodePattern(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// DASCertificatePEM is the certificate DAS authenticates with; an office in
// setup B registers it at its own authorization server under DASClientID.
func (w *World) DASCertificatePEM() []byte {
	return append([]byte(nil), w.dasIdentity.Files.CertPEM...)
}

// CallOffice calls an office's API as WIPO DAS does: with DAS's token for
// that office, the exchange validated against das.yaml and recorded as
// DAS's (peer "office <code>"). It is how certification drives an OFF
// directly, beyond what the flows make DAS send it.
func (w *World) CallOffice(ctx context.Context, code, method, path string, query url.Values, body any) (*Response, error) {
	c, err := w.officeCaller(code)
	if err != nil {
		return nil, err
	}
	r, err := c.Call(openapi.WithLabels(ctx, openapi.Labels{Party: "das", Peer: "office " + code}), method, path, query, body)
	w.noteProbeAck(code, method, path, r)
	return r, err
}

// officeCaller is a client of office code's API with DAS's tokens.
func (w *World) officeCaller(code string) (*dasapi.Client, error) {
	ep, ok := w.offices.Endpoint(code)
	if !ok {
		return nil, fmt.Errorf("office %s is not in DAS's office directory", code)
	}
	return w.officeClient(ep.BaseURL, ep.Tokens), nil
}

// officeClient calls an office's API root with tokens (nil: no
// Authorization header).
func (w *World) officeClient(base string, tokens dasapi.TokenSource) *dasapi.Client {
	// A system under test is not trusted to answer with a sane size.
	return dasapi.New(dasapi.Config{BaseURL: base, HTTPClient: w.HTTPClient(), Tokens: tokens, MaxAnswer: 1 << 20,
		Recorder: w.recorder, Transcripts: true})
}
