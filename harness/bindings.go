package harness

// External is a system under test: where it answers and how to reach it.
type External struct {
	// URL is the system's base URL (for an office or DAS, including the API
	// base path, e.g. https://office.example/das/v1/requests).
	URL string
	// Issuer of the authorization server the system trusts or is (when it
	// is not the world's own).
	Issuer string
	// ClientID, KeyPEM and CertPEM are the identity the harness acts as
	// toward the system, or the system's own identity registered in the world.
	ClientID string
	KeyPEM   []byte
	CertPEM  []byte
	// CAFile is a PEM bundle to trust for the system's TLS certificate.
	CAFile string
	// Office is the ST.3 code the system acts for.
	Office string
}

// Bindings bind roles to systems under test. A nil role is simulated.
type Bindings struct {
	DAS   *External // WIPO's DAS (with AuthZ: WIPO's regression run)
	AuthZ *External
	OFF   *External // an office of first filing's server
	OSF   *External // an office of second filing's client (observed)
}

// Empty reports whether every role is simulated.
func (b Bindings) Empty() bool { return b.DAS == nil && b.AuthZ == nil && b.OFF == nil && b.OSF == nil }
