package office

import "github.com/wipo-das/dasim/simulators/protocol"

// The JSON of das.yaml, as the office sends and reads it. Field names are
// WIPO's, verbatim.

// Messages shared with the other side of the API (simulators/protocol).
type (
	registrationRequest = protocol.RegistrationRequest
	retrievalRequest    = protocol.RetrievalRequest
	retrievalFileUpdate = protocol.RetrievalFileUpdate
	urlDownloadRequest  = protocol.URLDownloadRequest
	urlDownloadResponse = protocol.URLDownloadResponse
	notification        = protocol.Notification
	RetrievalStatus     = protocol.RetrievalStatus
)

type registrationAck struct {
	RequestAckID          string `json:"requestAckId"`
	RequestStatusCategory string `json:"requestStatusCategory"`
	StatusMessage         string `json:"statusMessage"`
}

type retrievalAck struct {
	RequestAckID          string `json:"requestAckId"`
	OperationCategory     string `json:"operationCategory,omitempty"`
	RequestStatusCategory string `json:"requestStatusCategory,omitempty"`
	StatusMessage         string `json:"statusMessage,omitempty"`
}

type urlUploadRequest struct {
	FileReference      string `json:"fileReference,omitempty"`
	FileFormatCategory string `json:"fileFormatCategory"`
	FileChecksum       string `json:"fileChecksum"`
}

type urlUploadResponse struct {
	FileID        string `json:"fileId"`
	FileUploadURL string `json:"fileUploadUrl"`
}

type statusBag = protocol.StatusBag

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
