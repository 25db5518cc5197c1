package harness

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// objectOp names step 2d, which happens at the object store, outside das.yaml.
const objectOp = "GET fileDownloadUrl"

// downloadedAll is O9: every listed document downloaded whole, its sha256
// matching the fileChecksum DAS gave, as the object store saw it served.
func (s *snapshot) downloadedAll() Check {
	c := Check{ID: "O9", Title: "(2d) downloads every listed document whole, its sha256 matching", Flow: s.flow(), Step: "(2d)",
		Op: objectOp, State: NotYetSeen, Source: "WIPO DAS exchange flows c.1 step 2d; das.yaml UrlDownloadResponse (fileChecksum, fileSizeQuantity)",
		Rule:     "OSF downloads the document file content from the file location URL (presigned GET at the object store)",
		Expected: "a GET of a fileDownloadUrl answered 200 with fileSizeQuantity bytes whose sha256 is fileChecksum, for every listed document"}
	reported := s.corruptReported()
	var notes []string
	for _, d := range s.docs {
		if intactDocument(d) {
			continue
		}
		if reported != nil && reported.doc == d {
			d.notRequired = "its only download was corrupted on purpose and the system kept DAS's copy (O13)"
			continue
		}
		notes = append(notes, d.name()+": "+lastAttempt(d))
	}
	if len(notes) == 0 {
		c.meet(fmt.Sprintf("each of the %d listed documents downloaded whole with a matching sha256", len(s.docs)))
		return c
	}
	c.Detail = "not yet downloaded intact: " + strings.Join(notes, "; ")
	return c
}

func intactDocument(d *docView) bool {
	for _, rv := range d.retrievals {
		if _, ok := rv.firstIntact(); ok {
			return true
		}
	}
	return false
}

// lastAttempt says what the system last did towards downloading d.
func lastAttempt(d *docView) string {
	what := "no file location URL obtained"
	for _, rv := range d.retrievals {
		for _, h := range rv.urls {
			what = "a file location URL obtained, no GET of it seen"
			for _, r := range h.downloads {
				what = fmt.Sprintf("GET answered %d with %d of %d bytes, sha256 %s (fileChecksum %s)", r.Status, r.Bytes, h.size,
					short(r.SHA256), short(h.checksum))
			}
		}
	}
	if len(d.retrievals) == 0 {
		what = "not acknowledged yet"
	}
	return what
}

func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12] + "…"
	}
	return sum
}

// renewedExpiredURL is O10: the retrieval whose file location URL DAS
// handed out already expired gets a new URL ("Downloads can be repeated
// while the requested document is not deleted from WIPO DAS") and its
// document is downloaded from it.
func (s *snapshot) renewedExpiredURL() Check {
	c := Check{ID: "O10", Title: "asks for a new file location URL when the one it got has expired, and downloads that document", Flow: "faults",
		Step: "(2c)-(2d)", Op: "getFileDownloadUrl", Pointer: "/fileDownloadUrlExpiryDate", State: NotYetSeen,
		Source:   "WIPO DAS exchange flows c.1 steps 2c-2d; das.yaml getFileDownloadUrl (repeatable until the file is deleted or expires)",
		Rule:     "An expired fileDownloadUrl is replaced by asking files/url-downloads again, not given up on",
		Expected: "a second files/url-downloads call for that retrieval, then a GET of every byte of the new URL",
		Detail:   "the system has not asked for a file location URL yet, so the expired one was not handed out"}
	for _, d := range s.docs {
		for _, rv := range d.retrievals {
			for i, h := range rv.urls {
				if h.expires.IsZero() || h.expires.After(h.at) {
					continue
				}
				c.Detail = fmt.Sprintf("DAS handed out a URL for retrieval %s (%s) that expired at %s; no complete download from a new URL yet",
					rv.ack, d.name(), stamp(h.expires))
				c.Actual = "no new URL downloaded from yet"
				if at, ok := completeAfter(rv.urls[i+1:]); ok {
					c.meet(fmt.Sprintf("asked again for retrieval %s after its URL expired at %s, downloaded it whole at %s", rv.ack, stamp(h.expires), stamp(at)))
					return c
				}
				if len(rv.deletes) > 0 {
					c.violate(rv.deletes[0].At, c.Expected, "deleted the file without downloading it",
						fmt.Sprintf("the system deleted the transit file of retrieval %s (%s) after its URL expired: the document was never downloaded", rv.ack, d.name()))
				}
				return c
			}
		}
	}
	return c
}

// completeAfter is the first download of every byte from one of urls:
// whether those bytes are intact is O13's to judge.
func completeAfter(urls []*handedURL) (time.Time, bool) {
	for _, h := range urls {
		for _, r := range h.downloads {
			if h.complete(r) {
				return r.At, true
			}
		}
	}
	return time.Time{}, false
}

// corrupted finds the download the harness corrupted and its retrieval.
func (s *snapshot) corrupted() (*retrievalView, ObjectRequest, bool) {
	for _, rv := range s.byAck {
		for _, h := range rv.urls {
			for _, r := range h.downloads {
				if r.Corrupted {
					return rv, r, true
				}
			}
		}
	}
	return nil, ObjectRequest{}, false
}

