package office

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/wipo-das/dasim/simulators/priority"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// forwarded is a retrieval DAS forwarded to this office as OFF.
type forwarded struct {
	ack         string
	doc         Document // as it was when DAS asked
	hosting     Hosting
	requestedBy string // requestingOfficeCode, when DAS says
	ready       bool   // the download link may be handed out (c.2)
	failed      string // why preparing failed
	fileID      string // c.3: the upload set with PUT retrievals
	notified    int    // notifications that reached DAS
}

// ForwardedRetrieval is what the office knows of a retrieval DAS forwarded.
type ForwardedRetrieval struct {
	AckID       string
	Number      string
	Hosting     Hosting
	RequestedBy string
	Ready       bool
	Failed      string
	FileID      string
	Notified    int
}

// Forwarded returns the retrievals DAS forwarded to the office, by its ack id.
func (o *Office) Forwarded() map[string]ForwardedRetrieval {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make(map[string]ForwardedRetrieval, len(o.forwarded))
	for k, f := range o.forwarded {
		out[k] = ForwardedRetrieval{AckID: f.ack, Number: f.doc.Number, Hosting: f.hosting, RequestedBy: f.requestedBy,
			Ready: f.ready, Failed: f.failed, FileID: f.fileID, Notified: f.notified}
	}
	return out
}

// receiveRetrieval is a forwarded POST retrievals (flows c.2 and c.3, step 2:
// "WIPO DAS forwards the retrieval request to the OFF and receives a request
// acknowledgement id issued by OFF"). The key is checked as DAS checks it
// (-7, -12, -14, several details at once); the ack comes back at once and the
// document is prepared later on the world clock.
func (o *Office) receiveRetrieval(w http.ResponseWriter, r *http.Request) error {
	var req protocol.RetrievalRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if o.deps.checkNumber != nil {
		if e := o.deps.checkNumber(req.DocumentNumber); e != nil {
			return e
		}
	}
	doc, hosting, err := o.lookup(req.DocumentKindCategory, req.DocumentNumber, req.DocumentDate, req.DasAccessCode)
	if err != nil {
		return err
	}
	f := &forwarded{ack: o.ackDefect(o.nextID("OFF")), doc: doc, hosting: hosting, requestedBy: req.RequestingOfficeCode,
		ready: o.cfg.PrepareDelay < 0}
	o.mu.Lock()
	o.forwarded[f.ack] = f
	o.mu.Unlock()
	if !f.ready {
		o.work.AfterFunc(o.cfg.PrepareDelay, func(context.Context) { o.prepare(f) })
	}
	msg := "retrieval - recorded"
	ack := protocol.RetrievalAck{RequestAckID: f.ack, OperationCategory: "retrieval",
		RequestStatusCategory: "pending", StatusMessage: &msg}
	if o.cfg.Defects.OmitRetrievalAckID {
		return writeJSON(w, http.StatusCreated, map[string]string{"operationCategory": ack.OperationCategory,
			"requestStatusCategory": ack.RequestStatusCategory, "statusMessage": msg})
	}
	return writeJSON(w, http.StatusCreated, ack)
}

// lookup checks a retrieval key against the library with WIPO's detail codes.
func (o *Office) lookup(kind, number, date, code string) (Document, Hosting, error) {
	kind, date, code = o.lookupDefects(kind, number, date, code)
	o.mu.Lock()
	st, ok := o.docs[priority.ID(kindOr(kind), number)]
	var doc Document
	var hosting Hosting
	withdrawn := false
	if ok {
		doc, hosting, withdrawn = st.doc, st.hosting, st.withdrawn
	}
	o.mu.Unlock()
	if !ok && o.cfg.Defects.NotRegistered404 {
		return doc, hosting, protocol.NewDASError(http.StatusNotFound, protocol.CodeNotFound, protocol.DetailUnknownRequest,
			"no document %s", number)
	}
	if !ok {
		// WIPO's message, verbatim (das-domain.md §2).
		return doc, hosting, protocol.NewDASError(http.StatusBadRequest, protocol.CodeInvalidInputData, protocol.DetailNotRegistered,
			"The requested document is not registered in the system: documentNumber=%s, documentKindCategory=%s", number, kindOr(kind))
	}
	if withdrawn {
		return doc, hosting, protocol.NewDASError(http.StatusBadRequest, protocol.CodeInvalidInputData, protocol.DetailWithdrawn,
			"document %s was withdrawn by office %s", number, o.cfg.Code)
	}
	e := protocol.NewInvalidInput()
	if date != doc.FilingDate {
		e.Add(protocol.DetailFilingDateMismatch, "Mismatched priority filing date: documentDate: expected documentDate=%s", doc.FilingDate)
	}
	if !strings.EqualFold(code, doc.AccessCode) || (o.cfg.Defects.CaseSensitiveCode && code != doc.AccessCode) {
		e.Add(protocol.DetailAccessCodeMismatch, "Mismatched access code: dasAccessCode: expected dasAccessCode=%s", strings.ToUpper(doc.AccessCode))
	}
	if len(e.Details) > 1 && o.cfg.Defects.FirstMismatchOnly {
		e.Details = e.Details[:1]
	}
	if len(e.Details) > 0 {
		return doc, hosting, e
	}
	return doc, hosting, nil
}

