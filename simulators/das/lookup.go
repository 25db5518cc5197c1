package das

import (
	"strings"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// lookupLocked finds the registration a retrieval names and checks its key,
// answering with WIPO's codes (das-domain.md §2, W2): -7 when no document of
// that number AND kind is registered ("wrong number or wrong kind ⇒ -7"),
// -12 for a wrong filing date, -14 for a wrong access code, both together
// when both are wrong. s.mu is held (read).
//
// Disclosure. WIPO's observed messages read
//
//	Mismatched priority filing date: documentDate: expected documentDate=2021-09-06
//	Mismatched access code: dasAccessCode: expected dasAccessCode=AB21
//
// and AB21 is also the code of WIPO's example request, so dasim reads the
// value as an echo of what the caller SENT. dasim keeps WIPO's wording (clients
// parse it) with the caller's value, and adds why: the registered date and
// access code are the document's secret key and are never disclosed to the
// retrieving office, or a wrong guess would reveal the right one.
func (s *Server) lookupLocked(kind, number, date, code string) (*registration, *protocol.DASError) {
	reg := s.st.registrations[docKey(kind, number)]
	if reg == nil {
		return nil, notRegistered(number, kind)
	}
	if reg.withdrawn {
		return nil, invalidInput(protocol.DetailWithdrawn,
			"The requested document was withdrawn by its office of first filing: documentNumber=%s, documentKindCategory=%s", number, kind)
	}
	e := protocol.NewInvalidInput()
	if date != reg.date && s.cfg.Defects.DateMismatchAsAccessCode {
		e.Add(protocol.DetailAccessCodeMismatch, "Mismatched access code: dasAccessCode")
	} else if date != reg.date {
		e.Add(protocol.DetailFilingDateMismatch,
			"Mismatched priority filing date: documentDate: expected documentDate=%s (the value received; it differs from the registered priority filing date, which is not disclosed)", date)
	}
	if !strings.EqualFold(code, reg.accessCode) && s.cfg.Defects.LeakAccessCode {
		e.Add(protocol.DetailAccessCodeMismatch, "Mismatched access code: dasAccessCode: expected dasAccessCode=%s", reg.accessCode)
	} else if !strings.EqualFold(code, reg.accessCode) {
		e.Add(protocol.DetailAccessCodeMismatch,
			"Mismatched access code: dasAccessCode: expected dasAccessCode=%s (the value received; it differs from the registered access code, which is never disclosed)", strings.ToUpper(code))
	}
	if len(e.Details) > 0 {
		return nil, e
	}
	return reg, nil
}
