package office

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/wipo-das/dasim/simulators/bearer"
	"github.com/wipo-das/dasim/simulators/priority"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// Defects break the protocol on purpose (dasim office --defect), so that
// certification can be shown to catch each obligation of an office of
// first filing broken (simulators/faults covers server errors, dropped
// notifications, altered bytes, expired URLs and slowness). The zero value
// is a correct office. docs/certify-off.md lists them with the obligation
// each breaks.
type Defects struct {
	// NonWIPOErrors answers every error as text/plain, not as WIPO's
	// {code, message, details[]} body.
	NonWIPOErrors bool
	// OmitRetrievalAckID leaves requestAckId out of the answer to a
	// forwarded POST retrievals (das.yaml requires it).
	OmitRetrievalAckID bool

	Auth AuthDefects

	// Lookup of forwarded retrievals (WIPO's -7, -12, -14).
	IgnoreFilingDate  bool // any documentDate matches
	IgnoreAccessCode  bool // any dasAccessCode matches
	CaseSensitiveCode bool // "ab21" does not match "AB21"
	IgnoreKind        bool // the number alone finds the document
	FirstMismatchOnly bool // both wrong: only -12 is reported
	NotRegistered404  bool // an unknown document is 404 NOT_FOUND, not 400 -7

	// Ack ids.
	SameAckID         bool // every forwarded retrieval gets the first ack id
	NotifyWrongAck    bool // notifications name another ack id than the one answered
	SetFileWrongAck   bool // c.3 PUT retrievals names another ack id
	NotifyWithoutDate bool // success notifications lack documentAvailabilityDate (das.yaml)

	// The document behind the office's download links.
	SecondDownloadDiffers  bool // a link's second download serves other bytes
	WrongSize              bool // fileSizeQuantity is one more than the size
	WrongAnnouncedChecksum bool // fileChecksum is the SHA-256 of other bytes
	UncheckedLinks         bool // links are served without checking their signature

	// The office's own calls to DAS.
	DateDDMMYYYY      bool // registrations carry documentDate as DD/MM/YYYY
	UpperCaseChecksum bool // POST files/url-uploads carries the checksum in upper case
	EmptyUpload       bool // uploads zero bytes instead of the document
	UploadOtherBytes  bool // uploads other bytes than the document (with their checksum)

	// Flows the office starts itself.
	CorrectionKeepsDate  bool // a filing date correction sends the old date
	ReplaceWithoutUpload bool // a content replacement sends PUT registrations without a new file
}

// AuthDefects weaken the office's check of DAS's tokens, one check each.
type AuthDefects struct {
	AcceptNoToken       bool // a request without Authorization is let in
	AcceptAnySignature  bool // the signature is not verified
	AcceptEmbeddedKey   bool // a token bringing its key in its header (jwk) is trusted
	AcceptAlgNone       bool // alg none is accepted
	AcceptHS256         bool // HS256 is accepted (the public key taken as the HMAC secret)
	AcceptExpired       bool // exp is not checked
	AcceptNotYetValid   bool // nbf is not checked
	AcceptOtherIssuer   bool // iss is not checked
	AcceptNoScope       bool // the scope is not checked
	AcceptOtherClient   bool // sub is not checked against DAS's client id
	CheckRetrievalsOnly bool // only POST retrievals checks the token
	RevealOnRefusal     bool // a refusal names the document asked for
	NoChallenge         bool // a refusal carries no WWW-Authenticate
	ActOnRefused        bool // a refused POST retrievals is still prepared (and notified)
	AcceptWIPOTokens    bool // setup B: WIPO's tokens are accepted too, not only its own server's
}

// authenticated is the office's check of DAS's token in front of api: the
// verifier, weakened by Defects.Auth.
func (o *Office) authenticated(api http.Handler, refuse bearer.RefusalFunc) http.Handler {
	d := o.cfg.Defects.Auth
	if d == (AuthDefects{}) {
		return o.verifier.Middleware(api, refuse)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, e := o.verifier.Authenticate(r)
		if e == nil || o.excused(r, e) {
			api.ServeHTTP(w, r)
			return
		}
		if d.ActOnRefused && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/retrievals") {
			o.endpoint(o.receiveRetrieval).ServeHTTP(discard{}, r)
		}
		if d.RevealOnRefusal {
			e.Description += " (for " + o.askedFor(r) + ")"
		}
		if d.NoChallenge {
			w = noChallenge{w}
		}
		refuse(w, r, e)
	})
}

// excused reports whether a defect lets the refused request e through.
func (o *Office) excused(r *http.Request, e *bearer.Error) bool {
	d := o.cfg.Defects.Auth
	if d.CheckRetrievalsOnly && !(r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/retrievals")) {
		return true
	}
	if r.Header.Get("Authorization") == "" {
		return d.AcceptNoToken
	}
	if d.AcceptWIPOTokens && o.wipoVerifier != nil {
		if _, e := o.wipoVerifier.Authenticate(r); e == nil {
			return true
		}
	}
	hdr := tokenHeader(r.Header.Get("Authorization"))
	switch {
	case d.AcceptAlgNone && hdr.Alg == "none", d.AcceptHS256 && hdr.Alg == "HS256",
		d.AcceptEmbeddedKey && hdr.JWK != nil:
		return true
	}
	desc := e.Description
	switch e.CheckID {
	case "R5":
		return d.AcceptAnySignature && strings.Contains(desc, "signature does not verify")
	case "R6":
		return d.AcceptExpired && strings.Contains(desc, "expired") || d.AcceptNotYetValid && strings.Contains(desc, "not valid before")
	case "R7":
		return d.AcceptOtherIssuer
	case "R10":
		return d.AcceptNoScope
	case "R11":
		return d.AcceptOtherClient
	}
	return false
}

