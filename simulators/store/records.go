package store

import "time"

// FileRole says why a transit object exists.
type FileRole string

const (
	// RoleUpload is an office's upload through files/url-uploads (c.1 1a, c.3 3).
	RoleUpload FileRole = "upload"
	// RoleDelivery is a document DAS prepared in transit for an OSF's retrieval.
	RoleDelivery FileRole = "delivery"
)

// File is one object of the transit zone, owned by exactly one office.
type File struct {
	ID, Office string
	Role       FileRole
	Key        string // in the transit bucket
	Reference  *string
	Format     string // pdf or zip ("" when unknown)
	Checksum   string // sha256, lowercase hex
	Size       int64
	HasSize    bool
	Status     string // das.yaml FileStatusCategory
	Message    string
	Generation int // bumped by each new upload URL or upload, so a stale check is dropped
	URLExpires time.Time
	CreatedAt  time.Time
	ExpiresAt  time.Time // retention deadline
	GoneAt     time.Time // when DELETED or EXPIRED
	UsedBy     string    // what consumed an upload ("registration <ack>")
	// Retrieval is the DAS ack id of the retrieval a delivery serves.
	Retrieval string
}

// HoldsTransit reports whether f is an upload that may hold its office's
// transit space: not yet used by a registration or retrieval, nor deleted,
// expired or rejected (the DAS's per-office quota counts these).
func (f File) HoldsTransit() bool {
	return f.Role == RoleUpload && f.UsedBy == "" && f.Status != "DELETED" && f.Status != "EXPIRED" && f.Status != "REJECTED"
}

// Hosting is where a registered document's bytes live.
type Hosting string

const (
	HostedLibrary Hosting = "library" // the DAS library bucket (c.1)
	HostedOffice  Hosting = "office"  // the OFF's own library (c.2, c.3)
)

// Registration is one registered document, under Key (kind of right and
// number, canonicalised by the DAS).
type Registration struct {
	Key                             string
	AckID, Office                   string
	Kind, Number, Date, AccessCode  string
	AppCategory, AppNumber, AppDate *string
	Email                           *string
	Hosting                         Hosting
	// LibraryKey, Format, Checksum and Size describe the content deposited in
	// the library (Hosting HostedLibrary).
	LibraryKey, Format, Checksum string
	Size                         int64
	Withdrawn                    bool
	WithdrawnAt                  time.Time
	RegisteredAt                 time.Time
}

// Source is where DAS obtains a retrieved document.
type Source string

const (
	FromLibrary Source = "library" // c.1
	FromOffice  Source = "office"  // c.2 / c.3
	FromPCT     Source = "pct"     // PCT RO/IB
)

// Retrieval is one OSF request (flow step 2a) and everything that follows.
type Retrieval struct {
	AckID, OSF                      string
	Kind, Number, Date, AccessCode  string
	AppCategory, AppNumber, AppDate *string
	Source                          Source
	Registration                    string // the registration's Key; "" for PCT
	Status                          string // das.yaml RequestStatusCategory
	ErrorCode                       int
	Message                         string
	AvailableAt, CompletedAt        time.Time
	CreatedAt                       time.Time
	Delivery                        string // the OSF's transit file id, once available
	OFF                             string // the office of first filing
	OFFAckID                        string // c.2/c.3: the OFF's own ack id
	OFFFile                         string // c.3: the OFF's upload set by PUT retrievals
	OFFNotified                     bool
	OFFChecksum                     string // the checksum of the OFF's notification (c.2)
	// Listed says the OSF has listed the retrieval since it completed: GET
	// retrievals/statuses without an ack id shows "retrievals in process or
	// newly completed" (WIPO W1), each completed one once.
	Listed bool
	// Seq orders an office's retrievals; the backend assigns it.
	Seq int64
}

// Open reports whether a listing of the OSF's retrievals shows r: pending,
// or completed and not listed since.
func (r Retrieval) Open() bool { return r.Status == "pending" || !r.Listed }

// Attempt is one call DAS made to an office for a retrieval.
type Attempt struct {
	Call   string    // "forward retrieval", "office download URL", "notify"
	Office string    // the office called
	Number int       // 1 for the first attempt
	At     time.Time // on the world's clock
	Status int       // HTTP status, 0 when none came back
	Error  string    // empty on success
	Final  bool      // no further attempt will follow
}

// Timer is a piece of background work due at a deadline on the world's
// clock: a retention expiry, a retry, an OFF's notification deadline, a
// document to prepare. ID is chosen by the party and names the work
// ("expire/<fileId>"); Due is the original deadline, kept across restarts.
type Timer struct {
	ID      string
	Kind    string
	Subject string // what it acts on (a file id, a retrieval ack id)
	Call    string // for a retry: which call
	Attempt int    // for a retry: the attempt number it makes
	Due     time.Time
}
