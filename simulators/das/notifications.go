package das

import (
	"context"
	"fmt"

	"github.com/wipo-das/dasim/simulators/dasapi"
	"github.com/wipo-das/dasim/simulators/protocol"
	"github.com/wipo-das/dasim/simulators/store"
)

// notifyOSF tells the OSF that its document is available or that its
// retrieval failed (flow c.1 step 2b: "WIPO DAS prepares the requested
// document for download and notifies the OSF of the document availability").
// An OSF without an endpoint polls statuses instead. When every attempt
// fails, the retrieval keeps its true status and says so in statusMessage.
func (s *Server) notifyOSF(ctx context.Context, ack string) {
	rt, ok := s.retrieval(ctx, ack)
	if !ok {
		return
	}
	call := s.notifyCall(ctx, rt)
	if call == nil {
		return
	}
	// A notification may be dropped, duplicated, delayed or reordered on
	// purpose (faults of party "das"), to see how an OSF under test copes.
	s.outbox.Deliver("notify", func() { s.dispatch(call, 1) })
}

// notifyCall is the notification of rt's outcome to its OSF; nil when the
// OSF has no endpoint or rt is not complete.
func (s *Server) notifyCall(ctx context.Context, rt retrieval) *outboundCall {
	if _, ok := s.deps.offices.Endpoint(rt.OSF); !ok || rt.Status == statusPending {
		return nil
	}
	n := protocol.Notification{RequestAckID: rt.AckID, RequestStatusCategory: rt.Status,
		DocumentKindCategory: rt.Kind, DocumentNumber: rt.Number, DocumentDate: rt.Date}
	if rt.Status == statusSuccess {
		var f file
		if err := s.view(s.storeCtx(ctx), func(tx store.DASTx) (err error) { f, _, err = tx.File(rt.Delivery); return err }); err != nil {
			s.deps.logger.Error("das: reading the file to notify", "ack", rt.AckID, "error", err)
			return nil
		}
		n.DocumentAvailabilityDate = rfc3339(rt.AvailableAt)
		n.FileID, n.FileChecksum, n.StatusMessage = f.ID, f.Checksum, "document available"
	} else {
		n.ErrorCode, n.StatusMessage = ptr(rt.ErrorCode), rt.Message
		if len(n.StatusMessage) > 1024 {
			n.StatusMessage = n.StatusMessage[:1024]
		}
	}
	return &outboundCall{name: callNotify, office: rt.OSF, ack: rt.AckID, flow: flowOf(rt), step: "notify",
		do: func(ctx context.Context, api *dasapi.Client) *callError {
			_, err := api.Notify(ctx, n)
			return officeFailed(err, protocol.DetailOFFUnreachable)
		},
		done: func(ctx context.Context, err *callError, attempts int) {
			if err == nil {
				return
			}
			note := fmt.Sprintf("; notifying office %s failed after %d attempt(s) (last: %s): poll retrievals/statuses", rt.OSF, attempts, err.msg)
			if err := s.update(s.storeCtx(ctx), func(tx *txn) error {
				now, ok, err := tx.Retrieval(rt.AckID)
				if err != nil || !ok {
					return err
				}
				now.Message += note
				return tx.PutRetrieval(&now)
			}); err != nil {
				s.deps.logger.Error("das: recording a failed notification", "ack", rt.AckID, "error", err)
			}
		}}
}

// flowOf names the exchange flow a retrieval follows (WIPO's flows c.1,
// c.2, c.3 and PCT RO/IB), for the labels of DAS's calls.
func flowOf(rt retrieval) string {
	switch {
	case rt.Source == fromPCT:
		return "pct"
	case rt.Source == fromLibrary:
		return "c.1"
	case rt.OFFFile != "":
		return "c.3"
	}
	return "c.2"
}