// corruptReported is the retrieval of the corrupted download when the run
// is over and the system neither downloaded it again nor deleted it: it
// kept DAS's copy, as a client that reports the mismatch does.
func (s *snapshot) corruptReported() *retrievalView {
	rv, _, ok := s.corrupted()
	if !s.final || !ok || len(rv.deletes) > 0 || intactDocument(rv.doc) {
		return nil
	}
	return rv
}

// corruptDownloadHandled is O13: after a download whose sha256 does not
// match, the system downloads again (or keeps DAS's copy and reports);
// deleting the only copy is a violation.
func (s *snapshot) corruptDownloadHandled() Check {
	c := Check{ID: "O13", Title: "checks the sha256 of what it downloaded: downloads a corrupt copy again, never deletes the only copy", Flow: "faults",
		Step: "(2d)-(2e)", Op: objectOp, State: NotYetSeen,
		Rule:     "A download whose sha256 differs from fileChecksum is not the document: the client downloads again (or reports it) and does not delete the file from DAS",
		Source:   "das.yaml UrlDownloadResponse fileChecksum (sha256 of the file, lowercase hex); WIPO DAS exchange flows c.1 steps 2d-2e",
		Expected: "a new, intact download of that retrieval before any DELETE files",
		Detail:   "the system's first download, served with one byte altered, has not happened yet"}
	rv, bad, ok := s.corrupted()
	if !ok {
		return c
	}
	intact, found := rv.firstIntact()
	c.Detail = fmt.Sprintf("its download of retrieval %s (%s) at %s was served corrupt (sha256 %s); no intact download since",
		rv.ack, rv.doc.name(), stamp(bad.At), short(bad.SHA256))
	for _, del := range rv.deletes {
		if !found || del.At.Before(intact.At) {
			c.Op, c.Step = "deleteFile", "(2e)"
			c.violate(del.At, c.Expected, fmt.Sprintf("DELETE files at %s, the only download corrupt", stamp(del.At)),
				fmt.Sprintf("the system deleted the file of retrieval %s (%s) after a download whose sha256 %s is not its fileChecksum: "+
					"it deleted the only intact copy", rv.ack, rv.doc.name(), short(bad.SHA256)))
			return c
		}
	}
	switch {
	case found:
		c.meet(fmt.Sprintf("downloaded retrieval %s again after the corrupt copy, intact at %s", rv.ack, stamp(intact.At)))
	case s.corruptReported() != nil:
		c.meet(fmt.Sprintf("kept DAS's copy of retrieval %s after the corrupt download (reported, not deleted)", rv.ack))
	}
	return c
}

// deletedAfterDownload is O8 (optional step 2e): a DELETE files answered
// 204, and only after the retrieval's document was downloaded intact.
func (s *snapshot) deletedAfterDownload() Check {
	c := Check{ID: "O8", Title: "(2e) deletes a file only after downloading it, and successfully", Flow: s.flow(), Step: "(2e)",
		Op: "deleteFile", Optional: true, State: NotYetSeen, Expected: "DELETE files answered 204, after a complete download",
		Source: "WIPO DAS exchange flows c.1 step 2e; das.yaml deleteFile",
		Rule:   "Optionally OSF deletes the downloaded files from the DAS transit zone"}
	done := 0
	for _, e := range s.ex {
		if e.Operation != "deleteFile" {
			continue
		}
		if e.Status != http.StatusNoContent {
			c.violate(e.At, c.Expected, fmt.Sprintf("%d %s", e.Status, clip(e.ResponseBody)),
				fmt.Sprintf("DELETE %s failed: DAS answered %d: %s", pathOf(e.URL), e.Status, clip(e.ResponseBody)))
			return c
		}
		rv := s.retrievalOf(queryOf(e.URL))
		if rv == nil {
			continue
		}
		// A complete but corrupt copy deleted is O13's violation.
		if whole, ok := rv.firstComplete(); !ok || whole.At.After(e.At) {
			c.violate(e.At, c.Expected, "deleted before any complete download", fmt.Sprintf("the system deleted the file of "+
				"retrieval %s (%s) before downloading it whole: %s", rv.ack, rv.doc.name(), lastAttempt(rv.doc)))
			return c
		}
		done++
	}
	if done > 0 {
		c.meet(fmt.Sprintf("%d file(s) deleted, each after its download", done))
	}
	return c
}

// tokenKeptFromStore is O12: a presigned URL carries its own credentials;
// sending the bearer token with it leaks the token to the object store.
func (s *snapshot) tokenKeptFromStore() Check {
	c := Check{ID: "O12", Title: "keeps its access token away from the object store", Flow: s.flow(), Step: "(2d)", Op: objectOp,
		State: NotYetSeen, Expected: "the presigned GET without an Authorization header or access_token",
		Source: "das.yaml UrlDownloadResponse (fileDownloadUrl: GET it with no Authorization header); RFC 6750 section 5.3",
		Rule:   "The access token is sent only to DAS: a presigned URL is used as it is, with no Authorization header"}
	gets := 0
	for _, r := range s.objects {
		if r.Method != http.MethodGet || r.Signature == "" {
			continue
		}
		if r.Bearer {
			c.violate(r.At, c.Expected, "a Bearer access token sent with the GET", fmt.Sprintf("the system sent its DAS access token "+
				"to the object store with GET %s: the store (a third party, e.g. S3) now holds it", r.Path))
			return c
		}
		gets++
	}
	if gets > 0 {
		c.meet(fmt.Sprintf("%d downloads, none carrying a token", gets))
	}
	return c
}
