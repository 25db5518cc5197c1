package scenarios

import (
	"net/http"
	"net/url"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
)

func (s *Suite) isolation() {
	Describe("Cross-office isolation: an office sees and touches only its own data",
		s.Flow("isolation"), s.Role("das"), func() {
			s.ConformanceIt("answers another office's ack ids and file ids exactly like unknown ones", Rule{
				Rule:   "Priority documents are confidential; an office reaches only the registrations, retrievals and files it owns",
				Source: "WIPO DAS storage page (documents classified confidential); DAS User Guide (access code)",
			}, func(ctx SpecContext) {
				e := s.env(ctx)
				off, osf := officePair(e)
				intruder := need(e.OfficeClient(2, "LV", "lv-office"))
				doc := e.Document(off, eeDocument())

				by(e, "the OFF deposits, the OSF retrieves and the document becomes available")
				r, err := off.Deposit(ctx, doc)
				Expect(err).NotTo(HaveOccurred())
				expectAnswer("das", "registerDocument", r, http.StatusCreated, "")
				ack, _, err := osf.Retrieve(ctx, doc)
				Expect(err).NotTo(HaveOccurred())
				st, err := e.Await(ctx, osf, ack)
				Expect(err).NotTo(HaveOccurred())
				Expect(st.FileID).NotTo(BeNil())
				fileID := *st.FileID
				unknown := "00000000-0000-4000-8000-000000000000"

				type probe struct {
					operation, method, path string
					query                   func(id string) url.Values
					body                    func(id string) any
				}
				probes := []probe{
					{"getRetrievalStatuses", "GET", "/retrievals/statuses", func(id string) url.Values { return url.Values{"requestAckId": {id}} }, nil},
					{"getFileDownloadUrl", "GET", "/files/url-downloads", func(id string) url.Values { return url.Values{"requestAckId": {id}} }, nil},
					{"getFileStatus", "GET", "/files", func(id string) url.Values { return url.Values{"fileId": {id}} }, nil},
					{"deleteFile", "DELETE", "/files", func(id string) url.Values { return url.Values{"fileId": {id}} }, nil},
					{"refreshFileUploadUrl", "PUT", "/files/url-uploads", nil, func(id string) any { return map[string]string{"fileId": id} }},
				}
				ids := map[string]string{"getRetrievalStatuses": ack, "getFileDownloadUrl": ack,
					"getFileStatus": fileID, "deleteFile": fileID, "refreshFileUploadUrl": fileID}
				for _, p := range probes {
					by(e, "a third office calls "+p.operation+" with the OSF's identifier, then with an unknown one")
					call := func(id string) *harness.Response {
						var q url.Values
						var body any
						if p.query != nil {
							q = p.query(id)
						}
						if p.body != nil {
							body = p.body(id)
						}
						r, err := intruder.Call(ctx, p.method, p.path, q, body)
						Expect(err).NotTo(HaveOccurred())
						return r
					}
					theirs, none := call(ids[p.operation]), call(unknown)
					expectAnswer("das", p.operation, theirs, http.StatusNotFound, "NOT_FOUND", none.Error.Details[0].Code)
					Expect(strings.ReplaceAll(string(theirs.Body), ids[p.operation], unknown)).To(Equal(string(none.Body)),
						"another office's id is answered byte for byte like an unknown id")
					Expect(string(theirs.Body)).NotTo(ContainSubstring(doc.Number))
				}

				by(e, "the OSF's own data is untouched: it still downloads the document")
				got, r, err := osf.Download(ctx, ack)
				Expect(err).NotTo(HaveOccurred())
				expectAnswer("das", "getFileDownloadUrl", r, http.StatusOK, "")
				Expect(harness.SHA256(got)).To(Equal(harness.SHA256(doc.Content)))
			})
		})
}
