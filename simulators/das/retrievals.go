package das

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// requestRetrieval is POST retrievals (flow c.1 step 2a): lookup errors are
// answered at once (400, -7/-12/-14/-20); otherwise the retrieval is recorded
// as pending and DAS prepares the document in the background.
func (s *Server) requestRetrieval(w http.ResponseWriter, r *http.Request, caller string) error {
	var req protocol.RetrievalRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	owner, roIB := docOwner(req.DocumentNumber)
	rt := &retrieval{osf: caller, kind: req.DocumentKindCategory, number: req.DocumentNumber, date: req.DocumentDate,
		accessCode: strings.ToUpper(req.DasAccessCode), appCategory: req.ApplicationCategory, appNumber: req.ApplicationNumber,
		appFilingDate: req.ApplicationFilingDate, status: statusPending, off: owner, createdAt: s.deps.clock.Now()}
	if roIB {
		// PCT DAS checks the key of RO/IB documents itself (PCTSource).
		rt.src, rt.message = fromPCT, "retrieval - recorded; fetching the document from PCT DAS"
	} else {
		s.mu.RLock()
		reg, e := s.lookupLocked(req.DocumentKindCategory, req.DocumentNumber, req.DocumentDate, req.DasAccessCode)
		s.mu.RUnlock()
		if e != nil {
			return e
		}
		rt.reg, rt.off = reg, reg.office
		if reg.hosting == hostedLibrary {
			rt.src, rt.message = fromLibrary, "retrieval - recorded"
		} else {
			rt.src, rt.message = fromOffice, "retrieval - recorded; forwarding to the office of first filing "+reg.office
		}
	}
	id, err := s.ids.next()
	if err != nil {
		return err
	}
	rt.ackID = id
	s.mu.Lock()
	s.st.seq++
	rt.seq = s.st.seq
	s.st.retrievals[id] = rt
	s.st.office(caller).pending[id] = rt
	msg := rt.message
	s.mu.Unlock()
	s.goBackground(func(ctx context.Context) { s.prepare(ctx, rt) })
	return writeJSON(w, http.StatusCreated, protocol.RetrievalAck{RequestAckID: id, OperationCategory: "retrieval",
		RequestStatusCategory: statusPending, StatusMessage: &msg})
}

// retrievalStatuses is GET retrievals/statuses: one retrieval by ack id, or
// the caller's "retrievals in process or newly completed" (WIPO W1): those
// pending, plus those completed since the caller last listed them.
func (s *Server) retrievalStatuses(w http.ResponseWriter, r *http.Request, caller string) error {
	if ack := r.URL.Query().Get("requestAckId"); ack != "" {
		s.mu.RLock()
		rt, ok := s.st.ownRetrieval(ack, caller)
		var bag protocol.StatusBag
		if ok {
			bag.Bag = []protocol.RetrievalStatus{s.statusLocked(rt, rt.ackID)}
		}
		s.mu.RUnlock()
		if !ok {
			return unknownRetrieval(ack, caller)
		}
		return writeJSON(w, http.StatusOK, bag)
	}
	s.mu.Lock()
	ix := s.st.office(caller)
	list := make([]*retrieval, 0, len(ix.pending)+len(ix.fresh))
	for _, rt := range ix.pending {
		list = append(list, rt)
	}
	list = append(list, ix.fresh...)
	ix.fresh = nil
	slices.SortFunc(list, func(a, b *retrieval) int { return int(a.seq) - int(b.seq) })
	bag := protocol.StatusBag{Bag: make([]protocol.RetrievalStatus, 0, len(list))}
	for _, rt := range list {
		bag.Bag = append(bag.Bag, s.statusLocked(rt, rt.ackID))
	}
	s.mu.Unlock()
	return writeJSON(w, http.StatusOK, bag)
}

// statusLocked renders rt under the ack id its reader knows it by.
func (s *Server) statusLocked(rt *retrieval, ackID string) protocol.RetrievalStatus {
	st := protocol.RetrievalStatus{RequestAckID: ackID, OperationCategory: "retrieval", RequestStatusCategory: rt.status,
		DocumentKindCategory: rt.kind, DocumentNumber: rt.number, DocumentDate: rt.date}
	msg := rt.message
	if rt.status == statusError {
		st.ErrorCode = ptr(rt.errorCode)
	}
	if !rt.availableAt.IsZero() {
		st.DocumentAvailabilityDate = ptr(rfc3339(rt.availableAt))
	}
	if f := rt.delivery; f != nil {
		st.FileID, st.FileStatusCategory = ptr(f.id), f.status
		if f.status == fileDeleted || f.status == fileExpired {
			msg = "document no longer in transit: file " + f.message
		}
	}
	if len(msg) > 1024 {
		msg = msg[:1024]
	}
	st.StatusMessage = &msg
	return st
}

// setRetrievalFile is PUT retrievals (flow c.3 step 5): the OFF names, by the
// ack id it issued itself, the file it uploaded into the transit zone.
func (s *Server) setRetrievalFile(w http.ResponseWriter, r *http.Request, caller string) error {
	var req protocol.RetrievalFileUpdate
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	s.mu.RLock()
	rt, ok := s.st.offAcks[offAckKey(caller, req.RequestAckID)]
	var status string
	if ok {
		status = rt.status
	}
	s.mu.RUnlock()
	if !ok {
		return unknownRetrieval(req.RequestAckID, caller)
	}
	if status != statusPending {
		return conflict(protocol.DetailInvalidField, "retrieval %s is already complete (status %s): its file can no longer change", req.RequestAckID, status)
	}
	f, _, err := s.takeUpload(r.Context(), caller, req.FileID, "retrieval "+req.RequestAckID, http.StatusNotFound)
	if err != nil {
		return err
	}
	s.mu.Lock()
	if prev := rt.offFile; prev != nil {
		prev.usedBy, prev.message = "", "file accepted; replaced on retrieval "+req.RequestAckID
		s.scheduleExpiryLocked(prev, s.deps.clock.Now())
	}
	rt.offFile = f
	rt.message = "file " + f.id + " recorded, waiting for the notification of office " + caller
	st := s.statusLocked(rt, req.RequestAckID)
	st.FileID = ptr(f.id)
	st.FileStatusCategory = f.status
	st.StatusMessage = ptr(rt.message)
	s.mu.Unlock()
	return writeJSON(w, http.StatusOK, st)
}
