package objectstore

import (
	"bytes"
	"net/http"
)

// answerWriter stands between gofakes3 and the client. It passes successful
// answers through untouched (bodies stream), and makes every error look like
// S3's: a failure recorded by the upload body replaces gofakes3's answer, and
// gofakes3's own error bodies (which lack Message and RequestId) are
// rewritten by finish with S3's message for the code.
type answerWriter struct {
	http.ResponseWriter
	body      *checkedBody
	request   *http.Request
	requestID string
	status    int
	mode      answerMode
	errorBody bytes.Buffer
}

type answerMode int

const (
	passThrough   answerMode = iota
	replaced                 // our error was written; drop gofakes3's
	bufferedError            // gofakes3's error, rewritten by finish
)

// maxErrorBody bounds what is buffered of a gofakes3 error body.
const maxErrorBody = 64 << 10

func (w *answerWriter) WriteHeader(code int) {
	if w.status != 0 {
		return
	}
	switch {
	case w.body != nil && w.body.failure != nil:
		w.status, w.mode = w.body.failure.Status, replaced
		writeS3Error(w.ResponseWriter, w.request, w.body.failure, w.requestID)
	case code >= 400:
		w.status, w.mode = code, bufferedError
	default:
		w.status = code
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *answerWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	switch w.mode {
	case replaced:
		return len(p), nil
	case bufferedError:
		if w.errorBody.Len() < maxErrorBody {
			w.errorBody.Write(p)
		}
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *answerWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish writes a buffered gofakes3 error as S3 would have.
func (w *answerWriter) finish() {
	if w.mode != bufferedError {
		return
	}
	found := errorElements(w.errorBody.Bytes())
	e := &S3Error{Status: w.status, Code: found["Code"], Message: found["Message"]}
	if e.Code == "" {
		e.Code = http.StatusText(w.status)
	}
	if e.Message == "" {
		e.Message = s3Message(e.Code)
	}
	bucket, key := splitPath(w.request.URL.Path)
	switch e.Code {
	case "NoSuchKey":
		e = e.With("Key", key)
	case "NoSuchBucket":
		e = e.With("BucketName", bucket)
	}
	writeS3Error(w.ResponseWriter, w.request, e, w.requestID)
}

// s3Message is S3's message for a code gofakes3 answers with
// (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList).
func s3Message(code string) string {
	switch code {
	case "NoSuchKey":
		return "The specified key does not exist."
	case "NoSuchBucket":
		return "The specified bucket does not exist."
	case "NoSuchUpload":
		return "The specified multipart upload does not exist. The upload ID might not be valid, or the multipart upload might have been aborted or completed."
	case "BucketNotEmpty":
		return "The bucket you tried to delete is not empty."
	case "BucketAlreadyExists":
		return "The requested bucket name is not available."
	case "InvalidBucketName":
		return "The specified bucket is not valid."
	case "InvalidRange":
		return "The requested range is not satisfiable."
	case "PreconditionFailed":
		return "At least one of the preconditions you specified did not hold."
	case "MethodNotAllowed":
		return "The specified method is not allowed against this resource."
	case "KeyTooLongError":
		return "Your key is too long."
	case "InvalidDigest":
		return "The Content-MD5 you specified is not valid."
	case "BadDigest":
		return "The Content-MD5 you specified did not match what we received."
	case "InternalError":
		return "We encountered an internal error. Please try again."
	}
	return ""
}
