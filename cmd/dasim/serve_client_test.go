package main

import (
	"context"
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/clientauth"
)

// Issue 15: --client JP:das-api-auth=... (the seed script's CLIENT_ID)
// silently replaced DAS's own client, and every c.2 retrieval then stayed
// pending. serve refuses DAS's id and any id already registered.
func TestServeRefusesAClientIDAlreadyTaken(t *testing.T) {
	dir := t.TempDir()
	files, err := clientauth.GenerateKeyFiles(rand.Reader, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cert := filepath.Join(dir, "es256_cert.pem")
	if err := os.WriteFile(cert, files.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	for id, says := range map[string]string{
		"das-api-auth": "DAS's own client id",
		"jp-office":    "already registered",
		"ee-external":  "already registered",
	} {
		t.Run(id, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			err := runServe(ctx, []string{"--clock", "virtual", "--endpoints-file", filepath.Join(t.TempDir(), "ep.json"),
				"--client", "JP:" + id + "=" + cert}, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), says) || !strings.Contains(err.Error(), id) {
				t.Fatalf("--client %s: %v, want an error saying %q", id, err, says)
			}
		})
	}
}
