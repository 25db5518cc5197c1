package harness

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// snapshot is what one evaluation of the checklist judges: one copy of
// everything the system did and was answered, arranged per listed document
// and per retrieval, so that every check is judged per retrieval.
type snapshot struct {
	cfg        ObserveConfig
	now        time.Time
	final      bool // the run is over: what has not been seen will not be
	ex         []Stamped
	objects    []ObjectRequest
	tokens     []TokenRequest
	deliveries []Delivery
	probes     probeView
	docs       []*docView
	byAck      map[string]*retrievalView
}

// docView is one listed document and what the system did about it.
type docView struct {
	doc         DocumentFile
	posts       []Stamped // its POST retrievals, in order
	retrievals  []*retrievalView
	notRequired string // why it need not be downloaded intact, if so
}

func (d *docView) name() string { return d.doc.Number }

// retrievalView is one retrieval DAS acknowledged: its URLs, downloads and deletes.
type retrievalView struct {
	ack     string
	doc     *docView
	urls    []*handedURL
	fileIDs []string
	deletes []Stamped
}

// handedURL is a file location URL DAS gave the system under test.
type handedURL struct {
	at        time.Time
	path      string // /bucket/key, as the object store sees it
	signature string // X-Amz-Signature: tells apart URLs of one object
	size      int64
	checksum  string
	expires   time.Time
	downloads []ObjectRequest
}

// complete reports whether r fetched every byte of h's file.
func (h *handedURL) complete(r ObjectRequest) bool {
	return r.Status == http.StatusOK && r.Bytes == h.size
}

// intact reports whether r fetched the whole file of h unaltered.
func (h *handedURL) intact(r ObjectRequest) bool {
	return h.complete(r) && (h.checksum == "" || r.SHA256 == h.checksum)
}

// downloadURLOps are the two forms of files/url-downloads (GET by ack id,
// POST with the document key).
var downloadURLOps = []string{"getFileDownloadUrl", "requestFileDownloadUrl"}

func docKeyOf(kind, number string) string {
	if kind == "" || kind == "utilityModel" {
		kind = map[string]string{"": "patent", "utilityModel": "utility model"}[kind]
	}
	return kind + "|" + strings.ToUpper(strings.ReplaceAll(number, " ", ""))
}

// settlePatience bounds how long a snapshot waits for object-store
// requests still being answered.
const settlePatience = time.Second

func (o *Observed) snapshot(final bool) *snapshot {
	now := o.w.Clock.Now()
	o.w.objects.settle(now, settlePatience)
	s := &snapshot{cfg: o.cfg, now: now, final: final, ex: o.log.stamped(),
		objects: o.w.objects.requests(), tokens: o.w.tokens.requests(), probes: o.probes.view(),
		byAck: map[string]*retrievalView{}}
	s.deliveries, _, _ = o.gate.view()
	byKey := map[string]*docView{}
	for _, d := range o.cfg.Documents {
		dv := &docView{doc: d}
		s.docs = append(s.docs, dv)
		byKey[docKeyOf(d.Kind, d.Number)] = dv
	}
	for _, e := range s.ex {
		s.place(e, byKey)
	}
	return s
}

