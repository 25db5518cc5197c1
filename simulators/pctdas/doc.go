// Package pctdas simulates WIPO's PCT system as DAS's source of priority
// documents of PCT applications filed with the receiving office of the
// International Bureau (RO/IB).
//
// Seeds, storage table: "any priority documents that are based on RO/IB PCT
// applications will be accessed in transit only" — DAS never keeps them in
// its library and fetches each one from PCT DAS when an OSF asks.
//
// PCT DAS is an office with code IB whose documents all stay at home, so it
// serves DAS through the office-side API of a flow c.2 OFF, reusing
// simulators/office: DAS POSTs retrievals (PCT DAS checks number, filing date
// and access code, -7/-12/-14, and answers with its own ack id), GETs
// files/url-downloads by that ack id and the bytes from PCT DAS's signed
// link. Numbers that are not PCT/IB<yyyy>/<nnnnnn> are refused with
// INVALID_INPUT_DATA detail -1 naming the expected form.
//
// DAS's PCTSource interface is synchronous (Fetch returns the bytes), so
// Source drives those three calls over HTTP in one Fetch; PCT DAS then
// prepares at once and does not notify. With Config.NotifyDAS, PCT DAS
// instead prepares on the world clock and POSTs notifications to DAS like any
// c.2 OFF (for a DAS that forwards to IB as an office).
//
// Demo generates a deterministic set of documents from a seed.
package pctdas
