// Package scenarios holds dasim's Ginkgo specs: one file per exchange flow of
// WIPO's design pages, steps that read like the seeds' flow steps
// (By("(1a) OFF requests a presigned upload URL")), labels from a registered
// set (flow:…, role:…, Conformance) and, for every conformance spec, the rule
// it checks and its source.
//
// The specs run three ways: `go test ./scenarios/` (and `ginkgo -p`), `dasim
// run` (against the in-process world) and `dasim certify` (one role bound to
// a system under test). Ginkgo registers specs when the package loads and
// offers no other way in, so the run's options live in one package variable
// set by Configure before the run — the same compromise as the Kubernetes e2e
// framework's TestContext.
package scenarios
