package protocol

// The JSON messages of das.yaml, one Go type per schema of
// components.schemas, which both sides of the API build and read — DAS,
// offices, PCT DAS and the harness alike. Field names are WIPO's verbatim.
// A member the schema makes nullable is a pointer sent as null when unset;
// an optional member that is not nullable is omitted when empty.

// URLUploadRequest is the body of POST files/url-uploads (UrlUploadRequest).
type URLUploadRequest struct {
	FileReference      string `json:"fileReference,omitempty"`
	FileFormatCategory string `json:"fileFormatCategory"`
	FileChecksum       string `json:"fileChecksum"`
}

// URLUploadResponse is the answer of files/url-uploads, POST and PUT
// (UrlUploadResponse).
type URLUploadResponse struct {
	FileID                  string `json:"fileId"`
	FileUploadURL           string `json:"fileUploadUrl"`
	FileUploadURLExpiryDate string `json:"fileUploadUrlExpiryDate,omitempty"`
}

// FileIDRequest is the body of PUT files/url-uploads (FileIdRequest).
type FileIDRequest struct {
	FileID string `json:"fileId"`
}

// FileStatus is the answer of GET files (FileStatus).
type FileStatus struct {
	FileID             string  `json:"fileId"`
	FileReference      *string `json:"fileReference"`
	FileFormatCategory string  `json:"fileFormatCategory,omitempty"`
	FileChecksum       string  `json:"fileChecksum,omitempty"`
	FileSizeQuantity   *int64  `json:"fileSizeQuantity"`
	FileStatusCategory string  `json:"fileStatusCategory"`
	StatusMessage      *string `json:"statusMessage"`
}

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

// RegistrationAck is the answer of POST, PUT and DELETE registrations.
type RegistrationAck struct {
	RequestAckID          string  `json:"requestAckId"`
	OperationCategory     string  `json:"operationCategory"`
	RequestStatusCategory string  `json:"requestStatusCategory"`
	StatusMessage         *string `json:"statusMessage"`
	DocumentKindCategory  string  `json:"documentKindCategory,omitempty"`
	DocumentNumber        string  `json:"documentNumber,omitempty"`
	DocumentDate          string  `json:"documentDate,omitempty"`
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

// RetrievalAck is the answer of POST retrievals.
type RetrievalAck struct {
	RequestAckID          string  `json:"requestAckId"`
	OperationCategory     string  `json:"operationCategory,omitempty"`
	RequestStatusCategory string  `json:"requestStatusCategory,omitempty"`
	StatusMessage         *string `json:"statusMessage"`
}

// RetrievalFileUpdate is the body of PUT retrievals (flow c.3).
type RetrievalFileUpdate struct {
	RequestAckID string `json:"requestAckId"`
	FileID       string `json:"fileId"`
}

// RetrievalStatus is one entry of GET retrievals/statuses, and the answer
// of PUT retrievals.
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

// StatusBag is the answer of GET retrievals/statuses
// (DocumentRetrievalResponseBag); Bag is required, so never nil on the wire.
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

// URLDownloadResponse is the answer of files/url-downloads, GET and POST.
type URLDownloadResponse struct {
	FileDownloadURL           string `json:"fileDownloadUrl"`
	FileDownloadURLExpiryDate string `json:"fileDownloadUrlExpiryDate,omitempty"`
	FileID                    string `json:"fileId,omitempty"`
	FileFormatCategory        string `json:"fileFormatCategory,omitempty"`
	FileChecksum              string `json:"fileChecksum,omitempty"`
	FileSizeQuantity          *int64 `json:"fileSizeQuantity,omitempty"`
}

// Notification is the body of POST notifications: both
// DocumentAvailability (success) and DocumentNotificationRetrievalStatus
// (error), told apart by requestStatusCategory (das.yaml Notification
// oneOf). Every member but requestAckId and requestStatusCategory is
// omitted when empty; the sender sets those its category requires.
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

// Optional is s as a nullable member: nil when s is empty.
func Optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
