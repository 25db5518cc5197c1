package scenarios

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/wipo-das/dasim/simulators/office"
)

var _ = Describe("c.1 documents kept in WIPO DAS, OSF notified (Figure A)",
	Flow("c1-notification"), Role("das", "off", "osf"), func() {
		ConformanceIt("notifies the OSF and delivers the bytes the OFF uploaded", Rule{
			Rule:   "(2b) WIPO DAS prepares the requested document for download and notifies the OSF of the document availability by referring to the request acknowledgement id (POST notifications)",
			Source: "WIPO DAS exchange flows c.1, Figure A",
		}, func(ctx SpecContext) {
			w := startWorld(ctx)
			d := document("EE P202300012", "2023-03-14", "AB21", office.Library, 64*1024)
			By("(1a)(1b)(1c) the OFF uploads its document into the DAS library and registers it")
			startOffice(ctx, w, office.Config{Code: "EE"}, d)
			osf := startOffice(ctx, w, office.Config{Code: "FI"})
			ack := retrieveAndCheck(ctx, w, osf, d, "(2a)")
			By("(2e) the OSF deletes the download file from the transit zone")
			Expect(osf.Delete(ctx, ack)).To(Succeed())
		})
	})

var _ = Describe("c.2 documents kept in the OFF digital library",
	Flow("c2"), Role("das", "off", "osf"), func() {
		for _, setup := range []office.AuthSetup{office.SetupA, office.SetupB} {
			ConformanceIt("forwards the retrieval to the OFF, fetches its document and notifies the OSF (setup "+string(setup)+")", Rule{
				Rule:   "WIPO DAS forwards the retrieval request to the OFF; OFF notifies WIPO DAS; WIPO DAS retrieves the file location URL (files/url-downloads), downloads the file, then notifies the OSF; DAS authenticates to the office in setup " + string(setup),
				Source: "WIPO DAS exchange flows, documents kept in the OFF digital library; authentication setups A and B",
			}, func(ctx SpecContext) {
				w := startWorld(ctx)
				d := document("JP 2023-045678", "2023-04-02", "3F9A", office.Home, 32*1024)
				By("the OFF registers its document without uploading it (steps 1a and 1b are not required)")
				off := startOffice(ctx, w, office.Config{Code: "JP", Setup: setup}, d)
				osf := startOffice(ctx, w, office.Config{Code: "EE"})
				ack := retrieveAndCheck(ctx, w, osf, d, "(1)")
				By("DAS forwarded the retrieval with its own ack id, distinct from the OSF's")
				fwd := off.Forwarded()
				Expect(fwd).To(HaveLen(1))
				for offAck, f := range fwd {
					Expect(offAck).NotTo(Equal(ack), "two ack ids per retrieval")
					Expect(f.Ready).To(BeTrue())
				}
			})
		}
	})

var _ = Describe("c.3 big documents sent by the OFF through the DAS transit zone",
	Flow("c3"), Role("das", "off", "osf"), func() {
		ConformanceIt("lets the OFF upload into transit, set the file id and notify, then serves the OSF", Rule{
			Rule:   "OFF requests a presigned url, uploads into the DAS transit zone, updates the retrieval file id referring to its own ack id (PUT retrievals), notifies WIPO DAS; DAS notifies the OSF",
			Source: "WIPO DAS exchange flows, big-sized documents through the DAS transit zone",
		}, func(ctx SpecContext) {
			w := startWorld(ctx)
			d := document("US 18/123,456", "2023-06-20", "D00D", office.Transit, 2<<20)
			off := startOffice(ctx, w, office.Config{Code: "US", Setup: office.SetupB, TransitThreshold: 1 << 20}, d)
			osf := startOffice(ctx, w, office.Config{Code: "EE"})
			retrieveAndCheck(ctx, w, osf, d, "(1)")
			By("the OFF set the file of the retrieval it was forwarded")
			for _, f := range off.Forwarded() {
				Expect(f.FileID).NotTo(BeEmpty(), "PUT retrievals carried a file id")
			}
		})
	})