// tokenHeader reads a bearer token's JOSE header, unverified: a deliberately
// broken office deciding what to trust from it.
func tokenHeader(authorization string) (h struct {
	Alg string          `json:"alg"`
	JWK json.RawMessage `json:"jwk"`
}) {
	_, tok, _ := strings.Cut(authorization, " ")
	seg, _, _ := strings.Cut(tok, ".")
	if b, err := base64.RawURLEncoding.DecodeString(seg); err == nil {
		_ = json.Unmarshal(b, &h)
	}
	return h
}

// askedFor names the document a refused request was about.
func (o *Office) askedFor(r *http.Request) string {
	if r.Body != nil && r.Method == http.MethodPost {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		r.Body = io.NopCloser(bytes.NewReader(b))
		var req struct{ DocumentNumber string }
		if json.Unmarshal(b, &req) == nil && req.DocumentNumber != "" {
			return req.DocumentNumber
		}
	}
	if ack := r.URL.Query().Get("requestAckId"); ack != "" {
		o.mu.Lock()
		defer o.mu.Unlock()
		if f, ok := o.forwarded[ack]; ok {
			return f.doc.Number + " sha256 " + f.doc.Checksum()
		}
		return ack
	}
	for _, d := range o.Documents() {
		return d.Number
	}
	return r.URL.Path
}

type noChallenge struct{ http.ResponseWriter }

func (n noChallenge) WriteHeader(status int) {
	n.Header().Del("WWW-Authenticate")
	n.ResponseWriter.WriteHeader(status)
}

func (n noChallenge) Write(b []byte) (int, error) {
	n.Header().Del("WWW-Authenticate")
	return n.ResponseWriter.Write(b)
}

// discard is where the answer of a call the office acts on after refusing
// it goes.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}

// lookupDefects weakens the lookup of a forwarded retrieval: it returns the
// key as the weakened office compares it (kind, date, access code taken
// from the document when the check is skipped).
func (o *Office) lookupDefects(kind, number, date, code string) (string, string, string) {
	d := o.cfg.Defects
	if !d.IgnoreKind && !d.IgnoreFilingDate && !d.IgnoreAccessCode {
		return kind, date, code
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, st := range o.docs {
		if st.doc.Number != number {
			continue
		}
		if d.IgnoreKind {
			kind = st.doc.KindCategory()
		}
		if d.IgnoreFilingDate {
			date = st.doc.FilingDate
		}
		if d.IgnoreAccessCode {
			code = st.doc.AccessCode
		}
	}
	return kind, date, code
}

// ackDefect is the ack id the office answers a forwarded retrieval with.
func (o *Office) ackDefect(ack string) string {
	if !o.cfg.Defects.SameAckID {
		return ack
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.firstAck == "" {
		o.firstAck = ack
	}
	return o.firstAck
}

// notificationDefects alters a notification to DAS.
func (o *Office) notificationDefects(n protocol.Notification) protocol.Notification {
	if o.cfg.Defects.NotifyWrongAck {
		n.RequestAckID += "-1"
	}
	if o.cfg.Defects.NotifyWithoutDate && n.RequestStatusCategory == "success" {
		n.DocumentAvailabilityDate = ""
	}
	return n
}

// downloadDefects alters the office's answer to files/url-downloads.
func (o *Office) downloadDefects(dl protocol.URLDownloadResponse) protocol.URLDownloadResponse {
	if o.cfg.Defects.WrongSize && dl.FileSizeQuantity != nil {
		n := *dl.FileSizeQuantity + 1
		dl.FileSizeQuantity = &n
	}
	if o.cfg.Defects.WrongAnnouncedChecksum {
		dl.FileChecksum = strings.Repeat("0", 64)
	}
	return dl
}

// servedDefects alters the bytes of the n-th download of a link.
func (o *Office) servedDefects(body []byte, n int) []byte {
	if o.cfg.Defects.SecondDownloadDiffers && n > 1 {
		b := append([]byte(nil), body...)
		b[len(b)-1] ^= 0x01
		return b
	}
	return body
}

// uploadDefects alters what the office uploads and the checksum it
// announces for it.
func (o *Office) uploadDefects(req protocol.URLUploadRequest, content []byte) (protocol.URLUploadRequest, []byte) {
	d := o.cfg.Defects
	switch {
	case d.EmptyUpload:
		content = []byte{}
	case d.UploadOtherBytes:
		content = append(append([]byte(nil), content...), []byte("\n% altered by the office\n")...)
		req.FileChecksum = priority.Document{Content: content}.Checksum()
	}
	if d.UpperCaseChecksum {
		req.FileChecksum = strings.ToUpper(req.FileChecksum)
	}
	return req, content
}

// registrationDefects alters a registration body the office sends.
func (o *Office) registrationDefects(body protocol.RegistrationRequest) protocol.RegistrationRequest {
	if o.cfg.Defects.DateDDMMYYYY {
		if t, err := time.Parse(time.DateOnly, body.DocumentDate); err == nil {
			body.DocumentDate = t.Format("02/01/2006")
		}
	}
	return body
}
