package das

import (
	"net/http"
	"strings"

	"github.com/wipo-das/dasim/simulators/protocol"
	"github.com/wipo-das/dasim/simulators/store"
)

// requestRetrieval is POST retrievals (flow c.1 step 2a): lookup errors are
// answered at once (400, -7/-12/-14/-20); otherwise the retrieval is recorded
// as pending, with the timer that has DAS prepare the document at once.
func (s *Server) requestRetrieval(w http.ResponseWriter, r *http.Request, caller string) error {
	var req protocol.RetrievalRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	id, err := s.ids.next()
	if err != nil {
		return err
	}
	owner, roIB := docOwner(req.DocumentNumber)
	rt := retrieval{AckID: id, OSF: caller, Kind: req.DocumentKindCategory, Number: req.DocumentNumber, Date: req.DocumentDate,
		AccessCode: strings.ToUpper(req.DasAccessCode), AppCategory: req.ApplicationCategory, AppNumber: req.ApplicationNumber,
		AppDate: req.ApplicationFilingDate, Status: statusPending, OFF: owner, CreatedAt: s.deps.clock.Now()}
	err = s.update(r.Context(), func(tx *txn) error {
		if roIB {
			// PCT DAS checks the key of RO/IB documents itself (PCTSource).
			rt.Source, rt.Message = fromPCT, "retrieval - recorded; fetching the document from PCT DAS"
		} else {
			reg, err := lookup(tx, req.DocumentKindCategory, req.DocumentNumber, req.DocumentDate, req.DasAccessCode, s.cfg.Defects)
			if err != nil {
				return err
			}
			rt.Registration, rt.OFF = reg.Key, reg.Office
			if reg.Hosting == hostedLibrary {
				rt.Source, rt.Message = fromLibrary, "retrieval - recorded"
			} else {
				rt.Source, rt.Message = fromOffice, "retrieval - recorded; forwarding to the office of first filing "+reg.Office
			}
		}
		if err := tx.PutRetrieval(&rt); err != nil {
			return err
		}
		return tx.schedule(s.dueNow(timerPrepare, id))
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, protocol.RetrievalAck{RequestAckID: id, OperationCategory: "retrieval",
		RequestStatusCategory: statusPending, StatusMessage: ptr(rt.Message)})
}

// retrievalStatuses is GET retrievals/statuses: one retrieval by ack id, or
// the caller's "retrievals in process or newly completed" (WIPO W1): those
// pending, plus those completed since the caller last listed them.
func (s *Server) retrievalStatuses(w http.ResponseWriter, r *http.Request, caller string) error {
	if ack := r.URL.Query().Get("requestAckId"); ack != "" {
		var bag protocol.StatusBag
		var ok bool
		err := s.view(r.Context(), func(tx store.DASTx) error {
			rt, found, err := s.visibleRetrieval(tx, ack, caller)
			if ok = found; err != nil || !found {
				return err
			}
			st, err := statusOf(tx, rt, rt.AckID)
			bag.Bag = []protocol.RetrievalStatus{st}
			return err
		})
		if err != nil {
			return err
		}
		if !ok {
			return unknownRetrieval(ack, caller)
		}
		return writeJSON(w, http.StatusOK, bag)
	}
	// Most listings find nothing newly completed and only read; one that
	// does marks what it shows as listed, in a transaction.
	bag, fresh, err := s.listStatuses(r, caller, nil)
	if err == nil && fresh {
		err = s.update(r.Context(), func(tx *txn) (err error) { bag, _, err = s.listStatuses(r, caller, tx); return err })
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, bag)
}

// listStatuses renders the caller's open retrievals; with tx it also marks
// the completed ones listed. fresh says some were completed and unlisted.
func (s *Server) listStatuses(r *http.Request, caller string, tx *txn) (protocol.StatusBag, bool, error) {
	var bag protocol.StatusBag
	var fresh bool
	list := func(rtx store.DASTx) error {
		open, err := rtx.OpenRetrievals(caller)
		if err != nil {
			return err
		}
		bag.Bag = make([]protocol.RetrievalStatus, 0, len(open))
		for _, rt := range open {
			st, err := statusOf(rtx, rt, rt.AckID)
			if err != nil {
				return err
			}
			bag.Bag = append(bag.Bag, st)
			if rt.Status == statusPending {
				continue
			}
			fresh = true
			if tx != nil {
				rt.Listed = true
				if err := tx.PutRetrieval(&rt); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if tx != nil {
		return bag, fresh, list(tx)
	}
	return bag, fresh, s.view(r.Context(), list)
}

// statusOf renders rt under the ack id its reader knows it by.
func statusOf(tx store.DASTx, rt retrieval, ackID string) (protocol.RetrievalStatus, error) {
	st := protocol.RetrievalStatus{RequestAckID: ackID, OperationCategory: "retrieval", RequestStatusCategory: rt.Status,
		DocumentKindCategory: rt.Kind, DocumentNumber: rt.Number, DocumentDate: rt.Date}
	msg := rt.Message
	if rt.Status == statusError {
		st.ErrorCode = ptr(rt.ErrorCode)
	}
	if !rt.AvailableAt.IsZero() {
		st.DocumentAvailabilityDate = ptr(rfc3339(rt.AvailableAt))
	}
	if rt.Delivery != "" {
		f, _, err := tx.File(rt.Delivery)
		if err != nil {
			return st, err
		}
		st.FileID, st.FileStatusCategory = ptr(f.ID), f.Status
		if f.Status == fileDeleted || f.Status == fileExpired {
			msg = "document no longer in transit: file " + f.Message
		}
	}
	if len(msg) > 1024 {
		msg = msg[:1024]
	}
	st.StatusMessage = &msg
	return st, nil
}

// setRetrievalFile is PUT retrievals (flow c.3 step 5): the OFF names, by the
// ack id it issued itself, the file it uploaded into the transit zone.
func (s *Server) setRetrievalFile(w http.ResponseWriter, r *http.Request, caller string) error {
	var req protocol.RetrievalFileUpdate
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	pendingCheck := func(tx store.DASTx) (retrieval, error) {
		rt, ok, err := tx.RetrievalByOFFAck(caller, req.RequestAckID)
		switch {
		case err != nil:
			return rt, err
		case !ok:
			return rt, unknownRetrieval(req.RequestAckID, caller)
		case rt.Status != statusPending:
			return rt, conflict(protocol.DetailInvalidField, "retrieval %s is already complete (status %s): its file can no longer change", req.RequestAckID, rt.Status)
		}
		return rt, nil
	}
	if err := s.view(r.Context(), func(tx store.DASTx) error { _, err := pendingCheck(tx); return err }); err != nil {
		return err
	}
	if _, err := s.checkUpload(r.Context(), caller, req.FileID, http.StatusNotFound); err != nil {
		return err
	}
	var st protocol.RetrievalStatus
	err := s.update(r.Context(), func(tx *txn) error {
		rt, err := pendingCheck(tx)
		if err != nil {
			return err
		}
		f, err := claimUpload(tx, caller, req.FileID, "retrieval "+req.RequestAckID, http.StatusNotFound)
		if err != nil {
			return err
		}
		if rt.OFFFile != "" && rt.OFFFile != f.ID {
			if err := releaseUploadTx(tx, rt.OFFFile, "file accepted; replaced on retrieval "+req.RequestAckID); err != nil {
				return err
			}
		}
		rt.OFFFile = f.ID
		rt.Message = "file " + f.ID + " recorded, waiting for the notification of office " + caller
		if err := tx.PutRetrieval(&rt); err != nil {
			return err
		}
		if st, err = statusOf(tx, rt, req.RequestAckID); err != nil {
			return err
		}
		st.FileID, st.FileStatusCategory, st.StatusMessage = ptr(f.ID), f.Status, ptr(rt.Message)
		return nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, st)
}
