// Package store holds what a simulated world must not forget: the DAS's
// registrations, retrievals, transit files and delivery attempts; the
// timers of its background work, with their original deadlines; and the
// world's identity (the authorization server's signing key and clients, the
// DAS whitelist, the CA and server certificates, the identities handed to
// external clients, the ports). docs/persistence.md says why it is shaped so.
//
// Each kind of state has its own interface (DAS, Timers, World), and a
// Backend gives all three. Three backends pass one conformance suite
// (simulators/store/storetest, dex's storage/conformance pattern):
//
//   - NewMemory: maps in the process, the default of `dasim run` and of every
//     test world;
//   - sqlstore with SQLite (modernc.org/sqlite, pure Go), `dasim serve
//     --data-dir`;
//   - sqlstore with PostgreSQL (pgx), `dasim serve --store postgres://…`,
//     shared by several replicas.
//
// Records are values: a transaction reads copies and writes whole records,
// so a backend never shares memory with its caller. DAS state changes only
// inside DAS.Update, whose function a backend may run more than once (a
// PostgreSQL serialization failure is retried): it must have no effect but
// its writes through the transaction. It is a leaf package: it imports no
// party.
package store
