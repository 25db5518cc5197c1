package harness

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

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
	w, err := Start(ctx, Config{SigningKey: testSigningKey(t), ErrorShape: protocol.ShapeWrapped})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
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
	jpRetrievals := w.URL("JP") + DASBasePath + "/retrievals"
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
		{"DAS: missing token", nil, func() (*Response, error) { return raw(ctx, w, w.DASURL()+"/retrievals", "") }, 401, protocol.DetailInvalidField},
		{"DAS: invalid token", nil, func() (*Response, error) { return raw(ctx, w, w.DASURL()+"/retrievals", "Bearer not.a.token") }, 401, -200},
		{"DAS: injected 5xx", dasFault(503), func() (*Response, error) {
			return c.Call(ctx, http.MethodPost, "/retrievals", nil, RetrievalBody(unknown))
		}, 503, protocol.DetailInternal},
		{"DAS: lookup -7", nil, func() (*Response, error) {
			return c.Call(ctx, http.MethodPost, "/retrievals", nil, RetrievalBody(unknown))
		}, 400, protocol.DetailNotRegistered},
		{"office: contract violation", nil, func() (*Response, error) {
			return w.CallOffice(ctx, "JP", http.MethodPost, "/retrievals", nil, badCode)
		}, 400, protocol.DetailInvalidField},
		{"office: missing token", nil, func() (*Response, error) { return raw(ctx, w, jpRetrievals, "") }, 401, protocol.DetailInvalidField},
		{"office: invalid token", nil, func() (*Response, error) { return raw(ctx, w, jpRetrievals, "Bearer not.a.token") }, 401, -200},
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

// raw POSTs a valid retrieval body with the given Authorization header (none
// when empty), as a client without the world's token source would.
func raw(ctx context.Context, w *World, rawURL, authorization string) (*Response, error) {
	body := `{"operationCategory":"retrieval","documentKindCategory":"patent","documentNumber":"EE P209900001",` +
		`"documentDate":"2023-03-14","dasAccessCode":"AB21"}`
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	res, err := w.HTTPClient().Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	r := &Response{Status: res.StatusCode, Header: res.Header, Body: b}
	r.Error, r.Wrapped, _ = protocol.ParseDASError(b)
	return r, nil
}
