package pctdas

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/dasapi"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// Source is DAS's side of PCT DAS: das.PCTSource over PCT DAS's office-side
// API. Each Fetch is a forwarded retrieval, c.2 style: POST retrievals (PCT
// DAS's ack id), GET files/url-downloads by that ack id, GET the link; the
// exchanges are recorded as DAS's, flow "pct", steps forward and fetch.
type Source struct {
	api *dasapi.Client
}

// NewSource calls PCT DAS at its API root with DAS's client (dasapi.Client.At
// of DAS's own client, or a new one), whose token source gives DAS's WIPO
// token (scope das-api/office-exchange).
func NewSource(api *dasapi.Client) *Source { return &Source{api: api} }

// Fetch returns the document's bytes, size and sha256. A refusal of PCT DAS
// (-7, -12, -14, or -1 for a number that is not RO/IB's) comes back as the
// *protocol.DASError PCT DAS answered.
func (s *Source) Fetch(ctx context.Context, number, date, accessCode string) (io.ReadCloser, int64, string, error) {
	req := protocol.RetrievalRequest{OperationCategory: "retrieval", DocumentKindCategory: "patent", DocumentNumber: number,
		DocumentDate: date, DasAccessCode: accessCode, RequestingOfficeCode: Code}
	labels := openapi.Labels{Party: "das", Peer: "pctdas", Flow: "pct"}
	labels.Step = "forward"
	ack, _, err := s.api.RequestRetrieval(openapi.WithLabels(ctx, labels), req)
	if err != nil {
		return nil, 0, "", refusal(err)
	}
	labels.Step = "fetch"
	ctx = openapi.WithLabels(ctx, labels)
	dl, _, err := s.api.DownloadURL(ctx, ack.RequestAckID)
	if err != nil {
		return nil, 0, "", refusal(err)
	}
	res, err := s.api.Transfer(ctx, http.MethodGet, dl.FileDownloadURL, nil, nil, 0)
	if err != nil {
		return nil, 0, "", fmt.Errorf("pctdas: download: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		return nil, 0, "", fmt.Errorf("pctdas: download: HTTP %d", res.StatusCode)
	}
	return res.Body, res.ContentLength, dl.FileChecksum, nil
}

// refusal is PCT DAS's WIPO error body when it answered one, else the failure.
func refusal(err error) error {
	var de *protocol.DASError
	if errors.As(err, &de) {
		return de
	}
	return fmt.Errorf("pctdas: %w", err)
}
