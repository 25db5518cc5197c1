package office

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/wipo-das/dasim/simulators/faults"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// downloadURLByAck is GET files/url-downloads by the office's ack id: "WIPO
// DAS retrieves the file location URL" of a document the OFF keeps (c.2).
func (o *Office) downloadURLByAck(w http.ResponseWriter, r *http.Request) error {
	ack := r.URL.Query().Get("requestAckId")
	return o.answerDownloadURL(w, ack, "getFileDownloadUrl")
}

// downloadURLByDocument is the Java sample project's POST form, the document
// key in the body; osfAckId names the office's ack id.
func (o *Office) downloadURLByDocument(w http.ResponseWriter, r *http.Request) error {
	var req protocol.URLDownloadRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	o.mu.Lock()
	f, ok := o.forwarded[req.OsfAckID]
	o.mu.Unlock()
	if ok && (f.doc.Number != req.DocumentNumber || f.doc.KindCategory() != req.DocumentKindCategory) {
		return protocol.NewDASError(http.StatusBadRequest, protocol.CodeInvalidInputData, protocol.DetailNotRegistered,
			"retrieval %s is for %s %s, not %s %s", req.OsfAckID, f.doc.KindCategory(), f.doc.Number, req.DocumentKindCategory, req.DocumentNumber)
	}
	return o.answerDownloadURL(w, req.OsfAckID, "requestFileDownloadUrl")
}

func (o *Office) answerDownloadURL(w http.ResponseWriter, ack, operation string) error {
	o.mu.Lock()
	f, ok := o.forwarded[ack]
	var ready bool
	var failed string
	if ok {
		ready, failed = f.ready, f.failed
	}
	o.mu.Unlock()
	switch {
	case !ok:
		return protocol.NewDASError(http.StatusNotFound, protocol.CodeNotFound, protocol.DetailUnknownRequest,
			"no retrieval with requestAckId=%s at office %s", ack, o.cfg.Code)
	case failed != "":
		return protocol.NewDASError(http.StatusConflict, protocol.CodeConflict, protocol.DetailTransferFailed,
			"retrieval %s failed at office %s: %s", ack, o.cfg.Code, clip(failed))
	case !ready:
		return protocol.NewDASError(http.StatusConflict, protocol.CodeConflict, protocol.DetailNotReady,
			"the document of retrieval %s is not available yet (status pending)", ack)
	}
	expires := o.deps.clock.Now().Add(o.cfg.DownloadURLTTL)
	if o.deps.faults.ExpireURL(o.party, operation) {
		expires = o.deps.clock.Now().Add(-time.Second)
	}
	size := int64(len(f.doc.Content))
	return writeJSON(w, http.StatusOK, o.downloadDefects(protocol.URLDownloadResponse{FileDownloadURL: o.signedLink(ack, expires),
		FileDownloadURLExpiryDate: expires.UTC().Format(time.RFC3339), FileFormatCategory: f.doc.FileFormat(),
		FileChecksum: f.doc.Checksum(), FileSizeQuantity: &size}))
}

// signedLink is the office's own expiring link: HMAC-SHA256 over path and
// expiry with a secret only the office knows, checked against the world clock.
func (o *Office) signedLink(ack string, expires time.Time) string {
	path := FilesPath + url.PathEscape(ack)
	exp := strconv.FormatInt(expires.Unix(), 10)
	q := url.Values{"expires": {exp}, "signature": {o.sign(path, exp)}}
	return o.cfg.BaseURL + path + "?" + q.Encode()
}

func (o *Office) sign(path, expires string) string {
	m := hmac.New(sha256.New, o.linkSecret)
	m.Write([]byte(path + "\n" + expires))
	return hex.EncodeToString(m.Sum(nil))
}

// serveFile answers GET on a signed link with the document's bytes.
func (o *Office) serveFile(w http.ResponseWriter, r *http.Request) {
	ack := r.PathValue("ack")
	exp := r.URL.Query().Get("expires")
	sig, _ := hex.DecodeString(r.URL.Query().Get("signature"))
	want, _ := hex.DecodeString(o.sign(FilesPath+url.PathEscape(ack), exp))
	if !hmac.Equal(sig, want) && !o.cfg.Defects.UncheckedLinks {
		http.Error(w, "signature does not match this link (path and expires are signed)", http.StatusForbidden)
		return
	}
	unix, err := strconv.ParseInt(exp, 10, 64)
	now := o.deps.clock.Now()
	if (err != nil || !now.Before(time.Unix(unix, 0))) && !o.cfg.Defects.UncheckedLinks {
		http.Error(w, fmt.Sprintf("link expired at %s, clock is %s", time.Unix(unix, 0).UTC().Format(time.RFC3339),
			now.UTC().Format(time.RFC3339)), http.StatusForbidden)
		return
	}
	o.mu.Lock()
	f, ok := o.forwarded[ack]
	var body []byte
	var ctype string
	if ok {
		body, ctype = f.doc.Content, f.doc.ContentType()
		if o.downloads == nil {
			o.downloads = map[string]int{}
		}
		o.downloads[ack]++
		body = o.servedDefects(body, o.downloads[ack])
	}
	o.mu.Unlock()
	if !ok {
		http.Error(w, "no such retrieval", http.StatusNotFound)
		return
	}
	body = o.deps.faults.Served(o.party, faults.OpDownloadFile, body)
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}
