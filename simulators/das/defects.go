package das

import (
	"context"

	"github.com/wipo-das/dasim/simulators/dasapi"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// Defects are deliberate faults of the simulated DAS (dasim serve --defect):
// each breaks one obligation of a DAS, so that WIPO's regression run (dasim
// certify --role das) can be shown to catch it. The zero value is a correct
// DAS. The defects that need no change inside DAS (a token check skipped, no
// retries, no expiry) are made by the harness from Config and options.
type Defects struct {
	// ROIBIntoLibrary registers PCT RO/IB documents into the library
	// (storage page: "DAS Digital Library: FORBIDDEN").
	ROIBIntoLibrary bool
	// AnyOfficesRetrieval answers any office about any retrieval (its
	// status, its download URL): no object-level authorization.
	AnyOfficesRetrieval bool
	// DateMismatchAsAccessCode answers a filing-date mismatch with -14
	// (access code) instead of -12.
	DateMismatchAsAccessCode bool
	// LeakAccessCode names the registered access code in a -14 detail.
	LeakAccessCode bool
	// SkipChecksum stores a document the OFF serves whatever its sha256.
	SkipChecksum bool
	// NotifyEarly notifies the OSF of success as soon as the OFF notifies,
	// before the document is in transit.
	NotifyEarly bool
	// RepeatDuplicate takes a repeated OFF notification for a new one:
	// fetches again and notifies the OSF again.
	RepeatDuplicate bool
	// KeepDeleted answers DELETE files 204 and keeps serving the file.
	KeepDeleted bool
	// IgnoreCorrections answers PUT registrations 200 and keeps the old
	// attributes.
	IgnoreCorrections bool
	// PlainErrors answers every refusal as text/plain, not WIPO's body.
	PlainErrors bool
	// NotificationCreated answers an office's POST notifications 201 with a
	// body, where das.yaml documents 204.
	NotificationCreated bool
}

// notifyOSFEarly is Defects.NotifyEarly: a success notification to the OSF
// sent when the OFF notifies, before DAS has fetched the document — there
// is nothing in transit to download yet.
func (s *Server) notifyOSFEarly(rt *retrieval) {
	s.mu.RLock()
	n := protocol.Notification{RequestAckID: rt.ackID, RequestStatusCategory: statusSuccess,
		DocumentAvailabilityDate: rfc3339(s.deps.clock.Now()), StatusMessage: "document available",
		DocumentKindCategory: rt.kind, DocumentNumber: rt.number, DocumentDate: rt.date}
	flow := flowOf(rt)
	s.mu.RUnlock()
	s.dispatch(&outboundCall{name: "notify", office: rt.osf, rt: rt, flow: flow, step: "notify",
		do: func(ctx context.Context, api *dasapi.Client) *callError {
			_, err := api.Notify(ctx, n)
			return officeFailed(err, protocol.DetailOFFUnreachable)
		},
		done: func(*callError, int) {}})
}
