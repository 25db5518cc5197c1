package harness

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// AdminHandler is the operator's window on a running world (dasim serve):
//
//	GET  /faults, PUT /faults, DELETE /faults[?id=]  switch faults (faults.Set admin)
//	GET  /clock                                      the world's time
//	POST /clock/advance?by=168h                      advance a virtual clock
//	GET  /exchanges?last=50                          recorded exchanges with verdicts
func (w *World) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/faults", w.Faults.AdminHandler())
	mux.HandleFunc("GET /clock", func(rw http.ResponseWriter, _ *http.Request) {
		_, virtual := w.Clock.(interface{ Advance(time.Duration) })
		writeJSON(rw, http.StatusOK, map[string]any{"now": w.Clock.Now().UTC().Format(time.RFC3339Nano), "advanceable": virtual})
	})
	mux.HandleFunc("POST /clock/advance", func(rw http.ResponseWriter, r *http.Request) {
		d, err := time.ParseDuration(r.URL.Query().Get("by"))
		if err != nil || d <= 0 {
			writeJSON(rw, http.StatusBadRequest, map[string]string{"error": "by: want a positive Go duration such as 168h"})
			return
		}
		if err := w.Advance(d); err != nil {
			writeJSON(rw, http.StatusConflict, map[string]string{"error": err.Error()})
			return
		}
		w.Settle()
		writeJSON(rw, http.StatusOK, map[string]string{"now": w.Clock.Now().UTC().Format(time.RFC3339Nano)})
	})
	mux.HandleFunc("GET /exchanges", func(rw http.ResponseWriter, r *http.Request) {
		all := w.Log.Exchanges()
		if n, err := strconv.Atoi(r.URL.Query().Get("last")); err == nil && n >= 0 && n < len(all) {
			all = all[len(all)-n:]
		}
		writeJSON(rw, http.StatusOK, all)
	})
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// ServeAdmin starts the admin endpoint on its own loopback listener.
func (w *World) ServeAdmin(addr string) (string, error) {
	l, err := w.open(Config{Addrs: map[string]string{"admin": addr}}, "admin")
	if err != nil {
		return "", err
	}
	l.serve(w.AdminHandler())
	return l.URL, nil
}
