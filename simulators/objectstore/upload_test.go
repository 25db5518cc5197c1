package objectstore

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wipo-das/dasim/simulators/s3client"
)

func TestTruncatedUploadStoresNothing(t *testing.T) {
	w := newWorld(t)
	put := w.presignPut("truncated.pdf")
	u, err := url.Parse(put.URL)
	if err != nil {
		t.Fatal(err)
	}
	// A client that declares 1000 bytes, sends 400 and stops: a raw TCP
	// connection half-closed, so the server sees the short body and can
	// still answer.
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "PUT %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/pdf\r\nContent-Length: 1000\r\n\r\n%s",
		u.RequestURI(), u.Host, strings.Repeat("x", 400))
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer to a truncated upload: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	r := response{status: res.StatusCode, header: res.Header, body: body, xml: errorElements(body)}
	expectS3Error(t, r, http.StatusBadRequest, "IncompleteBody", "received 400 of the 1000 bytes")

	if _, err := w.storage.Head(context.Background(), "das-library", "truncated.pdf"); !errors.Is(err, s3client.ErrObjectNotFound) {
		t.Errorf("after a truncated upload, Head: %v; want s3client.ErrObjectNotFound", err)
	}
	if got := w.createdObjects(); len(got) != 0 {
		t.Errorf("WithObjectCreated called for a truncated upload: %v", got)
	}
}

func TestUploadSizeLimits(t *testing.T) {
	w := newWorld(t, func(c *Config) { c.MaxObjectSize = 1 << 20 })

	atLimit := w.presignPut("at-limit.pdf")
	if r := w.send(atLimit.Method, atLimit.URL, pdf, make([]byte, 1<<20)); r.status != http.StatusOK {
		t.Fatalf("upload of exactly MaxObjectSize: %d %s", r.status, r.body)
	}

	tooLarge := w.presignPut("too-large.pdf")
	r := w.send(tooLarge.Method, tooLarge.URL, pdf, make([]byte, 1<<20+1))
	expectS3Error(t, r, http.StatusBadRequest, "EntityTooLarge", "exceeds the maximum allowed object size")
	if r.xml["ProposedSize"] != "1048577" || r.xml["MaxSizeAllowed"] != "1048576" {
		t.Errorf("ProposedSize %q MaxSizeAllowed %q", r.xml["ProposedSize"], r.xml["MaxSizeAllowed"])
	}
	if _, err := w.storage.Head(context.Background(), "das-library", "too-large.pdf"); !errors.Is(err, s3client.ErrObjectNotFound) {
		t.Errorf("too-large upload was stored: %v", err)
	}
}

func TestUploadWithoutContentLength(t *testing.T) {
	w := newWorld(t)
	put := w.presignPut("chunked.pdf")
	// A body of unknown length makes Go's client send Transfer-Encoding: chunked.
	req, err := http.NewRequest(put.Method, put.URL, io.MultiReader(bytes.NewReader([]byte("some bytes"))))
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	expectS3Error(t, response{status: res.StatusCode, header: res.Header, body: body, xml: errorElements(body)},
		http.StatusLengthRequired, "MissingContentLength", "Content-Length")
}
