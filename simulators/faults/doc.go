// Package faults makes simulated parties misbehave on purpose, per party and
// per operation, switchable while the world runs.
//
// Offices certify their implementations against dasim's simulators, so a
// simulator must be able to fail the way real parties fail: an office that is
// unreachable or answers 5xx (DAS then ends the retrieval with detail -101,
// das.yaml ErrorDetail), a slow answer, a notification that is lost, repeated,
// late or overtaken ("Delivery is at least once: receivers must accept a
// repeat", das.yaml notify), bytes that do not match their announced checksum,
// an upload shorter than announced, a download URL already expired when it is
// handed out.
//
// A Set holds Rules. Each rule names a party ("das", "office EE", "pctdas"),
// an operation (an operationId of das.yaml, or one of the pseudo-operations
// below for traffic outside the contract), a Kind with its parameters, and a
// remaining count (0 = until cleared). Server-side kinds act in Middleware;
// client-side kinds are hooks the party calls where it notifies (Outbox),
// uploads (Upload), serves bytes (Served) or hands out a URL (ExpireURL).
// Every fault that fires is recorded as an Event stamped by the world's clock,
// so reports can name it. AdminHandler switches rules over HTTP (GET, PUT,
// DELETE with JSON) for a running `dasim serve`.
package faults
