// Package s3client is the DAS's only way to its documents: the S3 API
// through aws-sdk-go-v2 (path-style, BaseEndpoint, checksums only when
// required), with every signature and presigned URL dated by the world's
// clock. It works the same against the simulated object store
// (simulators/objectstore) or any S3-compatible endpoint, so the embedded
// store can be swapped for a real one by configuration (ARCHITECTURE.md
// §3). It is a leaf package, shared by the parties that speak S3: it
// imports no party.
package s3client
