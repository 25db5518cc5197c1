package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/dasapi"
)

// DASCallTimeout is how long DAS waits for one answer of an office before it
// abandons the call (and retries it later): an office slower than this is
// slow, whatever it answers.
func (e *Env) DASCallTimeout() time.Duration { return e.world.timings.CallTimeout }

// CallOFFWith calls off's API as DAS would, but with authorization as the
// Authorization header ("" sends none): the probe of a token the office
// must refuse. The exchange is recorded as DAS's, marked deliberate; the
// office's answer is still judged against das.yaml.
func (e *Env) CallOFFWith(ctx context.Context, off OFF, authorization, method, path string, query url.Values, body any) (*Response, error) {
	ep, ok := e.world.offices.Endpoint(off.Code())
	if !ok {
		return nil, fmt.Errorf("office %s is not in DAS's office directory", off.Code())
	}
	var tokens dasapi.TokenSource
	if tok, ok := strings.CutPrefix(authorization, "Bearer "); ok {
		tokens = dasapi.TokenFunc(func(context.Context) (string, error) { return tok, nil })
	}
	c := e.world.officeClient(ep.BaseURL, tokens)
	ctx = openapi.WithLabels(ctx, openapi.Labels{Party: "das", Peer: "office " + off.Code(), Deliberate: true})
	r, err := c.Call(ctx, method, path, query, body)
	e.world.noteProbeAck(off.Code(), method, path, r)
	return r, err
}

// noteProbeAck remembers the ack id an office answered a direct POST
// retrievals of the harness with.
func (w *World) noteProbeAck(code, method, path string, r *Response) {
	if r == nil || method != http.MethodPost || path != "/retrievals" || r.Status/100 != 2 {
		return
	}
	var ack struct {
		RequestAckID string `json:"requestAckId"`
	}
	if json.Unmarshal(r.Body, &ack) == nil && ack.RequestAckID != "" {
		w.probeAcks.Store(code+"|"+ack.RequestAckID, true)
	}
}

// AnsweredAck reports whether office code answered a retrieval with ack:
// one DAS forwarded (its answer in the world's records, any spec's), or a
// direct call of the harness. An office that notifies by any other ack
// made it up, or acted on a call it refused.
func (e *Env) AnsweredAck(code, ack string) bool {
	if e.ProbeAck(code, ack) {
		return true
	}
	for _, x := range e.world.Log.Exchanges() {
		if x.Operation == "requestRetrieval" && x.Recorder == "client" && x.Labels.Party == "das" &&
			x.Labels.Peer == "office "+code && x.Status/100 == 2 && strings.Contains(x.ResponseBody, `"`+ack+`"`) {
			return true
		}
	}
	return false
}

// ProbeAck reports whether office code handed ack to the harness's own
// direct call rather than to DAS: its notifications by that ack are not
// DAS's business.
func (e *Env) ProbeAck(code, ack string) bool {
	_, ok := e.world.probeAcks.Load(code + "|" + ack)
	return ok
}

// FetchLink GETs a download link an office handed DAS, as DAS fetches it
// (no Authorization header), and returns status, headers and at most limit
// bytes of the body.
func (e *Env) FetchLink(ctx context.Context, link string, limit int64) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("fileDownloadUrl %q is not a URL: %w", link, err)
	}
	res, err := e.world.HTTPClient().Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, limit))
	return res.StatusCode, res.Header, b, err
}
