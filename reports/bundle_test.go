package reports

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wipo-das/dasim/openapi"
)

func selfSigned(t *testing.T, cn string) (*ecdsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Unix(0, 0), NotAfter: time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return key, c
}

func TestSignedBundleVerifiesAndRefusesTampering(t *testing.T) {
	key, cert := selfSigned(t, "EE private_key_jwt authentication")
	_, other := selfSigned(t, "someone else")
	mk := func() string {
		dir := t.TempDir()
		_ = os.WriteFile(filepath.Join(dir, "report.json"), []byte(`{"ok":true}`), 0o644)
		_ = os.WriteFile(filepath.Join(dir, "junit.xml"), []byte(`<testsuites/>`), 0o644)
		m := Manifest{Toolkit: "test", SpecSHA256: openapi.DASSpecSHA256(), Target: "t", Signed: time.Unix(1e9, 0).UTC()}
		if err := SignBundle(dir, []string{"report.json", "junit.xml"}, m, key, cert); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	dir := mk()
	m, signer, err := VerifyBundle(dir, cert)
	if err != nil || len(m.Files) != 2 || m.SpecSHA256 != openapi.DASSpecSHA256() || !signer.Equal(cert) {
		t.Fatalf("good bundle: %v %+v", err, m)
	}
	cases := map[string]func(dir string) string{
		"changed report": func(dir string) string {
			_ = os.WriteFile(filepath.Join(dir, "report.json"), []byte(`{"ok":false}`), 0o644)
			return "report.json was changed"
		},
		"removed report": func(dir string) string {
			_ = os.Remove(filepath.Join(dir, "junit.xml"))
			return "junit.xml"
		},
		"added file": func(dir string) string {
			_ = os.WriteFile(filepath.Join(dir, "extra.html"), []byte(`x`), 0o644)
			return "extra.html is not covered"
		},
		"tampered manifest": func(dir string) string {
			b, _ := os.ReadFile(filepath.Join(dir, BundleFile))
			parts := strings.Split(string(b), ".")
			parts[1] = parts[1][:len(parts[1])-2] + "AA"
			_ = os.WriteFile(filepath.Join(dir, BundleFile), []byte(strings.Join(parts, ".")), 0o644)
			return "signature does not verify"
		},
	}
	for name, tamper := range cases {
		t.Run(name, func(t *testing.T) {
			dir := mk()
			want := tamper(dir)
			if _, _, err := VerifyBundle(dir, cert); err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("want error containing %q, got %v", want, err)
			}
		})
	}
	if _, _, err := VerifyBundle(mk(), other); err == nil || !strings.Contains(err.Error(), "not by the pinned certificate") {
		t.Fatalf("foreign pin accepted: %v", err)
	}
}
