package harness

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

const probeRule = "A notification endpoint lets in DAS's requests only: a request whose token is absent, malformed, forged, " +
	"signed by a key outside WIPO's JWKS or by another issuer, expired, not yet valid, without DAS's scope or of another " +
	"client is refused with 401 and a WWW-Authenticate: Bearer challenge"

const probeSource = "RFC 6750 sections 3 and 3.1; RFC 7519 section 7.2; WIPO DAS setup A (the office verifies DAS's tokens with WIPO's JWKS)"

// probeChecks are P1..P11: one per forged notification of Probes.
func (s *snapshot) probeChecks() []Check {
	pv := s.probes
	var out []Check
	for _, p := range Probes() {
		c := Check{ID: p.ID, Title: "refuses a notification with " + p.Name, Flow: "c1-notification", Step: "(2b)", Op: "notify",
			Rule: probeRule, Source: probeSource, State: NotYetSeen, Expected: "401 with WWW-Authenticate: Bearer"}
		if p.ForbiddenOK {
			c.Expected = "401 with WWW-Authenticate: Bearer, or 403 (insufficient_scope)"
		}
		i := slices.IndexFunc(pv.results, func(r ProbeResult) bool { return r.ID == p.ID })
		switch {
		case i >= 0:
			r := pv.results[i]
			if refusedProbe(r) {
				c.meet("answered " + r.String())
			} else {
				c.violate(r.At, c.Expected, r.String(), fmt.Sprintf("the notification endpoint did not refuse a notification with %s "+
					"(it claimed retrieval %s ready); answered %s", p.Name, pv.ack, r.String()))
			}
		case pv.failure != "":
			c.Detail = pv.failure
		default:
			c.Detail = "the forged notifications go out once DAS has acknowledged the system's first retrieval"
		}
		out = append(out, c)
	}
	return out
}

func refusedProbe(r ProbeResult) bool {
	challenge := strings.HasPrefix(strings.ToLower(strings.TrimSpace(r.Challenge)), "bearer")
	return (r.Status == http.StatusUnauthorized && challenge) || (r.ForbiddenOK && r.Status == http.StatusForbidden)
}

// notActedOnProbe is O4: between the first forged notification and DAS's
// genuine one (held back meanwhile), the system did nothing about the
// retrieval the forgeries named, unless DAS's status told it the document
// was ready.
func (s *snapshot) notActedOnProbe() Check {
	pv := s.probes
	c := Check{ID: "O4", Title: "does not act on a refused notification", Flow: "c1-notification", Step: "(2b)-(2c)", Op: "notify",
		Rule: "A notification the endpoint refused is not acted on: no file location URL is asked for, nothing is " +
			"downloaded or deleted because of it", Source: "RFC 6750 section 3.1; WIPO DAS exchange flows c.1 steps 2b-2c",
		State: NotYetSeen, Expected: "no call about the retrieval the forged notifications named, until DAS's genuine notification"}
	if pv.ack == "" {
		c.Detail = "the forged notifications have not gone out yet"
		return c
	}
	toldReady := time.Time{}
	for _, e := range s.ex {
		if e.Operation == "getRetrievalStatuses" && e.Status == http.StatusOK && toldReady.IsZero() &&
			strings.Contains(e.ResponseBody, pv.ack) && strings.Contains(e.ResponseBody, `"success"`) {
			toldReady = e.At
		}
		if e.At.Before(pv.from) || (!pv.until.IsZero() && e.At.After(pv.until)) || !actsOn(e, pv) {
			continue
		}
		if !toldReady.IsZero() && toldReady.Before(e.At) {
			continue // its own poll said the document was ready
		}
		c.violate(e.At, c.Expected, fmt.Sprintf("%s %s %s after the first forged notification", e.Method, pathOf(e.URL),
			e.At.Sub(pv.from).Round(time.Millisecond)), fmt.Sprintf("the system acted on a forged notification: it claimed "+
			"retrieval %s ready (file id %s), and the system called %s before DAS had notified it", pv.ack, pv.fileID, e.Operation))
		return c
	}
	if !pv.until.IsZero() {
		c.meet(fmt.Sprintf("nothing done about retrieval %s during the %d forged notifications and the %v after them",
			pv.ack, len(pv.results), actGrace))
	}
	return c
}

// actsOn tells a request about the probed retrieval or the probes' file id.
func actsOn(e Stamped, pv probeView) bool {
	if strings.Contains(e.URL, pv.fileID) || strings.Contains(e.RequestBody, pv.fileID) {
		return true
	}
	named := queryOf(e.URL).Get("requestAckId") == pv.ack || strings.Contains(e.RequestBody, pv.ack)
	return named && (slices.Contains(downloadURLOps, e.Operation) || e.Operation == "deleteFile")
}

// notificationsAnswered is O3: every genuine notification (and the repeat
// the harness had DAS send) answered 204 with no body.
func (s *snapshot) notificationsAnswered() Check {
	c := Check{ID: "O3", Title: "(2b) answers DAS's notifications, a repeat included, with 204 and no body", Flow: "c1-notification",
		Step: "(2b)", Op: "notify", State: NotYetSeen, Expected: "204 with no body",
		Rule: "WIPO DAS notifies the OSF of the document availability (POST notifications with DAS's token); the OSF answers " +
			"204 No Content, and a repeat of a notification alike (delivery is at least once)",
		Source: "WIPO DAS exchange flows c.1 step 2b; das.yaml notify (204 since WIPO's change of 2024-12-12); RFC 9110 section 15.3.5"}
	ok := map[string]int{}
	for _, d := range s.deliveries {
		if d.Error == "" && d.Status == http.StatusNoContent && d.BodyBytes == 0 {
			ok[d.AckID]++
			continue
		}
		actual := fmt.Sprintf("%d with a body of %d bytes: %s", d.Status, d.BodyBytes, d.Body)
		switch {
		case d.Status == 0:
			actual = "no answer: " + d.Error
			if strings.Contains(d.Error, "certificate") {
				actual += " (DAS does not trust the endpoint's TLS certificate: give certify --notify-ca)"
			}
		case d.BodyBytes == 0:
			actual = fmt.Sprint(d.Status)
		}
		repeat := ""
		if ok[d.AckID] > 0 {
			repeat = " (a repeat)"
		}
		c.violate(d.At, c.Expected, actual, fmt.Sprintf("DAS's notification%s of retrieval %s was answered %s", repeat, d.AckID, actual))
		return c
	}
	repeated := !s.cfg.Faults.RepeatedNotification
	var waiting []string
	for _, d := range s.docs {
		for _, rv := range d.retrievals {
			if ok[rv.ack] == 0 {
				waiting = append(waiting, d.name())
			}
			repeated = repeated || ok[rv.ack] > 1
		}
	}
	switch {
	case len(s.deliveries) == 0:
		c.Detail = "DAS has not notified the system yet"
	case len(waiting) > 0 || len(s.pending(func(d *docView) bool { return len(d.retrievals) > 0 })) > 0:
		c.Detail = fmt.Sprintf("%d notification(s) answered 204; not yet for: %s", len(s.deliveries), strings.Join(waiting, ", "))
	case !repeated:
		c.Detail = "no repeated notification has been answered yet"
	default:
		c.meet(fmt.Sprintf("%d notification(s) answered 204 with no body, a repeat included", len(s.deliveries)))
	}
	return c
}
