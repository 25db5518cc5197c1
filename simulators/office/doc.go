// Package office simulates one patent office of the WIPO DAS world, in both
// of its roles (ARCHITECTURE.md §1: "Every office is both OFF and OSF").
//
// As OFF it keeps a digital library of Documents and registers them
// (RegisterAll, Register), corrects (Correct) and withdraws (Withdraw) them,
// each document by its Hosting: Library (flow c.1, upload then register),
// Home (flow c.2, DAS forwards POST retrievals; the office answers with its
// own ack id, notifies DAS, and hands out its own HMAC-signed, expiring
// download link through files/url-downloads) or Transit (flow c.3, the office
// uploads into the DAS transit zone, PUT retrievals, notifies), Transit being
// chosen automatically above Config.TransitThreshold.
//
// As OSF it requests retrievals (RequestRetrieval), receives notifications
// (idempotently: "Delivery is at least once: receivers must accept a
// repeat"), polls statuses (Status), downloads and checks sha256 (Download),
// and deletes (Delete); Received keeps everything for assertions.
//
// DAS's calls are authenticated in setup A (WIPO's JWKS, DAS's client id
// whitelisted) or setup B (the office's own authorization server, an
// authz.Server the world serves beside the office and names with
// WithOwnAuthorizationServer). Every exchange, served or made, is validated
// against das.yaml into the recorder (WithRecorder); faults (WithFaults)
// make the office misbehave on purpose as party "office <Code>", and every
// refusal — the contract's, the token verifier's, a fault's, an
// operation's — is written by one writer in Config.ErrorShape. Calls to DAS
// go through the one DAS API client (simulators/dasapi); retries, preparing
// and delayed notifications run in the office's lifecycle group, on the
// world's clock, stopped by Close. Time is the world's clock only.
package office