// prepare makes a forwarded retrieval's document available, then notifies
// DAS by the office's ack id: c.2, the office's own download link; c.3, "OFF
// requests a presigned url ... uploads ... into DAS transit zone ... updates
// the retrieval file id ... (PUT retrievals) ... notifies WIPO DAS".
func (o *Office) prepare(f *forwarded) {
	if f.hosting != Transit {
		o.mu.Lock()
		f.ready = true
		o.mu.Unlock()
		o.notifyDAS(f, o.availability(f))
		return
	}
	o.retry(func(ctx context.Context) error { return o.pushThroughTransit(ctx, f) }, func(err error) {
		if err != nil {
			o.mu.Lock()
			f.failed = err.Error()
			o.mu.Unlock()
			code := protocol.DetailTransferFailed
			o.notifyDAS(f, protocol.Notification{RequestAckID: f.ack, RequestStatusCategory: "error", ErrorCode: &code,
				StatusMessage:        clip(fmt.Sprintf("office %s could not put the document into the DAS transit zone: %v", o.cfg.Code, err)),
				DocumentKindCategory: f.doc.KindCategory(), DocumentNumber: f.doc.Number, DocumentDate: f.doc.FilingDate})
			return
		}
		o.notifyDAS(f, o.availability(f))
	})
}

// pushThroughTransit is c.3 steps 3-5.
func (o *Office) pushThroughTransit(ctx context.Context, f *forwarded) error {
	fileID, err := o.uploadFile(ctx, f.doc)
	if err != nil {
		return err
	}
	ack := f.ack
	if o.cfg.Defects.SetFileWrongAck {
		ack += "-1"
	}
	if _, _, err := o.das.SetRetrievalFile(ctx, protocol.RetrievalFileUpdate{RequestAckID: ack, FileID: fileID}); err != nil {
		return err
	}
	o.mu.Lock()
	f.fileID, f.ready = fileID, true
	o.mu.Unlock()
	return nil
}

func (o *Office) availability(f *forwarded) protocol.Notification {
	o.mu.Lock()
	defer o.mu.Unlock()
	return protocol.Notification{RequestAckID: f.ack, RequestStatusCategory: "success",
		DocumentAvailabilityDate: o.deps.clock.Now().UTC().Format(time.RFC3339),
		DocumentKindCategory:     f.doc.KindCategory(), DocumentNumber: f.doc.Number, DocumentDate: f.doc.FilingDate,
		FileID: f.fileID, FileChecksum: f.doc.Checksum()}
}

// notifyDAS POSTs notifications to DAS through the notification faults, each
// delivery retried on the world clock.
func (o *Office) notifyDAS(f *forwarded, n protocol.Notification) {
	n = o.notificationDefects(n)
	o.outbox.Deliver("notify", func() {
		o.retry(func(ctx context.Context) error { _, err := o.das.Notify(ctx, n); return err }, func(err error) {
			if err != nil {
				o.deps.logger.Warn("office: notification to DAS lost", "office", o.cfg.Code, "ack", f.ack, "error", err)
				return
			}
			o.mu.Lock()
			f.notified++
			o.mu.Unlock()
		})
	})
}

func clip(s string) string {
	if len(s) > 1000 {
		return s[:1000]
	}
	return s
}
