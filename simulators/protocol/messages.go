package protocol

// The JSON messages of das.yaml that both sides of the API build and read —
// DAS and offices alike —, field names verbatim from WIPO. Optional members
// that the schema does not make nullable are omitted rather than sent null.

// RegistrationRequest is the body of POST and PUT registrations.
type RegistrationRequest struct {
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

// RetrievalRequest is the body of POST retrievals, from an OSF to DAS and
// from DAS to the OFF it forwards to.
type RetrievalRequest struct {
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

// RetrievalFileUpdate is the body of PUT retrievals (flow c.3).
type RetrievalFileUpdate struct {
	RequestAckID string `json:"requestAckId"`
	FileID       string `json:"fileId"`
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

// StatusBag is the answer of GET retrievals/statuses.
type StatusBag struct {
	Bag []RetrievalStatus `json:"documentRetrievalResponseBag"`
}

// URLDownloadRequest is the body of POST files/url-downloads.
type URLDownloadRequest struct {
	DocumentKindCategory string `json:"documentKindCategory"`
	DocumentNumber       string `json:"documentNumber"`
	DocumentDate         string `json:"documentDate"`
	OsfAckID             string `json:"osfAckId"`
}

// URLDownloadResponse is the answer of files/url-downloads.
type URLDownloadResponse struct {
	FileDownloadURL           string `json:"fileDownloadUrl"`
	FileDownloadURLExpiryDate string `json:"fileDownloadUrlExpiryDate,omitempty"`
	FileID                    string `json:"fileId,omitempty"`
	FileFormatCategory        string `json:"fileFormatCategory,omitempty"`
	FileChecksum              string `json:"fileChecksum,omitempty"`
	FileSizeQuantity          *int64 `json:"fileSizeQuantity,omitempty"`
}

// Notification is both DocumentAvailability (success) and
// DocumentNotificationRetrievalStatus (error), told apart by
// requestStatusCategory (das.yaml Notification discriminator).
type Notification struct {
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
