package office

import "github.com/wipo-das/dasim/simulators/priority"

// Document is a priority document of the office's digital library
// (priority.Document).
type Document = priority.Document

// RetrievalKey is what an OSF gives DAS to retrieve a document
// (priority.RetrievalKey).
type RetrievalKey = priority.RetrievalKey

func kindOr(kind string) string { return priority.KindOr(kind) }
