// Package scenarios holds dasim's Ginkgo specs: one file per exchange flow of
// WIPO's design pages, steps that read like the seeds' flow steps
// (By("(1a) OFF requests a presigned upload URL")), labels from a registered
// set (flow:…, role:…, Conformance) and, for every conformance spec, the rule
// it checks and its source.
//
// The specs run three ways: `go test ./scenarios/` (and `ginkgo -p`), `dasim
// run` (against the in-process world) and `dasim certify` (one role bound to
// a system under test). Build declares the spec tree with the run's Options
// in hand, before RunSpecs: a run's configuration reaches every spec as a
// value (the Suite), never through package state. Each spec asks the
// harness for its environment (harness.Env): the roles, simulated or bound
// to a system under test, the clock, the spec's exchanges and the step
// marker. A spec never asks which kind of role it got; where it needs what
// only a simulator offers it asks Env.Can and skips with the reason.
package scenarios
