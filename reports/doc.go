// Package reports turns a run of scenarios into what a CI system and a
// certifying office act on: JUnit XML (one test case per scenario), a JSON
// document, a self-contained HTML certification report (summary per flow and
// role; every failure with party, step, operation, JSON pointer, expected vs
// actual and the exchange transcript; spec coverage as operation × status ×
// flow), and a signed bundle — a manifest of the report files with their
// sha256, the contract's hash and the toolkit version, signed as a JWS with
// the certifying party's key — that Verify checks.
package reports
