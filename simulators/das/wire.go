package das

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// Wire messages, field names verbatim from das.yaml. Optional members that
// the schema does not make nullable are omitted rather than sent as null.

// Messages shared with the other side of the API (simulators/protocol).
type (
	registrationRequest = protocol.RegistrationRequest
	retrievalRequest    = protocol.RetrievalRequest
	retrievalFileUpdate = protocol.RetrievalFileUpdate
	retrievalStatus     = protocol.RetrievalStatus
	urlDownloadRequest  = protocol.URLDownloadRequest
	urlDownloadResponse = protocol.URLDownloadResponse
	notification        = protocol.Notification
)

type urlUploadRequest struct {
	FileReference      *string `json:"fileReference"`
	FileFormatCategory string  `json:"fileFormatCategory"`
	FileChecksum       string  `json:"fileChecksum"`
}

type urlUploadResponse struct {
	FileID                  string `json:"fileId"`
	FileUploadURL           string `json:"fileUploadUrl"`
	FileUploadURLExpiryDate string `json:"fileUploadUrlExpiryDate"`
}

type fileIDRequest struct {
	FileID string `json:"fileId"`
}

type fileStatusBody struct {
	FileID             string  `json:"fileId"`
	FileReference      *string `json:"fileReference"`
	FileFormatCategory string  `json:"fileFormatCategory,omitempty"`
	FileChecksum       string  `json:"fileChecksum,omitempty"`
	FileSizeQuantity   *int64  `json:"fileSizeQuantity"`
	FileStatusCategory string  `json:"fileStatusCategory"`
	StatusMessage      *string `json:"statusMessage"`
}

type registrationAck struct {
	RequestAckID          string `json:"requestAckId"`
	OperationCategory     string `json:"operationCategory"`
	RequestStatusCategory string `json:"requestStatusCategory"`
	StatusMessage         string `json:"statusMessage"`
	DocumentKindCategory  string `json:"documentKindCategory,omitempty"`
	DocumentNumber        string `json:"documentNumber,omitempty"`
	DocumentDate          string `json:"documentDate,omitempty"`
}

type retrievalAck struct {
	RequestAckID          string  `json:"requestAckId"`
	OperationCategory     string  `json:"operationCategory,omitempty"`
	RequestStatusCategory string  `json:"requestStatusCategory,omitempty"`
	StatusMessage         *string `json:"statusMessage"`
}

type statusBag = protocol.StatusBag

func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err = w.Write(b)
	return err
}

func decodeBody(r *http.Request, v any) error {
	// The contract middleware has validated the body; a failure here is a
	// contract/decoder disagreement and reported as malformed input.
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		return invalidInput(protocol.DetailMalformedBody, "body: not the documented JSON object: %v", err)
	}
	return nil
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func ptr[T any](v T) *T { return &v }
