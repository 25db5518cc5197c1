package scenarios

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/harness"
)

func (s *Suite) corrections() {
	Describe("c.1 corrections: filing date and parent application (PUT registrations)",
		s.Flow("corrections"), s.Role("das"), func() {
			s.ConformanceIt("retrieves by the corrected filing date and refuses the old one with -12", Rule{
				Rule:   "Exchange flow to correct filing date or parent application details: (1c) OFF requests document registration specifying the new document attributes (PUT registrations)",
				Source: "WIPO DAS exchange flows c.1, correction",
			}, func(ctx SpecContext) {
				e := s.env(ctx)
				off, osf := officePair(e)
				doc := e.Document(off, eeDocument())
				by(e, "(1a)(1b)(1c) OFF registers the document with a wrong filing date")
				wrong := doc
				wrong.Date = "2023-03-13"
				r, err := off.Deposit(ctx, wrong)
				Expect(err).NotTo(HaveOccurred())
				expectAnswer("das", "registerDocument", r, http.StatusCreated, "")

				by(e, "(1c) OFF corrects the filing date and the parent application with PUT registrations")
				body := harness.RegistrationBody(doc, "")
				body["applicationNumber"] = "EE P202300099"
				r, err = off.Call(ctx, http.MethodPut, "/registrations", nil, body)
				Expect(err).NotTo(HaveOccurred())
				expectAnswer("das", "correctRegistration", r, http.StatusOK, "")

				by(e, "an OSF asking with the old filing date gets -12")
				_, r, err = osf.Retrieve(ctx, wrong)
				Expect(err).NotTo(HaveOccurred())
				expectAnswer("das", "requestRetrieval", r, http.StatusBadRequest, "INVALID_INPUT_DATA", -12)

				by(e, "an OSF asking with the corrected date gets the document, content unchanged")
				Expect(harness.SHA256(retrieveBytes(ctx, e, osf, doc))).To(Equal(harness.SHA256(doc.Content)))
			})
		})
}

func (s *Suite) contentReplacement() {
	Describe("c.1 content replacement (new upload, PUT registrations with the new file id)",
		s.Flow("content-replacement"), s.Role("das"), func() {
			s.ConformanceIt("serves the replaced content to later retrievals", Rule{
				Rule:   "Exchange flow to replace document content for correction purpose: (1a) presigned URL, (1b) upload of the corrected content, (1c) PUT registrations referring to the new file id",
				Source: "WIPO DAS exchange flows c.1, content replacement",
			}, func(ctx SpecContext) {
				e := s.env(ctx)
				off, osf := officePair(e)
				doc := e.Document(off, eeDocument())
				r, err := off.Deposit(ctx, doc)
				Expect(err).NotTo(HaveOccurred())
				expectAnswer("das", "registerDocument", r, http.StatusCreated, "")

				by(e, "(1a)(1b) OFF uploads the corrected content")
				corrected := harness.PDF(doc.Number+" corrected", 52*1024)
				fileID, st, err := off.UploadFile(ctx, corrected, "pdf")
				Expect(err).NotTo(HaveOccurred())
				Expect(st).To(Equal("ACCEPTED"))

				by(e, "(1c) OFF refers to the new file id with PUT registrations")
				r, err = off.Call(ctx, http.MethodPut, "/registrations", nil, harness.RegistrationBody(doc, fileID))
				Expect(err).NotTo(HaveOccurred())
				expectAnswer("das", "correctRegistration", r, http.StatusOK, "")

				by(e, "an OSF retrieving now receives the corrected bytes")
				Expect(harness.SHA256(retrieveBytes(ctx, e, osf, doc))).To(Equal(harness.SHA256(corrected)))

				store, err := e.Storage()
				if err != nil {
					AddReportEntry("check skipped", "the library keeps one copy of the document: "+err.Error())
					return
				}
				by(e, "the library keeps one copy of the document")
				objs, err := store.List(ctx, store.Library(), "")
				Expect(err).NotTo(HaveOccurred())
				Expect(objs).To(HaveLen(1))
			})
		})
}