// place files one exchange under its document and retrieval.
func (s *snapshot) place(e Stamped, byKey map[string]*docView) {
	q := queryOf(e.URL)
	switch {
	case e.Operation == "requestRetrieval":
		var req probedDocument
		_ = jsonField(e.RequestBody, &req) // a field of the wrong type leaves the others read
		d := byKey[docKeyOf(req.Kind, req.Number)]
		if d == nil {
			return
		}
		d.posts = append(d.posts, e)
		var ack struct {
			RequestAckID string `json:"requestAckId"`
		}
		if e.Status == http.StatusCreated && jsonField(e.ResponseBody, &ack) == nil && ack.RequestAckID != "" {
			rv := &retrievalView{ack: ack.RequestAckID, doc: d}
			d.retrievals = append(d.retrievals, rv)
			s.byAck[rv.ack] = rv
		}
	case slices.Contains(downloadURLOps, e.Operation) && e.Status == http.StatusOK:
		ack := q.Get("requestAckId")
		if e.Operation == "requestFileDownloadUrl" {
			var body struct {
				OsfAckID string `json:"osfAckId"`
			}
			_ = jsonField(e.RequestBody, &body)
			ack = body.OsfAckID
		}
		if rv := s.byAck[ack]; rv != nil {
			if h := handed(e); h != nil {
				h.downloads = s.downloadsOf(h)
				rv.urls = append(rv.urls, h)
				rv.fileIDs = appendFileID(rv.fileIDs, e.ResponseBody)
			}
		}
	case e.Operation == "getRetrievalStatuses" && e.Status == http.StatusOK:
		if rv := s.byAck[q.Get("requestAckId")]; rv != nil {
			rv.fileIDs = appendFileID(rv.fileIDs, e.ResponseBody)
		}
	case e.Operation == "deleteFile":
		if rv := s.retrievalOf(q); rv != nil {
			rv.deletes = append(rv.deletes, e)
		}
	}
}

// retrievalOf finds the retrieval a request names by requestAckId or fileId.
func (s *snapshot) retrievalOf(q url.Values) *retrievalView {
	if rv := s.byAck[q.Get("requestAckId")]; rv != nil {
		return rv
	}
	id := q.Get("fileId")
	for _, rv := range s.byAck {
		if id != "" && slices.Contains(rv.fileIDs, id) {
			return rv
		}
	}
	return nil
}

func handed(e Stamped) *handedURL {
	var dl struct {
		URL      string `json:"fileDownloadUrl"`
		Expiry   string `json:"fileDownloadUrlExpiryDate"`
		Checksum string `json:"fileChecksum"`
		Size     *int64 `json:"fileSizeQuantity"`
	}
	if jsonField(e.ResponseBody, &dl) != nil {
		return nil
	}
	u, err := url.Parse(dl.URL)
	if err != nil {
		return nil
	}
	exp, _ := time.Parse(time.RFC3339, dl.Expiry)
	return &handedURL{at: e.At, path: u.Path, signature: u.Query().Get("X-Amz-Signature"),
		size: ptrValue(dl.Size), checksum: dl.Checksum, expires: exp}
}

func appendFileID(ids []string, body string) []string {
	var one struct {
		FileID string `json:"fileId"`
	}
	var bag struct {
		Bag []struct {
			FileID string `json:"fileId"`
		} `json:"documentRetrievalResponseBag"`
	}
	if jsonField(body, &one) == nil && one.FileID != "" && !slices.Contains(ids, one.FileID) {
		ids = append(ids, one.FileID)
	}
	if jsonField(body, &bag) == nil {
		for _, b := range bag.Bag {
			if b.FileID != "" && !slices.Contains(ids, b.FileID) {
				ids = append(ids, b.FileID)
			}
		}
	}
	return ids
}

// downloadsOf are the system's GETs of a URL's object, in order.
func (s *snapshot) downloadsOf(h *handedURL) []ObjectRequest {
	var out []ObjectRequest
	for _, r := range s.objects {
		if r.Method == http.MethodGet && r.Path == h.path && r.Signature == h.signature {
			out = append(out, r)
		}
	}
	return out
}

// firstIntact is the first complete, unaltered download of rv, if any.
func (rv *retrievalView) firstIntact() (ObjectRequest, bool) { return rv.first((*handedURL).intact) }

// firstComplete is the first download of every byte of rv's file, altered or not.
func (rv *retrievalView) firstComplete() (ObjectRequest, bool) {
	return rv.first((*handedURL).complete)
}

func (rv *retrievalView) first(ok func(*handedURL, ObjectRequest) bool) (ObjectRequest, bool) {
	var best ObjectRequest
	found := false
	for _, h := range rv.urls {
		for _, r := range h.downloads {
			if ok(h, r) && (!found || r.At.Before(best.At)) {
				best, found = r, true
			}
		}
	}
	return best, found
}

func queryOf(rawURL string) url.Values {
	u, err := url.Parse(rawURL)
	if err != nil {
		return url.Values{}
	}
	return u.Query()
}

func ptrValue[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
