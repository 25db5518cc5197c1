package reports

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v3/cert"
	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jws"
)

// BundleFile is the name of the signed manifest inside a report directory.
const BundleFile = "bundle.jws"

// Manifest is the signed content of a bundle.
type Manifest struct {
	Toolkit    string         `json:"toolkit"`
	SpecSHA256 string         `json:"specSha256"`
	Target     string         `json:"target"`
	Signed     time.Time      `json:"signed"`
	Files      []ManifestFile `json:"files"`
}

// ManifestFile is one report file with its digest.
type ManifestFile struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// SignBundle hashes the named files of dir into m.Files and writes
// dir/bundle.jws: m signed as a compact JWS (ES256 for an EC key, PS256 for
// RSA) whose protected header carries the signer's certificate (x5c), so a
// verifier can pin the certifying party's certificate.
func SignBundle(dir string, files []string, m Manifest, key crypto.Signer, signer *x509.Certificate) error {
	m.Files = nil
	for _, name := range files {
		f, err := digest(dir, name)
		if err != nil {
			return err
		}
		m.Files = append(m.Files, f)
	}
	payload, err := json.Marshal(m)
	if err != nil {
		return err
	}
	alg, err := algFor(key.Public())
	if err != nil {
		return err
	}
	hdr := jws.NewHeaders()
	var chain cert.Chain
	if err := chain.AddString(encodeCert(signer)); err != nil {
		return err
	}
	if err := hdr.Set(jws.X509CertChainKey, &chain); err != nil {
		return err
	}
	if err := hdr.Set(jws.ContentTypeKey, "dasim-report-manifest+json"); err != nil {
		return err
	}
	signed, err := jws.Sign(payload, jws.WithKey(alg, key, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		return fmt.Errorf("sign manifest: %w", err)
	}
	return os.WriteFile(filepath.Join(dir, BundleFile), signed, 0o644)
}

// VerifyBundle checks dir/bundle.jws: the signature against the certificate
// in its header, that certificate against trusted when given (pinning), and
// every file of the manifest against its sha256 and size. A file in dir that
// the manifest does not cover is refused too: it would read as certified.
func VerifyBundle(dir string, trusted *x509.Certificate) (*Manifest, *x509.Certificate, error) {
	raw, err := os.ReadFile(filepath.Join(dir, BundleFile))
	if err != nil {
		return nil, nil, fmt.Errorf("no signed bundle: %w", err)
	}
	msg, err := jws.Parse(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("bundle is not a JWS: %w", err)
	}
	sigs := msg.Signatures()
	if len(sigs) != 1 {
		return nil, nil, fmt.Errorf("bundle has %d signatures, want 1", len(sigs))
	}
	h := sigs[0].ProtectedHeaders()
	chain, ok := h.X509CertChain()
	if !ok || chain.Len() == 0 {
		return nil, nil, errors.New("bundle header has no x5c certificate")
	}
	der, _ := chain.Get(0)
	signer, err := parseChainCert(der)
	if err != nil {
		return nil, nil, err
	}
	if trusted != nil && !signer.Equal(trusted) {
		// Certificates from dasim keygen (and WIPO's script) all share one
		// subject, so the fingerprints are what tells them apart.
		return nil, signer, fmt.Errorf("bundle signed by %q (certificate sha256 %x), not by the pinned certificate %q (sha256 %x)",
			signer.Subject.String(), sha256.Sum256(signer.Raw), trusted.Subject.String(), sha256.Sum256(trusted.Raw))
	}
	alg, err := algFor(signer.PublicKey)
	if err != nil {
		return nil, signer, err
	}
	if got, _ := h.Algorithm(); got.String() != alg.String() {
		return nil, signer, fmt.Errorf("bundle alg %s does not fit the signer's key (%s)", got, alg)
	}
	payload, err := jws.Verify(raw, jws.WithKey(alg, signer.PublicKey))
	if err != nil {
		return nil, signer, fmt.Errorf("bundle signature does not verify: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(payload, &m); err != nil {
		return nil, signer, fmt.Errorf("manifest: %w", err)
	}
	return &m, signer, checkFiles(dir, m.Files)
}

func checkFiles(dir string, files []ManifestFile) error {
	var problems []string
	covered := map[string]bool{BundleFile: true}
	for _, want := range files {
		covered[want.Name] = true
		got, err := digest(dir, want.Name)
		switch {
		case err != nil:
			problems = append(problems, err.Error())
		case got.SHA256 != want.SHA256 || got.Size != want.Size:
			problems = append(problems, fmt.Sprintf("%s was changed: sha256 %s (%d bytes), signed %s (%d bytes)",
				want.Name, got.SHA256, got.Size, want.SHA256, want.Size))
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !covered[e.Name()] {
			problems = append(problems, e.Name()+" is not covered by the signed manifest")
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return errors.New("bundle does not match: " + strings.Join(problems, "; "))
	}
	return nil
}

func digest(dir, name string) (ManifestFile, error) {
	if name != filepath.Base(name) || name == BundleFile || strings.HasPrefix(name, ".") {
		return ManifestFile{}, fmt.Errorf("%q: bundle files are plain names inside the report directory", name)
	}
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return ManifestFile{}, fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return ManifestFile{}, fmt.Errorf("%s: %w", name, err)
	}
	return ManifestFile{Name: name, SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}, nil
}

func algFor(pub crypto.PublicKey) (jwa.SignatureAlgorithm, error) {
	switch pub.(type) {
	case *ecdsa.PublicKey:
		return jwa.ES256(), nil
	case *rsa.PublicKey:
		return jwa.PS256(), nil
	}
	return jwa.SignatureAlgorithm{}, fmt.Errorf("unsupported signer key %T (want EC P-256 or RSA)", pub)
}
