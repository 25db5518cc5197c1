// Package das simulates WIPO's Digital Access Service (DAS): every operation of
// openapi/das.yaml, stateful and per calling office, over the S3 API for its
// two storage zones (library and transit).
//
// Flows (seeds, "Registration and Retrieval"; ARCHITECTURE.md §1):
//
//   - c.1 library-hosted: (1a) POST files/url-uploads, (1b) PUT to the
//     presigned URL, (1c) POST registrations; (2a) POST retrievals, (2b) DAS
//     copies the document into the transit zone and POSTs notifications to the
//     OSF (or the OSF polls GET retrievals/statuses), (2c) files/url-downloads,
//     (2d) download, (2e) optional DELETE files.
//   - corrections: PUT registrations (filing date, parent application, or new
//     content through a new upload).
//   - c.2 OFF-hosted: registration without a file; DAS forwards POST
//     retrievals to the OFF (the OFF answers with its own ack id), the OFF
//     POSTs notifications to DAS, DAS GETs the OFF's files/url-downloads and
//     the file, puts it into transit and notifies the OSF.
//   - c.3 OFF through the transit zone: like c.2, but the OFF uploads through
//     DAS's files/url-uploads and sets the file on the retrieval (PUT
//     retrievals, by its own ack id) before notifying.
//   - PCT RO/IB: "any priority documents that are based on RO/IB PCT
//     applications will be accessed in transit only" (seeds, storage table:
//     library FORBIDDEN). DAS fetches them from PCT DAS (a PCTSource) on demand.
//
// Storage rules (rules.go): RO/IB documents never enter the library; IP5
// offices (EP, US, JP, KR, CN) keep documents at home ("IP5-origin docs only in
// temporary storage during exchange", das-domain.md §1); every other office's
// uploaded documents go to the library.
//
// Every office sees only its own registrations, retrievals and files: another
// office's identifiers are answered exactly like identifiers that do not exist.
//
// State: every operation reads and writes the DAS's records in transactions
// of a store (simulators/store, WithStore): memory by default, SQLite for
// `dasim serve --data-dir`, PostgreSQL shared by replicas. Background work
// (preparing a document, fetching it from an OFF, notifying an OSF, retries,
// transit retention, an OFF's notification deadline) is timers of that
// store, written with the state they act on and claimed before they run
// (timers.go), so a restarted DAS re-arms them at their original deadlines
// and of several replicas exactly one runs each (docs/persistence.md).
//
// Time comes from a clock.Clock only: every timer is armed on the world's
// clock, so a virtual clock advances a week in microseconds.
package das
