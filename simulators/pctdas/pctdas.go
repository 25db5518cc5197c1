package pctdas

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"

	"github.com/wipo-das/dasim/simulators/priority"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// Code is the ST.3 code PCT DAS acts under: the International Bureau.
const Code = "IB"

// ClientID is PCT DAS's client id at WIPO's authorization server, for the
// calls it makes as an office.
const ClientID = "das-ib-pct1-api-id"

// numberPattern is a PCT number of RO/IB: "PCT/" + RO code + 4-digit year +
// "/" + 6 digits (PCT AI s.307; docs/wipo-facts.md).
var numberPattern = regexp.MustCompile(`^PCT/IB[0-9]{4}/[0-9]{6}$`)

// Documents is the library PCT DAS serves: the demo set of demo, then
// extra. Every number must be a PCT number of RO/IB; every problem is
// reported at once.
func Documents(demo DemoConfig, extra []priority.Document) ([]priority.Document, error) {
	docs, err := Demo(demo)
	if err != nil {
		return nil, fmt.Errorf("pctdas: demo set: %w", err)
	}
	docs = append(docs, extra...)
	var errs []error
	for _, d := range docs {
		if !numberPattern.MatchString(d.Number) {
			errs = append(errs, fmt.Errorf("document %q is not a PCT number of RO/IB (PCT/IB<yyyy>/<nnnnnn>)", d.Number))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("pctdas: %w", err)
	}
	return docs, nil
}

// CheckNumber refuses, before any lookup, a forwarded retrieval whose
// number cannot be RO/IB's (the office's number check).
func CheckNumber(number string) *protocol.DASError {
	if numberPattern.MatchString(number) {
		return nil
	}
	return protocol.NewDASError(http.StatusBadRequest, protocol.CodeInvalidInputData, protocol.DetailInvalidField,
		"documentNumber %q is not a PCT application of RO/IB: PCT DAS serves PCT/IB<yyyy>/<nnnnnn> only, e.g. PCT/IB2023/000042", number)
}
