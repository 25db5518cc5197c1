package harness

// External is a system under test: where it answers and how to reach it.
type External struct {
	// URL is the system's base URL (for an office or DAS, including the API
	// base path, e.g. https://office.example/das/v1/requests).
	URL string
	// Issuer of the authorization server the system trusts or is (when it
	// is not the world's own).
	Issuer string
	// ClientID and CertPEM are the system's own identity, registered in the
	// world (CertPEM is the certificate an office sends WIPO).
	ClientID string
	CertPEM  []byte
	// Office is the ST.3 code the system acts for.
	Office string
}

// Bindings bind roles to systems under test. A nil role is simulated. Only
// the OFF is bound this way; a DAS under test is bound with UseRemoteDAS
// (scenarios) and an OSF client under test is observed (World.Observe).
type Bindings struct {
	OFF *External // an office of first filing's server
}
