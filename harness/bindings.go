package harness

import (
	"crypto/rsa"
	"time"

	"github.com/wipo-das/dasim/simulators/office"
)

// External is a system under test: where it answers and how to reach it.
type External struct {
	// URL is the system's base URL (for an office or DAS, including the API
	// base path, e.g. https://office.example/das/v1/requests).
	URL string
	// Issuer of the authorization server the system trusts or is (when it
	// is not the world's own).
	Issuer string
	// ClientID and CertPEM are the system's own identity, registered in the
	// world (CertPEM is the certificate an office sends WIPO).
	ClientID string
	CertPEM  []byte
	// Office is the ST.3 code the system acts for.
	Office string
}

// BoundOFF is an office of first filing's server under test (dasim certify
// --role off): where it answers, how it authenticates DAS, and the test
// documents it holds and registered at the world's DAS.
type BoundOFF struct {
	External
	// Setup is how it authenticates DAS: A (WIPO's tokens) or B (its own
	// authorization server at External.Issuer).
	Setup office.AuthSetup
	// Documents are the documents it declared (dasim certify --documents);
	// a flow takes the one of the hosting it needs.
	Documents []office.Document
	// Trigger asks it to act on its own initiative (corrections, content
	// replacement, withdrawal); nil: those flows are skipped, saying so.
	Trigger Trigger
	// TriggerWait bounds the wait for the effect of one action; 0: Patience.
	TriggerWait time.Duration
}

func (b *BoundOFF) setup() office.AuthSetup {
	if b.Setup == "" {
		return office.SetupA
	}
	return b.Setup
}

// Bindings bind roles to systems under test; a nil role is simulated. An
// office-of-second-filing client under test is not bound here: it drives
// the world itself and is observed (World.Observe).
type Bindings struct {
	OFF *BoundOFF  // an office of first filing's server
	DAS *RemoteDAS // a DAS and its authorization server (WIPO's regression run)
}

// Run is how the specs of one run get their environments (Run.NewEnv): the
// roles bound to systems under test, the world they share when any role is
// bound to an office, and how long to wait for a system under test. It is a
// value handed from the CLI to the scenarios; nothing of it lives in
// package state.
type Run struct {
	Bindings Bindings
	// World is the world every spec shares when an office is bound (dasim
	// certify started it and wired the system under test into it); nil: each
	// spec starts a simulated world of its own, on its own virtual clock.
	World *World
	// Patience bounds a wait for an asynchronous step (a notification, a
	// status leaving pending), in the world's time: real time when the
	// world runs on the real clock. Default 20 s.
	Patience time.Duration
	// MaxWait bounds, in real time, a deliberate wait of a spec on the real
	// clock (a transit file's retention, a token's lifetime): a spec that
	// needs longer skips, saying so. Default 2 minutes.
	MaxWait time.Duration
	// SigningKey signs the access tokens of the fresh worlds of the run:
	// generating a 2048-bit key per world would dominate the run. nil: each
	// world makes its own.
	SigningKey *rsa.PrivateKey
	// DataDir, when set, persists each fresh world of the run in a folder
	// of its own under it (Config.DataDir: SQLite and objects on disk), so
	// the scenarios run unchanged against persisted worlds.
	DataDir string
}

func (r Run) maxWait() time.Duration {
	if r.MaxWait > 0 {
		return r.MaxWait
	}
	return 2 * time.Minute
}

func (r Run) patience() time.Duration {
	if r.Patience > 0 {
		return r.Patience
	}
	return 20 * time.Second
}
