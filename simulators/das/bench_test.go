package das

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"testing"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// BenchmarkRetrievalStatuses measures GET retrievals/statuses over loopback
// with a real token verified on every request and das.yaml validation of the
// request and the response, in parallel; "stored" runs it with 100,000
// registrations and 100,000 open retrievals of other offices in the DAS.
func BenchmarkRetrievalStatuses(b *testing.B) {
	for _, stored := range []int{0, 100_000} {
		for _, form := range []string{"byAck", "list"} {
			b.Run(fmt.Sprintf("stored=%d/%s", stored, form), func(b *testing.B) {
				w := newWorld(b, worldOptions{})
				ee, fi := w.office("EE"), w.office("FI")
				d := doc{"patent", "EE 1", "2023-03-14", "AB21"}
				ee.deposit(b, d, pdf("1"))
				ack := fi.retrieve(b, d)
				w.das.WaitIdle()
				perReg := 0.0
				if stored > 0 {
					perReg = w.fill(stored)
				}
				path := "/retrievals/statuses?requestAckId=" + ack
				if form == "list" {
					path = "/retrievals/statuses"
				}
				client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
				defer client.CloseIdleConnections()
				url, token := fi.base+path, "Bearer "+fi.bearer()
				b.ReportAllocs()
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						req, _ := http.NewRequest(http.MethodGet, url, nil)
						req.Header.Set("Authorization", token)
						resp, err := client.Do(req)
						if err != nil {
							b.Error(err)
							return
						}
						_, _ = io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != 200 {
							b.Errorf("status %d", resp.StatusCode)
							return
						}
					}
				})
				b.StopTimer()
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
				if stored > 0 {
					b.ReportMetric(perReg, "heapB/registration")
				}
			})
		}
	}
}

// fill stores n registrations and n open retrievals spread over 100 other
// offices, the way register and requestRetrieval store them, and returns the
// heap bytes per registration (measured over the registrations alone).
func (w *world) fill(n int) float64 {
	codes := officeCodes(102)[2:]
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	s := w.das
	regs := make([]*registration, n)
	for i := range n {
		code := codes[i%len(codes)]
		ack, _ := s.ids.next()
		app := fmt.Sprintf("%s P2023%07d", code, i)
		reg := &registration{ackID: ack, office: code, hosting: hostedLibrary, registeredAt: s.deps.clock.Now(),
			content: content{libraryKey: "library/" + code + "/" + ack, format: "pdf", checksum: sha([]byte(app)), size: 48213}}
		applyRegistration(reg, protocol.RegistrationRequest{DocumentKindCategory: "patent", DocumentNumber: app, DocumentDate: "2023-03-14",
			DasAccessCode: "AB21", ApplicationCategory: ptr("priority document"), ApplicationNumber: &app, ApplicationFilingDate: ptr("2023-03-14")})
		regs[i] = reg
		s.mu.Lock()
		s.st.registrations[docKey(reg.kind, reg.number)] = reg
		s.mu.Unlock()
	}
	runtime.GC()
	runtime.ReadMemStats(&m1)
	for i, reg := range regs {
		osf := codes[(i+1)%len(codes)]
		ack, _ := s.ids.next()
		rt := &retrieval{ackID: ack, osf: osf, kind: reg.kind, number: reg.number, date: reg.date, accessCode: reg.accessCode,
			src: fromLibrary, reg: reg, status: statusPending, off: reg.office, message: "retrieval - recorded", createdAt: s.deps.clock.Now()}
		w.storePending(rt)
	}
	return float64(m1.HeapAlloc-m0.HeapAlloc) / float64(n)
}
