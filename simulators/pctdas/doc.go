// Package pctdas holds the rules of WIPO's PCT system as DAS's source of
// priority documents of PCT applications filed with the receiving office of
// the International Bureau (RO/IB), and DAS's client of it.
//
// Seeds, storage table: "any priority documents that are based on RO/IB PCT
// applications will be accessed in transit only" — DAS never keeps them in
// its library and fetches each one from PCT DAS when an OSF asks.
//
// The party PCT DAS is an office: a simulated office (simulators/office)
// with code IB whose documents all stay at home and are prepared at once,
// which the harness configures with this package's rules — the library
// (Documents: the deterministic Demo set plus any given, every number
// PCT/IB<yyyy>/<nnnnnn>) and the number check (CheckNumber, detail -1 naming
// the expected form, before any lookup). It serves DAS through the
// office-side API of a flow c.2 OFF: DAS POSTs retrievals (PCT DAS checks
// number, filing date and access code, -7/-12/-14, and answers with its own
// ack id), GETs files/url-downloads by that ack id and the bytes from its
// signed link. So PCT DAS has the office's lifecycle, error writer and
// faults, and no code of its own to keep in step with the office's.
//
// DAS's PCTSource interface is synchronous (Fetch returns the bytes), so
// Source drives those three calls in one Fetch, through the one DAS API
// client (simulators/dasapi).
package pctdas
