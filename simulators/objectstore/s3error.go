package objectstore

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
)

// S3Error is the error body Amazon S3 sends (REST error responses,
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html):
//
//	<Error><Code>..</Code><Message>..</Message>..<Resource>..</Resource><RequestId>..</RequestId></Error>
//
// Fields carries the extra elements S3 adds for some codes, in order (for
// an expired URL: X-Amz-Expires, Expires, ServerTime), so a client author
// sees the same evidence real S3 would give.
type S3Error struct {
	Status  int
	Code    string
	Message string
	Fields  []Field
}

// Field is one extra element of an S3 error body.
type Field struct{ Name, Value string }

func (e *S3Error) Error() string { return e.Code + ": " + e.Message }

// Is matches on the code, so errors.Is works on described copies.
func (e *S3Error) Is(target error) bool {
	t, ok := target.(*S3Error)
	return ok && t.Code == e.Code
}

// Describef returns a copy with a message; the sentinel is never modified.
func (e *S3Error) Describef(format string, args ...any) *S3Error {
	c := *e
	c.Message = fmt.Sprintf(format, args...)
	c.Fields = nil
	return &c
}

// With returns a copy carrying one more extra element.
func (e *S3Error) With(name, value string) *S3Error {
	c := *e
	c.Fields = append(append([]Field(nil), e.Fields...), Field{name, value})
	return &c
}

// Error codes and statuses from the S3 error code list
// (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList).
var (
	ErrAccessDenied          = &S3Error{Status: http.StatusForbidden, Code: "AccessDenied", Message: "Access Denied"}
	ErrSignatureDoesNotMatch = &S3Error{Status: http.StatusForbidden, Code: "SignatureDoesNotMatch",
		Message: "The request signature we calculated does not match the signature you provided. Check your key and signing method."}
	ErrInvalidAccessKeyID = &S3Error{Status: http.StatusForbidden, Code: "InvalidAccessKeyId",
		Message: "The AWS Access Key Id you provided does not exist in our records."}
	ErrRequestTimeTooSkewed = &S3Error{Status: http.StatusForbidden, Code: "RequestTimeTooSkewed",
		Message: "The difference between the request time and the current time is too large."}
	ErrAuthorizationQueryParameters = &S3Error{Status: http.StatusBadRequest, Code: "AuthorizationQueryParametersError"}
	ErrAuthorizationHeaderMalformed = &S3Error{Status: http.StatusBadRequest, Code: "AuthorizationHeaderMalformed"}
	ErrInvalidArgument              = &S3Error{Status: http.StatusBadRequest, Code: "InvalidArgument"}
	ErrMissingContentLength         = &S3Error{Status: http.StatusLengthRequired, Code: "MissingContentLength",
		Message: "You must provide the Content-Length HTTP header."}
	ErrEntityTooLarge = &S3Error{Status: http.StatusBadRequest, Code: "EntityTooLarge",
		Message: "Your proposed upload exceeds the maximum allowed object size."}
	ErrIncompleteBody = &S3Error{Status: http.StatusBadRequest, Code: "IncompleteBody",
		Message: "You did not provide the number of bytes specified by the Content-Length HTTP header."}
	ErrContentSHA256Mismatch = &S3Error{Status: http.StatusBadRequest, Code: "XAmzContentSHA256Mismatch",
		Message: "The provided 'x-amz-content-sha256' header does not match what was computed."}
	ErrInvalidToken = &S3Error{Status: http.StatusBadRequest, Code: "InvalidToken",
		Message: "The provided token is malformed or otherwise invalid: this store issues no session tokens."}
	ErrNotImplemented = &S3Error{Status: http.StatusNotImplemented, Code: "NotImplemented"}
)

// writeS3Error writes e as S3 does: XML body, Content-Type application/xml,
// the request id both in the body and in x-amz-request-id.
func writeS3Error(w http.ResponseWriter, r *http.Request, e *S3Error, requestID string) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	root := xml.StartElement{Name: xml.Name{Local: "Error"}}
	elements := append([]Field{{"Code", e.Code}, {"Message", e.Message}}, e.Fields...)
	elements = append(elements, Field{"Resource", r.URL.Path}, Field{"RequestId", requestID})
	_ = enc.EncodeToken(root)
	for _, f := range elements {
		_ = enc.EncodeElement(f.Value, xml.StartElement{Name: xml.Name{Local: f.Name}})
	}
	_ = enc.EncodeToken(root.End())
	_ = enc.Flush()

	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Set("X-Amz-Request-Id", requestID)
	w.WriteHeader(e.Status)
	if r.Method != http.MethodHead { // S3 answers HEAD errors without a body
		_, _ = w.Write(buf.Bytes())
	}
}

// errorElements flattens an S3 <Error> document into a map.
func errorElements(b []byte) map[string]string {
	out := map[string]string{}
	dec := xml.NewDecoder(bytes.NewReader(b))
	var name string
	for {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name = t.Name.Local
		case xml.CharData:
			if name != "" {
				out[name] += string(t)
			}
		case xml.EndElement:
			name = ""
		}
	}
}
