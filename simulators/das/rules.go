package das

import (
	"slices"
	"strings"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// pctDAS is the pseudo office code of documents that only PCT DAS serves.
const pctDAS = "PCT DAS"

// docOwner is the office of first filing named by a document number
// (das.yaml DocumentNumber: "DAS finds the OFF from this prefix"):
// "EE P202300012" → EE; "PCT/JP2023/000001" (filed with RO/JP) → JP;
// "PCT/IB2021/057271" (filed with RO/IB) → PCT DAS.
func docOwner(number string) (office string, roIB bool) {
	if rest, ok := strings.CutPrefix(number, "PCT/"); ok && len(rest) >= 2 {
		if rest[:2] == "IB" {
			return pctDAS, true
		}
		return rest[:2], false
	}
	if len(number) < 2 {
		return "", false
	}
	return number[:2], false
}

// canonicalKind folds WIPO's spelled-out "utility model" and the camel-case
// variant das.yaml also accepts into one key.
func canonicalKind(kind string) string {
	if kind == "utilityModel" {
		return "utility model"
	}
	return kind
}

// canonicalNumber ignores spaces and letter case: the portal's input is
// "CC + space + number" but the API pattern lets the space out.
func canonicalNumber(number string) string {
	return strings.ToUpper(strings.ReplaceAll(number, " ", ""))
}

// docKey identifies a registered document: kind of right + number. A retrieval
// with the right number but another kind is "not registered" (-7), as WIPO
// answers (das-domain.md §2: "Wrong number or wrong kind ⇒ -7").
func docKey(kind, number string) string {
	return canonicalKind(kind) + "|" + canonicalNumber(number)
}

// storageDecision says whether a registration may deposit content with DAS,
// and why not. The seeds' storage table:
//
//	PCT priority documents originated from RO/IB | DAS Digital Library: FORBIDDEN
//	| In TRANSIT: Upon OSF requests, PCT RO/IB priority documents are retrieved
//	from PCT DAS API and stored temporary in S3 ...
//
// and das-domain.md §1: "IP5-origin docs only in temporary storage during
// exchange; non-IP5 permanent (encrypted S3)".
func (s *Server) storageDecision(number string, withFile bool) *protocol.DASError {
	owner, roIB := docOwner(number)
	if roIB && !s.cfg.Defects.ROIBIntoLibrary {
		if withFile {
			return forbidden(protocol.DetailStorageForbidden,
				"documentNumber %s is a PCT application filed with RO/IB: such documents are never stored in the DAS library "+
					"(classified highly confidential, transit only); DAS fetches them from PCT DAS into the transit zone when an office retrieves them",
				number)
		}
		return forbidden(protocol.DetailStorageForbidden,
			"documentNumber %s is a PCT application filed with RO/IB: PCT DAS serves such documents on demand (transit only); they are not registered in DAS",
			number)
	}
	if withFile && slices.Contains(s.cfg.IP5Offices, owner) {
		return forbidden(protocol.DetailStorageForbidden,
			"documents of IP5 office %s are kept in transit only, never in the DAS library: register without fileId, keep the document at home "+
				"and answer the retrievals DAS forwards (flow c.2: files/url-downloads; flow c.3: upload through files/url-uploads and PUT retrievals)",
			owner)
	}
	return nil
}

// checkOwnDocument refuses a registration of a document whose number names
// another office of first filing: DAS routes retrievals by that prefix.
func checkOwnDocument(number, caller string) *protocol.DASError {
	owner, _ := docOwner(number)
	if owner != caller {
		return invalidInput(protocol.DetailInvalidField,
			"body /documentNumber: must start with the ST.3 code of the registering office (expected prefix %s, got %q naming %s): DAS finds the office of first filing from this prefix",
			caller, number, owner)
	}
	return nil
}
