package harness

import (
	"fmt"
	"sort"
	"time"

	"github.com/wipo-das/dasim/openapi"
)

// Transcript is everything the system under test exchanged with the world,
// for the report: its token requests (as the authorization server recorded
// them, redacted), its calls at its DAS entrance, DAS's notifications to it,
// the harness's forged notifications and its requests at the object store.
func (o *Observed) Transcript() []openapi.Exchange {
	var out []openapi.Exchange
	notifyPeer := "office " + o.Office
	for _, e := range o.w.Log.Exchanges() {
		if (e.Labels.Party == "authz" && e.Labels.Peer == o.Party) || (e.Labels.Party == "das" && e.Recorder == "client" && e.Labels.Peer == notifyPeer) {
			out = append(out, e)
		}
	}
	for _, e := range o.log.stamped() {
		// Recorded at the entrance under the system's name; in a transcript
		// the answering party is DAS and the system its peer.
		x := e.Exchange
		x.At, x.Labels.Party, x.Labels.Peer = e.At, "das", o.Party
		out = append(out, x)
	}
	out = append(out, o.probes.transcript()...)
	for _, r := range o.w.objects.requests() {
		if r.Signature == "" { // the store's own clients (DAS) sign with a header
			continue
		}
		body := fmt.Sprintf("(%d bytes, sha256 %s)", r.Bytes, r.SHA256)
		if r.Corrupted {
			body += " (one byte altered on purpose by the harness)"
		}
		if r.Bearer {
			body += " (the request carried a Bearer access token)"
		}
		out = append(out, openapi.Exchange{At: r.At, Contract: "s3", Recorder: "server", Operation: objectOp,
			Labels: openapi.Labels{Party: ObjectStoreParty, Peer: o.Party}, Method: r.Method, URL: r.Path, Status: r.Status,
			ResponseBody: body})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

// Activity is when the system was last seen doing anything (at DAS, the
// object store or the token endpoint, or answering a notification), and
// whether a notification to it is under way: a run that waits for a
// silent system with nothing under way ends as idle. last is zero until
// the system's first call (a client may take its time to start).
func (o *Observed) Activity() (last time.Time, busy bool) {
	later := func(t time.Time) {
		if t.After(last) {
			last = t
		}
	}
	if ex := o.log.stamped(); len(ex) > 0 {
		later(ex[len(ex)-1].At)
	}
	for _, r := range o.w.objects.requests() {
		if r.Signature != "" {
			later(r.At)
		}
	}
	if t := o.w.tokens.requests(); len(t) > 0 {
		later(t[len(t)-1].At)
	}
	_, busy, gateLast := o.gate.view()
	later(gateLast)
	pv := o.probes.view()
	if pv.ack != "" && pv.until.IsZero() {
		busy = true
	}
	return last, busy
}
