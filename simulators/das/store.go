package das

import (
	"time"

	"github.com/wipo-das/dasim/simulators/clock"
)

// File statuses (das.yaml FileStatusCategory).
const (
	fileProcessing = "processing"
	fileAccepted   = "ACCEPTED"
	fileRejected   = "REJECTED"
	fileDeleted    = "DELETED"
	fileExpired    = "EXPIRED"
)

// Request statuses (das.yaml RequestStatusCategory).
const (
	statusPending = "pending"
	statusSuccess = "success"
	statusError   = "error"
)

// fileRole says why a transit object exists.
type fileRole int

const (
	// roleUpload: an office's upload through files/url-uploads (c.1 1a, c.3 3).
	roleUpload fileRole = iota
	// roleDelivery: a document DAS prepared in transit for an OSF's retrieval.
	roleDelivery
)

// file is one object of the transit zone, owned by exactly one office.
type file struct {
	id, office string
	role       fileRole
	key        string // in the transit bucket
	reference  *string
	format     string // pdf or zip ("" when unknown)
	checksum   string // sha256 lowercase hex
	size       int64
	hasSize    bool
	status     string
	message    string
	generation int // bumped by each new upload URL, so a stale check is dropped
	urlExpires time.Time
	createdAt  time.Time
	expiresAt  time.Time // retention deadline
	goneAt     time.Time // when DELETED or EXPIRED
	usedBy     string    // what consumed an upload ("registration <ack>")
	expiry     clock.Timer
	retrieval  *retrieval // for deliveries
}

// hosting is where a registered document's bytes live.
type hosting int

const (
	hostedLibrary hosting = iota // DAS library bucket (c.1)
	hostedOffice                 // the OFF's own library (c.2, c.3)
)

// registration is one registered document. Its key is docKey(kind, number).
type registration struct {
	ackID, office string
	kind, number  string // as registered (wire values)
	date          string
	accessCode    string // uppercase
	appCategory   *string
	appNumber     *string
	appFilingDate *string
	email         *string
	hosting       hosting
	content       // in the library when hosting is hostedLibrary
	withdrawn     bool
	withdrawnAt   time.Time
	registeredAt  time.Time
}

// source is where DAS obtains a retrieved document.
type source int

const (
	fromLibrary source = iota // c.1
	fromOffice                // c.2 / c.3
	fromPCT                   // PCT RO/IB
)

// retrieval is one OSF request (flow step 2a) and everything that follows.
type retrieval struct {
	ackID, osf    string
	kind, number  string
	date          string
	accessCode    string
	appCategory   *string
	appNumber     *string
	appFilingDate *string
	src           source
	reg           *registration // nil for PCT
	status        string
	errorCode     int
	message       string
	availableAt   time.Time
	completedAt   time.Time
	delivery      *file // the OSF's transit file once available
	off           string
	offAckID      string // c.2/c.3: the OFF's own ack id
	offFile       *file  // c.3: the OFF's upload set by PUT retrievals
	offNotified   bool
	createdAt     time.Time
	seq           uint64
}

// officeIndex keeps one office's open and newly completed retrievals, so
// listing statuses costs what the office has, not what the DAS stores.
type officeIndex struct {
	pending map[string]*retrieval
	fresh   []*retrieval     // completed since the office last listed
	uploads map[string]*file // uploads that may hold transit space (quota.go)
}

// state is everything the DAS remembers; Server.mu guards it.
type state struct {
	files         map[string]*file         // by file id
	filesByKey    map[string]*file         // by transit key (object-created hook)
	registrations map[string]*registration // by docKey
	retrievals    map[string]*retrieval    // by DAS ack id
	offAcks       map[string]*retrieval    // by off + "\x00" + OFF ack id
	offices       map[string]*officeIndex
	deliveries    map[string][]Attempt   // by DAS ack id
	offDeadlines  map[string]clock.Timer // by OSF ack id: waiting for an OFF's notification
	seq           uint64
	anyOffice     bool // Defects.AnyOfficesRetrieval: no object-level authorization
}

func newState() state {
	return state{
		files: map[string]*file{}, filesByKey: map[string]*file{},
		registrations: map[string]*registration{}, retrievals: map[string]*retrieval{},
		offAcks: map[string]*retrieval{}, offices: map[string]*officeIndex{},
		deliveries:   map[string][]Attempt{},
		offDeadlines: map[string]clock.Timer{},
	}
}

func (st *state) office(code string) *officeIndex {
	ix := st.offices[code]
	if ix == nil {
		ix = &officeIndex{pending: map[string]*retrieval{}, uploads: map[string]*file{}}
		st.offices[code] = ix
	}
	return ix
}

// ownFile returns the caller's file; another office's file is "not found".
func (st *state) ownFile(id, office string) (*file, bool) {
	f, ok := st.files[id]
	if !ok || f.office != office {
		return nil, false
	}
	return f, true
}

// ownRetrieval returns the caller's retrieval by DAS ack id.
func (st *state) ownRetrieval(ackID, office string) (*retrieval, bool) {
	r, ok := st.retrievals[ackID]
	if !ok || (r.osf != office && !st.anyOffice) {
		return nil, false
	}
	return r, true
}

func offAckKey(off, ack string) string { return off + "\x00" + ack }
