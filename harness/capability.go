package harness

import (
	"errors"

	"github.com/wipo-das/dasim/simulators/clock"
)

// Capability is something a spec may need that only simulated parties give:
// a system under test keeps its own time and its own storage.
type Capability string

// The capabilities an Env may lack.
const (
	// AdvanceClock: move the world's clock (transit retention, token
	// expiry, DAS's retry backoff). Needs every party on the world's
	// virtual clock.
	AdvanceClock Capability = "advance the world's clock"
	// ReadBuckets: list and read DAS's library and transit buckets.
	ReadBuckets Capability = "read DAS's buckets"
	// InspectDAS: DAS's own record of its calls to offices for a retrieval.
	InspectDAS Capability = "read DAS's record of its calls to offices"
	// InjectFaults: make simulated parties misbehave on purpose.
	InjectFaults Capability = "inject faults at the simulated parties"
	// EnrollClients: register new clients at the authorization server and
	// whitelist them at DAS.
	EnrollClients Capability = "register new clients at the authorization server and DAS"
)

// Missing is the error of an Env that lacks a capability: Reason says why,
// in words a report can show as the reason a spec was skipped.
type Missing struct {
	Capability Capability
	Reason     string
	// Inapplicable: the obligation the spec checks does not bind this
	// system (another setup's), so skipping it costs the certification
	// nothing; otherwise the skip is a gap the operator can close (a
	// document of some hosting, a trigger) and the certification is not
	// complete without it.
	Inapplicable bool
}

func (m *Missing) Error() string { return "needs to " + string(m.Capability) + ", but " + m.Reason }

// IsMissing reports whether err is a Missing capability (or role).
func IsMissing(err error) bool {
	var m *Missing
	return errors.As(err, &m)
}

// Can returns nil when the environment has c, else a *Missing saying why not.
func (e *Env) Can(c Capability) error {
	remoteDAS := "the DAS under test runs outside the harness"
	switch c {
	case AdvanceClock:
		if _, ok := e.world.Clock.(clock.Advancer); !ok || !e.fresh {
			return &Missing{Capability: c, Reason: "the world runs on the real clock, because a system under test keeps its own time"}
		}
		if e.run.Bindings.DAS != nil {
			return &Missing{Capability: c, Reason: remoteDAS + " on its own clock"}
		}
	case ReadBuckets, InspectDAS:
		if e.run.Bindings.DAS != nil {
			return &Missing{Capability: c, Reason: remoteDAS + ": its storage and records are not visible to the harness"}
		}
	case EnrollClients:
		if e.run.Bindings.DAS != nil {
			return &Missing{Capability: c, Reason: "the clients of a DAS under test are provisioned by its operator (dasim certify --role das --office)"}
		}
	}
	return nil
}
