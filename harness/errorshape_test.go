package harness

import (
	"context"
	"net/http"
	"testing"

	"github.com/wipo-das/dasim/simulators/dasapi"
	"github.com/wipo-das/dasim/simulators/faults"
	"github.com/wipo-das/dasim/simulators/office"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// A world switched to the older, wrapped WIPO error shape answers every
// kind of refusal in it — the contract's, the token verifier's, an injected
// fault's and an operation's own (-7) — at DAS and at a simulated office:
// each party has one error writer.
func TestWrappedErrorShapeForEveryKindOfRefusal(t *testing.T) {
	ctx := t.Context()
	w := startTestWorld(t, Config{ErrorShape: protocol.ShapeWrapped})
	ee, err := w.EnrollOffice("EE", "ee-shape")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.AddOffice(ctx, office.Config{Code: "JP"}); err != nil {
		t.Fatal(err)
	}
	c := w.Client(ee)
	unknown := Document{Number: "EE P209900001", Date: "2023-03-14", AccessCode: "AB21"}
	badCode := RetrievalBody(unknown)
	badCode["dasAccessCode"] = "AB2"
	dasFault := func(status int) func() {
		return func() {
			if _, err := w.Faults.Add(faults.Rule{Party: "das", Operation: "requestRetrieval", Kind: faults.ServerError, Status: status, Remaining: 1}); err != nil {
				t.Fatal(err)
			}
		}
	}
	officeFault := func() {
		if _, err := w.Faults.Add(faults.Rule{Party: "office JP", Operation: "requestRetrieval", Kind: faults.ServerError, Remaining: 1}); err != nil {
			t.Fatal(err)
		}
	}
	jpAPI := w.URL("JP") + DASBasePath
	for _, tt := range []struct {
		name   string
		before func()
		call   func() (*Response, error)
		status int
		detail int
	}{
		{"DAS: contract violation", nil, func() (*Response, error) {
			return c.Call(ctx, http.MethodPost, "/retrievals", nil, badCode)
		}, 400, protocol.DetailInvalidField},
		{"DAS: missing token", nil, func() (*Response, error) { return raw(ctx, w, w.DASURL(), nil) }, 401, protocol.DetailInvalidField},
		{"DAS: invalid token", nil, func() (*Response, error) { return raw(ctx, w, w.DASURL(), notAToken) }, 401, -200},
		{"DAS: injected 5xx", dasFault(503), func() (*Response, error) {
			return c.Call(ctx, http.MethodPost, "/retrievals", nil, RetrievalBody(unknown))
		}, 503, protocol.DetailInternal},
		{"DAS: lookup -7", nil, func() (*Response, error) {
			return c.Call(ctx, http.MethodPost, "/retrievals", nil, RetrievalBody(unknown))
		}, 400, protocol.DetailNotRegistered},
		{"office: contract violation", nil, func() (*Response, error) {
			return w.CallOffice(ctx, "JP", http.MethodPost, "/retrievals", nil, badCode)
		}, 400, protocol.DetailInvalidField},
		{"office: missing token", nil, func() (*Response, error) { return raw(ctx, w, jpAPI, nil) }, 401, protocol.DetailInvalidField},
		{"office: invalid token", nil, func() (*Response, error) { return raw(ctx, w, jpAPI, notAToken) }, 401, -200},
		{"office: injected 5xx", officeFault, func() (*Response, error) {
			return w.CallOffice(ctx, "JP", http.MethodPost, "/retrievals", nil, RetrievalBody(unknown))
		}, 500, protocol.DetailInternal},
		{"office: lookup -7", nil, func() (*Response, error) {
			return w.CallOffice(ctx, "JP", http.MethodPost, "/retrievals", nil, RetrievalBody(Document{Number: "JP 2099-000001", Date: "2023-03-14", AccessCode: "AB21"}))
		}, 400, protocol.DetailNotRegistered},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.before != nil {
				tt.before()
			}
			r, err := tt.call()
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != tt.status || r.Error == nil || !r.Wrapped || !r.Error.HasDetail(tt.detail) {
				t.Fatalf("status %d, wrapped %v, body %s; want %d in the wrapped shape with detail %d", r.Status, r.Wrapped, r.Body, tt.status, tt.detail)
			}
		})
	}
}

// raw POSTs a valid retrieval body to the API root base with the bearer
// token tokens gives (none when nil), as a client without an enrolled
// identity would.
func raw(ctx context.Context, w *World, base string, tokens dasapi.TokenSource) (*Response, error) {
	api := dasapi.New(dasapi.Config{BaseURL: base, HTTPClient: w.HTTPClient(), Tokens: tokens})
	return api.Call(ctx, http.MethodPost, "/retrievals", nil, RetrievalBody(Document{Number: "EE P209900001", Date: "2023-03-14", AccessCode: "AB21"}))
}

// notAToken is a token no verifier accepts.
var notAToken = dasapi.TokenFunc(func(context.Context) (string, error) { return "not.a.token", nil })
