package pctdas

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// Source is DAS's side of PCT DAS: das.PCTSource over PCT DAS's office-side
// API. Each Fetch is a forwarded retrieval, c.2 style: POST retrievals (PCT
// DAS's ack id), GET files/url-downloads by that ack id, GET the link.
type Source struct {
	// BaseURL is PCT DAS's API root (Server.APIBaseURL). Required.
	BaseURL string
	// Token gives DAS's access token (WIPO's, scope das-api/office-exchange). Required.
	Token func(ctx context.Context) (string, error)
	// HTTPClient carries the calls; API calls are validated against das.yaml
	// on top of its transport. Default http.DefaultClient's transport.
	HTTPClient *http.Client
	// Recorder receives the exchanges, as party "das". Optional.
	Recorder openapi.Recorder

	apiOnce sync.Once
	api     *http.Client
}

// Fetch returns the document's bytes, size and sha256. A refusal of PCT DAS
// (-7, -12, -14, or -1 for a number that is not RO/IB's) comes back as the
// *protocol.DASError PCT DAS answered.
func (s *Source) Fetch(ctx context.Context, number, date, accessCode string) (io.ReadCloser, int64, string, error) {
	token, err := s.Token(ctx)
	if err != nil {
		return nil, 0, "", fmt.Errorf("pctdas: token: %w", err)
	}
	var ack struct {
		RequestAckID string `json:"requestAckId"`
	}
	req := protocol.RetrievalRequest{OperationCategory: "retrieval", DocumentKindCategory: "patent", DocumentNumber: number,
		DocumentDate: date, DasAccessCode: accessCode, RequestingOfficeCode: "IB"}
	if err := s.call(ctx, token, http.MethodPost, "/retrievals", req, &ack); err != nil {
		return nil, 0, "", err
	}
	var dl protocol.URLDownloadResponse
	if err := s.call(ctx, token, http.MethodGet, "/files/url-downloads?"+url.Values{"requestAckId": {ack.RequestAckID}}.Encode(), nil, &dl); err != nil {
		return nil, 0, "", err
	}
	get, err := http.NewRequestWithContext(ctx, http.MethodGet, dl.FileDownloadURL, nil)
	if err != nil {
		return nil, 0, "", fmt.Errorf("pctdas: fileDownloadUrl %q: %w", dl.FileDownloadURL, err)
	}
	res, err := s.client().Do(get)
	if err != nil {
		return nil, 0, "", fmt.Errorf("pctdas: download: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		return nil, 0, "", fmt.Errorf("pctdas: download: HTTP %d", res.StatusCode)
	}
	return res.Body, res.ContentLength, dl.FileChecksum, nil
}

func (s *Source) client() *http.Client {
	if s.HTTPClient != nil {
		return s.HTTPClient
	}
	return http.DefaultClient
}

// apiClient is client() with das.yaml validation and recording on top,
// made once.
func (s *Source) apiClient() *http.Client {
	s.apiOnce.Do(func() {
		base := s.client().Transport
		if base == nil {
			base = http.DefaultTransport
		}
		s.api = &http.Client{Transport: openapi.DAS().Transport(base, openapi.WithParty("das"), openapi.WithRecorder(s.Recorder))}
	})
	return s.api
}

func (s *Source) call(ctx context.Context, token, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.BaseURL+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := s.apiClient().Do(req)
	if err != nil {
		return fmt.Errorf("pctdas: %s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return err
	}
	if res.StatusCode/100 != 2 {
		if de, _, ok := protocol.ParseDASError(b); ok {
			de.Status = res.StatusCode
			return de
		}
		return fmt.Errorf("pctdas: %s %s: HTTP %d", method, path, res.StatusCode)
	}
	return json.Unmarshal(b, out)
}
