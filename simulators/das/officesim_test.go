package das

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/bearer"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// officeSim is the office side of the calls DAS makes (das.yaml
// x-dasim-implemented-by: office): it receives notifications and forwarded
// retrievals and serves files/url-downloads for documents it keeps at home
// (flow c.2). It verifies DAS's WIPO token through WIPO's keys (setup A) and
// validates every exchange against das.yaml into the world's log.
type officeSim struct {
	code string
	http *httptest.Server

	mu            sync.Mutex
	notifications []protocol.Notification
	forwarded     []protocol.RetrievalRequest
	offAcks       []string
	docs          map[string][]byte // documentNumber → bytes kept at home
	byAck         map[string][]byte
	failNotify    int // answer the next n notifications with 500 (das.yaml documents no 503)
	refuseForward bool
}

func newOfficeSim(t testing.TB, w *world, code string) *officeSim {
	sim := &officeSim{code: code, docs: map[string][]byte{}, byAck: map[string][]byte{}}
	v, err := bearer.New(bearer.Config{Issuer: w.authz.Issuer(), Keys: bearer.StaticKeys(w.authz.PublicKeys()), Clock: w.clock,
		Scopes: []string{authz.ScopeOfficeExchange}, Whitelist: map[string]string{dasClientID: "IB"}})
	must(t, err)
	api := http.NewServeMux()
	base := "/das/v1/requests"
	api.HandleFunc("POST "+base+"/notifications", sim.notify)
	api.HandleFunc("POST "+base+"/retrievals", sim.forward)
	api.HandleFunc("GET "+base+"/files/url-downloads", sim.downloadURL)
	root := http.NewServeMux()
	root.Handle("/", openapi.DAS().Middleware(v.Middleware(api, func(w http.ResponseWriter, _ *http.Request, e *bearer.Error) {
		protocol.WriteDASError(w, e.WIPOAnswer(), protocol.ShapeFlat)
	}), openapi.WithRecorder(w.log), openapi.WithParty("office "+code), openapi.WithTranscripts()))
	root.HandleFunc("GET /docs/{ack}", sim.serveDoc) // the office's own presigned-like URL, outside the contract
	sim.http = httptest.NewServer(root)
	t.Cleanup(sim.http.Close)
	return sim
}

func (sim *officeSim) notify(w http.ResponseWriter, r *http.Request) {
	var n protocol.Notification
	_ = json.NewDecoder(r.Body).Decode(&n)
	sim.mu.Lock()
	defer sim.mu.Unlock()
	if sim.failNotify > 0 {
		sim.failNotify--
		protocol.WriteDASError(w, protocol.NewDASError(500, protocol.CodeSystemError, protocol.DetailInternal, "office %s is down for maintenance", sim.code), protocol.ShapeFlat)
		return
	}
	sim.notifications = append(sim.notifications, n)
	w.WriteHeader(http.StatusNoContent)
}

func (sim *officeSim) forward(w http.ResponseWriter, r *http.Request) {
	var req protocol.RetrievalRequest
	_ = json.NewDecoder(r.Body).Decode(&req)
	sim.mu.Lock()
	defer sim.mu.Unlock()
	if sim.refuseForward {
		protocol.WriteDASError(w, protocol.NewDASError(400, protocol.CodeInvalidInputData, protocol.DetailNotRegistered,
			"The requested document is not registered in the system: documentNumber=%s", req.DocumentNumber), protocol.ShapeFlat)
		return
	}
	ack := fmt.Sprintf("OFF-%s-%06d", sim.code, len(sim.offAcks)+1)
	sim.forwarded = append(sim.forwarded, req)
	sim.offAcks = append(sim.offAcks, ack)
	if b, ok := sim.docs[req.DocumentNumber]; ok {
		sim.byAck[ack] = b
	}
	msg := "retrieval - recorded"
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(protocol.RetrievalAck{RequestAckID: ack, OperationCategory: "retrieval", RequestStatusCategory: "pending", StatusMessage: &msg})
}

func (sim *officeSim) downloadURL(w http.ResponseWriter, r *http.Request) {
	ack := r.URL.Query().Get("requestAckId")
	sim.mu.Lock()
	b, ok := sim.byAck[ack]
	sim.mu.Unlock()
	if !ok {
		protocol.WriteDASError(w, protocol.NewDASError(404, protocol.CodeNotFound, protocol.DetailUnknownRequest, "no retrieval %s", ack), protocol.ShapeFlat)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(protocol.URLDownloadResponse{FileDownloadURL: sim.http.URL + "/docs/" + ack, FileChecksum: sha(b), FileFormatCategory: "pdf", FileSizeQuantity: ptr(int64(len(b)))})
}

func (sim *officeSim) serveDoc(w http.ResponseWriter, r *http.Request) {
	sim.mu.Lock()
	b, ok := sim.byAck[r.PathValue("ack")]
	sim.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	_, _ = w.Write(b)
}

func (sim *officeSim) received() []protocol.Notification {
	sim.mu.Lock()
	defer sim.mu.Unlock()
	return append([]protocol.Notification(nil), sim.notifications...)
}

func (sim *officeSim) lastOffAck(t testing.TB) string {
	t.Helper()
	sim.mu.Lock()
	defer sim.mu.Unlock()
	if len(sim.offAcks) == 0 {
		t.Fatalf("office %s received no forwarded retrieval", sim.code)
	}
	return sim.offAcks[len(sim.offAcks)-1]
}

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }
