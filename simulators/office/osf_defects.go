package office

// OSFDefects are deliberate faults of the office's OSF side — its client of
// DAS (RetrieveAll) and its notification receiver — one per obligation that
// certify --role osf checks (docs/osf-certification.md), so that the
// self-test can show each one is caught. The zero value is a correct OSF.
// (The OFF side's are Defects.)
type OSFDefects struct {
	// SkipTokenChecks are the checks of DAS's token the notification
	// receiver leaves out: TokenCheckAll (it accepts anything, no token
	// included), or any of the others.
	SkipTokenChecks []TokenCheck
	// NotifyAnswer200 answers a notification 200 with a JSON body, not 204.
	NotifyAnswer200 bool
	// RefuseRepeat answers a repeated notification 409.
	RefuseRepeat bool
	// ActOnRefused refuses a notification whose token is bad, as it
	// should, yet takes its news: the retrieval it names counts as ready.
	ActOnRefused bool

	// NoRetry gives up on a retrieval DAS answered 5xx.
	NoRetry bool
	// FastRetry retries after 1.5 ms, whatever Retry-After says.
	FastRetry bool
	// FastPolling polls the status 50 times a second.
	FastPolling bool
	// URLBeforeReady asks for the file location URL without waiting for
	// the document to be ready.
	URLBeforeReady bool
	// TokenInQuery also sends the access token as access_token in the query.
	TokenInQuery bool
	// WrongAccessCode sends another dasAccessCode than the document's.
	WrongAccessCode bool
	// MissingField leaves documentDate out of POST retrievals.
	MissingField bool
	// NoURLRenewal gives up when its file location URL has expired.
	NoURLRenewal bool
	// BearerToStore sends its access token with the presigned GET.
	BearerToStore bool
	// NoChecksumCheck takes the downloaded bytes without comparing their
	// sha256 with fileChecksum.
	NoChecksumCheck bool
	// PartialDownload reads half of the file and takes it as the document.
	PartialDownload bool
	// DeleteBeforeDownload deletes the transit file before downloading it.
	DeleteBeforeDownload bool
	// DeleteWrongID deletes with a fileId DAS never gave it.
	DeleteWrongID bool
	// SkipDocument never retrieves the last document it was given.
	SkipDocument bool
	// SkipDownload gets the last document's URL but never downloads it.
	SkipDownload bool
}

// TokenCheck is one check a notification receiver makes of DAS's token.
type TokenCheck string

// The checks of DAS's token (RFC 6750 section 3.1; RFC 7519 section 7.2).
const (
	TokenCheckAll       TokenCheck = "all"       // every check, the token's presence included
	TokenCheckSignature TokenCheck = "signature" // signed by a key of the issuer's JWKS, with its algorithm
	TokenCheckIssuer    TokenCheck = "issuer"    // iss is the issuer DAS's tokens come from
	TokenCheckExpiry    TokenCheck = "expiry"    // exp and nbf against the clock
	TokenCheckScope     TokenCheck = "scope"     // the scope DAS is given
	TokenCheckClient    TokenCheck = "client"    // sub is DAS's client id
)

// weakensReceiver reports whether a defect changes how notifications are let in.
func (d OSFDefects) weakensReceiver() bool { return len(d.SkipTokenChecks) > 0 || d.ActOnRefused }
