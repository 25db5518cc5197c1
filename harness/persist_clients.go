package harness

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/clientauth"
	"github.com/wipo-das/dasim/simulators/store"
)

// RegisterClient registers c at the world's authorization server and keeps
// it, so that a restarted world knows the client.
func (w *World) RegisterClient(c authz.Client) error {
	if err := w.AuthZ.Register(c); err != nil {
		return err
	}
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return w.kept.Put(w.storeCtx(), store.KindClient, c.ID, b)
}

// KeptClient reports whether the world keeps clientID registered with
// exactly certPEM: a restarted `dasim serve --client` names it again.
func (w *World) KeptClient(clientID string, certPEM []byte) bool {
	b, ok, err := w.kept.Get(w.storeCtx(), store.KindClient, clientID)
	if err != nil || !ok {
		return false
	}
	var c authz.Client
	return json.Unmarshal(b, &c) == nil && bytes.Equal(c.KeysPEM, certPEM)
}

// Allow whitelists clientID at DAS for office, and keeps it.
func (w *World) Allow(clientID, office string) error {
	if err := w.Verifier.Allow(clientID, office); err != nil {
		return err
	}
	return w.kept.Put(w.storeCtx(), store.KindWhitelist, clientID, []byte(office))
}

// restoreClients registers every kept client at the authorization server.
func (w *World) restoreClients() error {
	all, err := w.kept.List(w.storeCtx(), store.KindClient)
	if err != nil {
		return err
	}
	var errs []error
	for id, b := range all {
		var c authz.Client
		if err := json.Unmarshal(b, &c); err != nil {
			errs = append(errs, fmt.Errorf("kept client %s: %w", id, err))
			continue
		}
		errs = append(errs, w.AuthZ.Register(c))
	}
	return errors.Join(errs...)
}

// restoreWhitelist whitelists every kept client at DAS.
func (w *World) restoreWhitelist() error {
	all, err := w.kept.List(w.storeCtx(), store.KindWhitelist)
	if err != nil {
		return err
	}
	var errs []error
	for id, office := range all {
		errs = append(errs, w.Verifier.Allow(id, string(office)))
	}
	return errors.Join(errs...)
}

// keptIdentity is the key files of clientID, made the first time.
func (w *World) keptIdentity(clientID string) (*clientauth.KeyFiles, error) {
	b, err := w.keep(store.KindIdentity, clientID, func() ([]byte, error) {
		files, err := clientauth.GenerateKeyFiles(w.rand, w.Clock.Now())
		if err != nil {
			return nil, err
		}
		return append(append(append([]byte(nil), files.PrivatePEM...), files.PublicPEM...), files.CertPEM...), nil
	})
	if err != nil {
		return nil, err
	}
	files := &clientauth.KeyFiles{}
	for rest := b; ; {
		var blk *pem.Block
		if blk, rest = pem.Decode(rest); blk == nil {
			break
		}
		enc := pem.EncodeToMemory(blk)
		switch blk.Type {
		case "EC PRIVATE KEY":
			files.PrivatePEM = enc
		case "PUBLIC KEY":
			files.PublicPEM = enc
		case "CERTIFICATE":
			files.CertPEM = enc
		}
	}
	signer, err := clientauth.ParsePrivateKeyPEM(files.PrivatePEM)
	if err != nil {
		return nil, fmt.Errorf("kept identity %s: %w", clientID, err)
	}
	key, ok := signer.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("kept identity %s: key of type %T, want ES256", clientID, signer)
	}
	files.Key = key
	return files, nil
}
