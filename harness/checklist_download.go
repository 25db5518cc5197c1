package harness

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/faults"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// handedURL is a file location URL DAS gave the system under test.
type handedURL struct {
	path      string // /bucket/key, as the object store sees it
	signature string // X-Amz-Signature: tells apart URLs of one object
	size      int64
	expires   time.Time
}

// downloadURLOps are the two forms of files/url-downloads (GET by ack id,
// POST with the document key).
var downloadURLOps = []string{"getFileDownloadUrl", "requestFileDownloadUrl"}

// handedURLs lists, in order, the file location URLs DAS answered the
// system's files/url-downloads calls with.
func handedURLs(ex []openapi.Exchange) []handedURL {
	var out []handedURL
	for _, e := range ex {
		if !slices.Contains(downloadURLOps, e.Operation) || e.Status != http.StatusOK {
			continue
		}
		var dl protocol.URLDownloadResponse
		if jsonField(e.ResponseBody, &dl) != nil {
			continue
		}
		u, err := url.Parse(dl.FileDownloadURL)
		if err != nil {
			continue
		}
		exp, _ := time.Parse(time.RFC3339, dl.FileDownloadURLExpiryDate)
		out = append(out, handedURL{path: u.Path, signature: u.Query().Get("X-Amz-Signature"),
			size: ptrValue(dl.FileSizeQuantity), expires: exp})
	}
	return out
}

func ptrValue[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// downloads are the system's GETs of a URL's object, in order.
func (s snapshot) downloads(h handedURL) []ObjectRequest {
	var out []ObjectRequest
	for _, r := range s.objects {
		if r.Method == http.MethodGet && r.Path == h.path && r.Signature == h.signature {
			out = append(out, r)
		}
	}
	return out
}

func complete(h handedURL, r ObjectRequest) bool {
	return r.Status == http.StatusOK && r.Bytes == h.size
}

// downloaded is O9: the system fetched the whole file from a URL DAS gave it
// (step 2d happens at the object store, outside das.yaml).
func downloaded(s snapshot) Check {
	c := Check{ID: "O9", Title: "(2d) downloads the document from the file location URL", Flow: "c1-polling",
		Step: "(2d)", Op: "GET fileDownloadUrl", Source: "WIPO DAS exchange flows c.1 step 2d",
		Rule:  "OSF downloads the document file content from the file location URL (presigned GET at the object store)",
		State: NotYetSeen, Detail: "no GET of a file location URL DAS handed out has been seen",
		Expected: "GET of a fileDownloadUrl answered 200 with fileSizeQuantity bytes"}
	for _, h := range s.urls {
		for _, r := range s.downloads(h) {
			if complete(h, r) {
				c.State, c.Detail, c.Actual = Met, fmt.Sprintf("downloaded %d bytes from %s", r.Bytes, h.path), "200"
				return c
			}
			c.Actual = fmt.Sprintf("GET %s answered %d after %d bytes", h.path, r.Status, r.Bytes)
		}
	}
	return c
}

// renewedExpiredURL is O10: DAS's first file location URL was expired when
// handed out (an injected fault); the system asks files/url-downloads again
// ("Downloads can be repeated while the requested document is not deleted
// from WIPO DAS") and downloads from the new URL.
func (o *Observed) renewedExpiredURL(s snapshot) Check {
	c := Check{ID: "O10", Title: "asks for a new file location URL when the one it got has expired", Flow: "faults",
		Step: "(2c)-(2d)", Op: "getFileDownloadUrl", Pointer: "/fileDownloadUrlExpiryDate",
		Source: "WIPO DAS exchange flows c.1 steps 2c-2d; das.yaml getFileDownloadUrl",
		Rule:   "An expired fileDownloadUrl is replaced by asking files/url-downloads again, not given up on",
		State:  NotYetSeen, Expected: "a second files/url-downloads call, then a complete GET of the new URL",
		Detail: "the system has not asked for a file location URL yet, so the expired one was not handed out"}
	urls := s.urls
	if len(urls) == 0 || len(o.w.Faults.EventsOf(faults.ExpiredDownloadURL)) == 0 {
		return c
	}
	// The fault fires once, on the first files/url-downloads call.
	expired := urls[0]
	c.Detail = "DAS handed out a URL that expired at " + expired.expires.Format(time.RFC3339) + "; no complete download from a new URL yet"
	for _, fresh := range urls[1:] {
		for _, r := range s.downloads(fresh) {
			if complete(fresh, r) {
				c.State, c.Actual = Met, "renewed"
				c.Detail = fmt.Sprintf("asked again after the URL expired at %s, downloaded %d bytes", expired.expires.Format(time.RFC3339), r.Bytes)
				return c
			}
		}
	}
	for _, r := range s.downloads(expired) {
		if r.Status == http.StatusForbidden {
			c.State, c.Actual = Violated, "GET of the expired URL answered 403 and no new URL was downloaded from"
			c.Detail = "the object store refused the expired URL (403) and the system has not asked for a new one yet"
		}
	}
	if s.count(http.StatusNoContent, "deleteFile") > 0 {
		c.State, c.Actual = Violated, "deleted the file without downloading it"
		c.Detail = "the system deleted the transit file after the expired URL: the document was never downloaded"
	}
	return c
}
