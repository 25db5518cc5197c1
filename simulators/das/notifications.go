package das

import (
	"context"
	"fmt"

	"github.com/wipo-das/dasim/simulators/dasapi"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// notifyOSF tells the OSF that its document is available or that its
// retrieval failed (flow c.1 step 2b: "WIPO DAS prepares the requested
// document for download and notifies the OSF of the document availability").
// An OSF without an endpoint polls statuses instead. When every attempt
// fails, the retrieval keeps its true status and says so in statusMessage.
func (s *Server) notifyOSF(rt *retrieval) {
	if _, ok := s.deps.offices.Endpoint(rt.osf); !ok {
		return
	}
	s.mu.RLock()
	n := protocol.Notification{RequestAckID: rt.ackID, RequestStatusCategory: rt.status,
		DocumentKindCategory: rt.kind, DocumentNumber: rt.number, DocumentDate: rt.date}
	if rt.status == statusSuccess {
		n.DocumentAvailabilityDate = rfc3339(rt.availableAt)
		n.FileID, n.FileChecksum, n.StatusMessage = rt.delivery.id, rt.delivery.checksum, "document available"
	} else {
		n.ErrorCode, n.StatusMessage = ptr(rt.errorCode), rt.message
		if len(n.StatusMessage) > 1024 {
			n.StatusMessage = n.StatusMessage[:1024]
		}
	}
	flow := flowOf(rt)
	s.mu.RUnlock()
	call := &outboundCall{name: "notify", office: rt.osf, rt: rt, flow: flow, step: "notify",
		do: func(ctx context.Context, api *dasapi.Client) *callError {
			_, err := api.Notify(ctx, n)
			return officeFailed(err, protocol.DetailOFFUnreachable)
		},
		done: func(err *callError, attempts int) {
			if err == nil {
				return
			}
			s.mu.Lock()
			rt.message += fmt.Sprintf("; notifying office %s failed after %d attempt(s) (last: %s): poll retrievals/statuses", rt.osf, attempts, err.msg)
			s.mu.Unlock()
		}}
	// A notification may be dropped, duplicated, delayed or reordered on
	// purpose (faults of party "das"), to see how an OSF under test copes.
	s.outbox.Deliver("notify", func() { s.dispatch(call) })
}

// flowOf names the exchange flow a retrieval follows (WIPO's flows c.1,
// c.2, c.3 and PCT RO/IB), for the labels of DAS's calls; s.mu is held.
func flowOf(rt *retrieval) string {
	switch {
	case rt.src == fromPCT:
		return "pct"
	case rt.src == fromLibrary:
		return "c.1"
	case rt.offFile != nil:
		return "c.3"
	}
	return "c.2"
}
