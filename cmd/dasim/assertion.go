package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/clientauth"
	"github.com/wipo-das/dasim/simulators/clock"
)

// runAssertion builds a client assertion (or decodes one with --decode) and
// explains what WIPO's authorization server would refuse in it, with the
// server's own checks (authz.Server.Inspect). Only the assertion goes to
// stdout, so $(dasim assertion ...) is the JWT; the decoded header and
// payload and the verdict go to stderr. A refused or undecodable
// assertion exits non-zero.
func runAssertion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("assertion", stderr)
	clientID := fs.String("client-id", "", "client id (iss and sub); with --decode, default the assertion's sub")
	keyFile := fs.String("key", "", "private key PEM (to sign, and to check the signature)")
	certFile := fs.String("cert", "", "with --decode and no --key: the registered certificate, to check the signature")
	aud := fs.String("aud", "", "audience: the token endpoint (wipo) or the issuer (fapi); with --decode, default the assertion's aud")
	lifetime := fs.Duration("lifetime", 10*time.Second, "exp - now (the script uses 10s)")
	jti := fs.Bool("jti", false, "add a random jti, and iat/nbf")
	profile := fs.String("profile", "wipo", "server profile to check against: wipo or fapi")
	decode := fs.String("decode", "", "an assertion to decode and check instead of building one")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	now := clock.System().Now()
	assertion := *decode
	var keyPEM []byte
	if *keyFile != "" {
		k, err := readPrivateKey(*keyFile)
		if err != nil {
			return err
		}
		if keyPEM, err = publicPEM(k.Public()); err != nil {
			return err
		}
		if assertion == "" {
			if err := requireFlags(fs, stderr, "client-id", "aud"); err != nil {
				return err
			}
			spec := clientauth.AssertionSpec{ClientID: *clientID, Audience: *aud, Lifetime: *lifetime, IssuedAt: *jti}
			if *jti {
				if spec.JTI, err = clientauth.NewJTI(rand.Reader); err != nil {
					return err
				}
			}
			if assertion, err = clientauth.SignAssertion(k, spec, now); err != nil {
				return err
			}
			fmt.Fprintln(stdout, assertion)
		}
	} else if *certFile != "" {
		var err error
		if keyPEM, err = os.ReadFile(*certFile); err != nil {
			return err
		}
	}
	if assertion == "" {
		fmt.Fprintln(stderr, "dasim assertion: give --key (to build) or --decode JWT")
		return errUsage
	}
	return explain(stderr, strings.TrimSpace(assertion), *clientID, *aud, authz.Profile(*profile), keyPEM)
}

// explain prints the decoded assertion and the server's findings; an
// assertion that is no JWT (RFC 7519 §7.2: three base64url segments, the
// first two JSON) or that the server would refuse is an error.
func explain(w io.Writer, assertion, clientID, aud string, p authz.Profile, keyPEM []byte) error {
	claims := map[string]any{}
	segments := strings.Split(assertion, ".")
	if len(segments) != 3 {
		return fmt.Errorf("not a JWT: %d segment(s) separated by '.', a signed JWT has 3 (header.payload.signature, RFC 7515 §7.1)", len(segments))
	}
	var bad []string
	for i, seg := range segments[:2] {
		b, err := base64.RawURLEncoding.DecodeString(seg)
		var pretty bytes.Buffer
		if err != nil || json.Indent(&pretty, b, "", "  ") != nil {
			bad = append(bad, fmt.Sprintf("the %s (segment %d) is not base64url-encoded JSON", []string{"header", "payload"}[i], i+1))
			continue
		}
		fmt.Fprintf(w, "%s:\n%s\n", []string{"header", "payload"}[i], pretty.String())
		if i == 1 {
			_ = json.Unmarshal(b, &claims)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("not a JWT: %s", strings.Join(bad, "; "))
	}
	if clientID == "" {
		clientID, _ = claims["sub"].(string)
	}
	if aud == "" {
		aud, _ = claims["aud"].(string)
	}
	base := baseOf(aud)
	if base == "" || keyPEM == nil {
		fmt.Fprintln(w, "cannot check against a server: need --key or --cert, and an aud (or --aud) under <base>/am/oauth2")
		return nil
	}
	srv, err := authz.New(authz.Config{BaseURL: base, Profile: p})
	if err != nil {
		return err
	}
	if err := srv.Register(authz.Client{ID: clientID, KeysPEM: keyPEM}); err != nil {
		return err
	}
	findings := srv.Inspect(assertion, clientID)
	if len(findings) == 0 {
		fmt.Fprintf(w, "verdict: the %s profile of %s would accept this assertion (clock %s)\n", p, srv.TokenEndpoint(), time.Unix(clock.System().Now().Unix(), 0).UTC().Format(time.RFC3339))
		return nil
	}
	fmt.Fprintf(w, "verdict: the %s profile of %s would refuse this assertion:\n", p, srv.TokenEndpoint())
	for _, f := range findings {
		fmt.Fprintf(w, "  %s (%s)\n", f.Description, f.URI)
	}
	return fmt.Errorf("%d finding(s)", len(findings))
}

// baseOf returns scheme://host[:port] of an AM issuer or token endpoint URL.
func baseOf(aud string) string {
	u, err := url.Parse(aud)
	if err != nil || u.Host == "" || !strings.HasPrefix(u.Path, "/am/oauth2") {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
