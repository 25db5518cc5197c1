package das

import (
	"context"
	"fmt"
	"net/http"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// notifyOSF tells the OSF that its document is available or that its
// retrieval failed (flow c.1 step 2b: "WIPO DAS prepares the requested
// document for download and notifies the OSF of the document availability").
// An OSF without an endpoint polls statuses instead. When every attempt
// fails, the retrieval keeps its true status and says so in statusMessage.
func (s *Server) notifyOSF(rt *retrieval) {
	if _, ok := s.deps.Offices.Endpoint(rt.osf); !ok {
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
	s.mu.RUnlock()
	call := &outboundCall{name: "notify", office: rt.osf, rt: rt, flow: "c.1", step: "(2b)",
		do: func(ctx context.Context, ep OfficeEndpoint) *callError {
			return s.callAPI(ctx, ep, http.MethodPost, "/notifications", n, nil, protocol.DetailOFFUnreachable)
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
	s.deps.Faults.Outbox(faultParty).Deliver("notify", func() { s.dispatch(call) })
}
