package harness

import (
	"sync/atomic"

	"github.com/wipo-das/dasim/openapi"
)

// stepMarker knows which scenario and which step of it the world is running
// and stamps both on every exchange recorded meanwhile: the harness's own
// calls, the calls of the simulated parties, and the background calls they
// make on timers (DAS forwarding a retrieval while the world's clock is
// advanced inside a step). Specs of a world run one after another, so "the
// step running when the exchange was recorded" is the step that caused it.
type stepMarker struct {
	current atomic.Pointer[specStep]
	next    openapi.Recorder
}

type specStep struct{ spec, step string }

// mark makes spec and step the current ones.
func (m *stepMarker) mark(spec, step string) {
	m.current.Store(&specStep{spec: spec, step: step})
}

// Record stamps the current spec and step, unless the exchange carries its
// own, and hands the exchange on.
func (m *stepMarker) Record(e openapi.Exchange) {
	if cur := m.current.Load(); cur != nil {
		if e.Labels.Spec == "" {
			e.Labels.Spec = cur.spec
		}
		if e.Labels.SpecStep == "" {
			e.Labels.SpecStep = cur.step
		}
	}
	m.next.Record(e)
}

var _ openapi.Recorder = (*stepMarker)(nil)
