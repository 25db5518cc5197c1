package das

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// registrationCertificate is GET registrations/certificates, the call with
// which WIPO's Java sample project ends a registration (docs/wipo-java-sample.md):
//
//	GET {das}/registrations/certificates?documentKindCategory=&documentNumber=&documentDate=&dasAccessCode=
//
// It answers the PDF certificate of registration of one of the caller's
// documents. The query is the document's full key, checked as a retrieval's
// is (-7 not registered, -12 filing date, -14 access code, both at once); a
// document another office registered is answered exactly like one never
// registered, so the call tells an office nothing about another's documents.
func (s *Server) registrationCertificate(w http.ResponseWriter, r *http.Request, caller string) error {
	q := r.URL.Query()
	kind, number := q.Get("documentKindCategory"), q.Get("documentNumber")
	s.mu.RLock()
	var c certificate
	reg, e := s.st.registrations[docKey(kind, number)], (*protocol.DASError)(nil)
	if reg != nil && reg.office != caller {
		e = notRegistered(number, kind)
	} else {
		reg, e = s.lookupLocked(kind, number, q.Get("documentDate"), q.Get("dasAccessCode"))
	}
	if e == nil {
		c = certificate{kind: reg.kind, number: reg.number, date: reg.date, office: reg.office, ackID: reg.ackID,
			registeredAt: rfc3339(reg.registeredAt), hosting: hostingText(reg.hosting)}
	}
	s.mu.RUnlock()
	if e != nil {
		return e
	}
	body := certificatePDF(c)
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Content-Disposition", `attachment; filename="`+certificateFileName(c.number)+`"`)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(body)
	return err
}

func hostingText(h hosting) string {
	if h == hostedLibrary {
		return "in the DAS digital library"
	}
	return "by the office of first filing (DAS forwards retrievals to it)"
}

// certificateFileName is a file name safe in a quoted-string (RFC 6266 §4.1).
func certificateFileName(number string) string {
	return "certificate-" + strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '_'
	}, number) + ".pdf"
}

// notRegistered is WIPO's -7, in the words WIPO's acceptance system answers
// with (das.yaml ErrorDetail; a wrong number or a wrong kind both get it).
func notRegistered(number, kind string) *protocol.DASError {
	return invalidInput(protocol.DetailNotRegistered,
		"The requested document is not registered in the system: documentNumber=%s, documentKindCategory=%s", number, kind)
}
