package reports

import (
	"slices"
	"sort"
	"strings"
)

// Lifeline is one party of a sequence diagram.
type Lifeline struct {
	Party string // as recorded: "authz", "das", "office JP", "object store"; "" for an unrecorded caller
	Title string // the role: authorization server, DAS, OFF, OSF, PCT DAS, object store
	Name  string // the party within the role ("office JP"), if it says more than the title
	order int
}

// The operations by which an office acts as office of first filing (it
// deposits, or DAS fetches from it) or of second filing (it retrieves), per
// WIPO DAS exchange flows c.1–c.3. Polling statuses says nothing: either
// role may.
var (
	offCalls      = []string{"registerDocument", "correctRegistration", "withdrawRegistration", "createFileUploadUrl", "refreshFileUploadUrl", "setRetrievalFile", "getFileStatus"}
	offAnswers    = []string{"requestRetrieval", "getFileDownloadUrl", "requestFileDownloadUrl"}
	osfCalls      = []string{"requestRetrieval", "getFileDownloadUrl", "requestFileDownloadUrl", "deleteFile"}
	pctDASParty   = "office IB" // PCT DAS answers as the RO/IB office
	officePrefix  = "office "
	unknownCaller = "caller (not recorded)"
)

// lifelines returns the lifelines of calls in the fixed order of the
// exchange: an unrecorded caller, the authorization servers, DAS, the
// OFFs, the OSFs, PCT DAS, the object store.
func lifelines(calls []Call) []Lifeline {
	roles := officeRoles(calls)
	seen := map[string]bool{}
	var out []Lifeline
	for _, c := range calls {
		for _, p := range []string{c.From, c.To} {
			if seen[p] {
				continue
			}
			seen[p] = true
			out = append(out, lifelineOf(p, roles[p]))
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].order != out[j].order {
			return out[i].order < out[j].order
		}
		return out[i].Party < out[j].Party
	})
	return out
}

func lifelineOf(party string, roles []string) Lifeline {
	switch {
	case party == "":
		return Lifeline{Party: party, Title: unknownCaller, order: 0}
	case party == "authz":
		return Lifeline{Party: party, Title: "authorization server", Name: "WIPO", order: 1}
	case strings.Contains(party, "authz") || strings.Contains(party, "authorization"):
		return Lifeline{Party: party, Title: "authorization server", Name: party, order: 2}
	case party == "das" || strings.HasPrefix(party, "das "):
		return Lifeline{Party: party, Title: "DAS", Name: strings.TrimPrefix(party, "das"), order: 3}
	case party == pctDASParty || party == "pctdas":
		return Lifeline{Party: party, Title: "PCT DAS", Name: "RO/IB", order: 6}
	case party == "object store":
		return Lifeline{Party: party, Title: "object store", Name: "S3", order: 7}
	case strings.HasPrefix(party, officePrefix):
		title, order := "office", 5
		switch {
		case slices.Contains(roles, "OFF") && slices.Contains(roles, "OSF"):
			title, order = "OFF and OSF", 4
		case slices.Contains(roles, "OFF"):
			title, order = "OFF", 4
		case slices.Contains(roles, "OSF"):
			title = "OSF"
		}
		return Lifeline{Party: party, Title: title, Name: party, order: order}
	}
	return Lifeline{Party: party, Title: party, order: 5}
}

// officeRoles tells, for each office among the calls, whether it acted as
// OFF, as OSF, or both.
func officeRoles(calls []Call) map[string][]string {
	roles := map[string][]string{}
	mark := func(party, role string) {
		if strings.HasPrefix(party, officePrefix) && party != pctDASParty && !slices.Contains(roles[party], role) {
			roles[party] = append(roles[party], role)
		}
	}
	for _, c := range calls {
		switch {
		case c.Contract == "s3" && strings.Contains(c.URL, "/uploads/"):
			mark(c.From, "OFF")
		case c.Contract == "s3" && strings.Contains(c.URL, "/deliveries/"):
			mark(c.From, "OSF")
		case c.From == "das" && c.Operation == "notify":
			mark(c.To, "OSF")
		case c.From == "das" && slices.Contains(offAnswers, c.Operation):
			mark(c.To, "OFF")
		case c.To == "das" && (slices.Contains(offCalls, c.Operation) || c.Operation == "notify"):
			mark(c.From, "OFF")
		case c.To == "das" && slices.Contains(osfCalls, c.Operation):
			mark(c.From, "OSF")
		}
	}
	return roles
}
