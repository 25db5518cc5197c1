// Package openapi is dasim's contract: the embedded OpenAPI 3.0.3 documents of
// the WIPO DAS API (das.yaml) and of WIPO's authorization server (authz.yaml),
// and the validation every simulator and client of the toolkit runs on every
// request and response.
//
// A Contract is loaded once and routes requests by a static table (DAS paths
// have no path parameters), then validates with kin-openapi's openapi3filter.
// Failures come back as Violations: operation, where (path, query, header,
// body, status, content-type, security), a JSON pointer or field name, the
// rule, expected and actual — with values of fields marked x-dasim-secret
// redacted, and never kin-openapi's raw dump. Middleware (server side) and
// Transport (client side) record each exchange with its verdict.
//
// The package holds no party logic and imports nothing of dasim.
package openapi
