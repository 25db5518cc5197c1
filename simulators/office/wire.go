package office

// The JSON of das.yaml, as the office sends and reads it. Field names are
// WIPO's, verbatim.

type registrationRequest struct {
	OperationCategory     string  `json:"operationCategory"`
	DocumentKindCategory  string  `json:"documentKindCategory"`
	DocumentNumber        string  `json:"documentNumber"`
	DocumentDate          string  `json:"documentDate"`
	DasAccessCode         string  `json:"dasAccessCode"`
	ApplicationCategory   *string `json:"applicationCategory"`
	ApplicationNumber     *string `json:"applicationNumber"`
	ApplicationFilingDate *string `json:"applicationFilingDate"`
	Email                 *string `json:"email"`
	FileID                *string `json:"fileId"`
}

type registrationAck struct {
	RequestAckID          string `json:"requestAckId"`
	RequestStatusCategory string `json:"requestStatusCategory"`
	StatusMessage         string `json:"statusMessage"`
}

type retrievalRequest struct {
	OperationCategory     string  `json:"operationCategory"`
	DocumentKindCategory  string  `json:"documentKindCategory"`
	DocumentNumber        string  `json:"documentNumber"`
	DocumentDate          string  `json:"documentDate"`
	DasAccessCode         string  `json:"dasAccessCode"`
	ApplicationCategory   *string `json:"applicationCategory"`
	ApplicationNumber     *string `json:"applicationNumber"`
	ApplicationFilingDate *string `json:"applicationFilingDate"`
	RequestingOfficeCode  string  `json:"requestingOfficeCode,omitempty"`
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

type retrievalFileUpdate struct {
	RequestAckID string `json:"requestAckId"`
	FileID       string `json:"fileId"`
}

type urlDownloadRequest struct {
	DocumentKindCategory string `json:"documentKindCategory"`
	DocumentNumber       string `json:"documentNumber"`
	DocumentDate         string `json:"documentDate"`
	OsfAckID             string `json:"osfAckId"`
}

type urlDownloadResponse struct {
	FileDownloadURL           string `json:"fileDownloadUrl"`
	FileDownloadURLExpiryDate string `json:"fileDownloadUrlExpiryDate,omitempty"`
	FileID                    string `json:"fileId,omitempty"`
	FileFormatCategory        string `json:"fileFormatCategory,omitempty"`
	FileChecksum              string `json:"fileChecksum,omitempty"`
	FileSizeQuantity          *int64 `json:"fileSizeQuantity,omitempty"`
}

// notification is both DocumentAvailability (success) and
// DocumentNotificationRetrievalStatus (error).
type notification struct {
	RequestAckID             string `json:"requestAckId"`
	RequestStatusCategory    string `json:"requestStatusCategory"`
	DocumentAvailabilityDate string `json:"documentAvailabilityDate,omitempty"`
	ErrorCode                *int   `json:"errorCode,omitempty"`
	StatusMessage            string `json:"statusMessage,omitempty"`
	DocumentKindCategory     string `json:"documentKindCategory,omitempty"`
	DocumentNumber           string `json:"documentNumber,omitempty"`
	DocumentDate             string `json:"documentDate,omitempty"`
	FileID                   string `json:"fileId,omitempty"`
	FileChecksum             string `json:"fileChecksum,omitempty"`
}

// RetrievalStatus is one entry of GET retrievals/statuses.
type RetrievalStatus struct {
	RequestAckID             string  `json:"requestAckId"`
	OperationCategory        string  `json:"operationCategory"`
	RequestStatusCategory    string  `json:"requestStatusCategory"`
	ErrorCode                *int    `json:"errorCode"`
	StatusMessage            *string `json:"statusMessage"`
	DocumentKindCategory     string  `json:"documentKindCategory,omitempty"`
	DocumentNumber           string  `json:"documentNumber,omitempty"`
	DocumentDate             string  `json:"documentDate,omitempty"`
	DocumentAvailabilityDate *string `json:"documentAvailabilityDate"`
	FileID                   *string `json:"fileId"`
	FileStatusCategory       string  `json:"fileStatusCategory,omitempty"`
}

type statusBag struct {
	Bag []RetrievalStatus `json:"documentRetrievalResponseBag"`
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
