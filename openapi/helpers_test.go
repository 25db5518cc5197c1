package openapi

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
)

const validToken = "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln"

// dasRequest builds a request to the DAS contract under the design-page base path.
func dasRequest(method, path, contentType, body string) *http.Request {
	var r *http.Request
	if body == "" {
		r = httptest.NewRequest(method, "/das/v1/requests"+path, nil)
	} else {
		r = httptest.NewRequest(method, "/das/v1/requests"+path, strings.NewReader(body))
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	r.Header.Set("Authorization", validToken)
	return r
}

func validate(c *Contract, r *http.Request) (*Route, []Violation) {
	var body []byte
	if r.Body != nil {
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(r.Body)
		body = buf.Bytes()
	}
	return c.ValidateRequest(context.Background(), r, body)
}

const validRetrieval = `{"operationCategory":"retrieval","documentKindCategory":"patent",
 "documentNumber":"EE P202300012","documentDate":"2023-03-14","dasAccessCode":"AB21",
 "applicationCategory":null,"applicationNumber":null,"applicationFilingDate":null}`

const validRegistration = `{"operationCategory":"registration","documentKindCategory":"patent",
 "documentNumber":"EE P202300012","documentDate":"2023-03-14","dasAccessCode":"ab21",
 "applicationCategory":"priority document","applicationNumber":"EE P202300012",
 "applicationFilingDate":"2023-03-14","email":null,"fileId":"3f8e2a4c-7d1b-4e2f-9a51-0c6b8d9e1f20"}`

const validStatusBag = `{"documentRetrievalResponseBag":[{"requestAckId":"7d0c1e52-93b4-4a8e-b1f6-2c5d8e9a0b13",
 "operationCategory":"retrieval","requestStatusCategory":"pending","errorCode":null,"statusMessage":null,
 "documentKindCategory":"patent","documentNumber":"EE P202300012","documentDate":"2023-03-14",
 "documentAvailabilityDate":null,"fileId":null}]}`

func errorsAs(err error, target any) bool { return errors.As(err, target) }
