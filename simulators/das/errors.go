package das

import (
	"errors"
	"net/http"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// Constructors of the error bodies DAS answers with. Each message names the
// field, the rule, and expected vs actual, without disclosing another office's
// data or a registered secret.

func invalidInput(detail int, format string, args ...any) *protocol.DASError {
	return protocol.NewDASError(http.StatusBadRequest, protocol.CodeInvalidInputData, detail, format, args...)
}

func forbidden(detail int, format string, args ...any) *protocol.DASError {
	return protocol.NewDASError(http.StatusForbidden, protocol.CodeForbidden, detail, format, args...)
}

func notFound(detail int, format string, args ...any) *protocol.DASError {
	return protocol.NewDASError(http.StatusNotFound, protocol.CodeNotFound, detail, format, args...)
}

func conflict(detail int, format string, args ...any) *protocol.DASError {
	return protocol.NewDASError(http.StatusConflict, protocol.CodeConflict, detail, format, args...)
}

func gone(detail int, format string, args ...any) *protocol.DASError {
	return protocol.NewDASError(http.StatusGone, protocol.CodeGone, detail, format, args...)
}

// unknownFile is the answer for a file id that does not exist OR belongs to
// another office: the two must be indistinguishable (no leak).
func unknownFile(fileID, office string) *protocol.DASError {
	return notFound(protocol.DetailUnknownFile, "no file with fileId=%s for office %s", fileID, office)
}

// unknownRetrieval is the answer for an ack id that does not exist OR belongs
// to another office.
func unknownRetrieval(ackID, office string) *protocol.DASError {
	return notFound(protocol.DetailUnknownRequest, "no retrieval with requestAckId=%s for office %s", ackID, office)
}

// asDASError returns err as a wire error; anything else is an internal
// failure whose detail is logged, never sent.
func asDASError(err error) (*protocol.DASError, bool) {
	var de *protocol.DASError
	if errors.As(err, &de) {
		return de, true
	}
	return nil, false
}
