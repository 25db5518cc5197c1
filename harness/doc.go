// Package harness builds a simulated WIPO DAS world and drives it: it starts
// every party on loopback HTTPS (authorization server, object store, DAS,
// PCT DAS, offices), owns the world's clock, records every exchange between
// parties validated against the contract, and binds a role to an external
// system under test when one is given. Scenarios (package scenarios) and the
// CLI (dasim serve, run, certify) stand on it; it never imports them.
package harness
