package openapi

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"
)

//go:embed das.yaml authz.yaml
var specFiles embed.FS

// DAS base paths: WIPO's design pages use the first, WIPO's acceptance system
// and its Java sample project the second (das.yaml servers.basePath).
var dasBasePaths = []string{"/das/v1/requests", "/das-api/v1/requests"}

// DASBasePaths returns both base paths of the DAS API.
func DASBasePaths() []string { return slices.Clone(dasBasePaths) }

var (
	loadDAS   = sync.OnceValues(func() (*Contract, error) { return loadEmbedded("das.yaml", dasBasePaths) })
	loadAuthZ = sync.OnceValues(func() (*Contract, error) {
		return loadEmbedded("authz.yaml", []string{"/am/oauth2"})
	})
)

// DAS returns the contract of the WIPO DAS API, loaded on first use.
// The embedded document is tested to load, so an error here means a broken build.
func DAS() *Contract { return mustLoad(loadDAS()) }

// AuthZ returns the contract of WIPO's authorization server (issuer-relative
// paths under /am/oauth2).
func AuthZ() *Contract { return mustLoad(loadAuthZ()) }

func mustLoad(c *Contract, err error) *Contract {
	if err != nil {
		panic(err)
	}
	return c
}

// DASSpecSHA256 is the hex sha256 of the embedded das.yaml; reports and signed
// bundles carry it so a result names the exact contract it was judged by.
func DASSpecSHA256() string {
	b, err := specFiles.ReadFile("das.yaml")
	if err != nil {
		return "unavailable"
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// DASSpec returns the embedded das.yaml, e.g. to serve it or hand it to Prism.
func DASSpec() []byte { b, _ := specFiles.ReadFile("das.yaml"); return b }

// AuthZSpec returns the embedded authz.yaml.
func AuthZSpec() []byte { b, _ := specFiles.ReadFile("authz.yaml"); return b }

func loadEmbedded(name string, basePaths []string) (*Contract, error) {
	b, err := specFiles.ReadFile(name)
	if err != nil {
		return nil, err
	}
	c, err := Load(b, basePaths...)
	if err != nil {
		return nil, fmt.Errorf("embedded %s: %w", name, err)
	}
	c.name = name
	return c, nil
}
