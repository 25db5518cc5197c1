package main

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"github.com/wipo-das/dasim/harness"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// adminConfig secures the admin endpoint and says what it may do.
type adminConfig struct {
	// Token is the bearer token every request for data or change must carry
	// (Authorization: Bearer <token>); dasim serve writes it, mode 0600,
	// beside the endpoints file. Required.
	Token string
	// TokenFile names where the token is, for the 401's explanation.
	TokenFile string
	// VirtualClock says the world runs on a virtual clock the operator
	// moves (world file clock: virtual). On the system clock, advancing
	// would put every party a week ahead of its clients (their tokens and
	// assertions refused as not yet valid), so POST /clock/advance is
	// answered 409.
	VirtualClock bool
}

// newAdminToken returns a random admin token (32 bytes, base64url).
func newAdminToken(rand io.Reader) (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(rand, b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// AdminHandler is the operator's window on a running world (dasim serve):
//
//	GET  /                                           the live console (a page without data; it asks for the token)
//	GET  /faults, PUT /faults, DELETE /faults[?id=]  switch faults (faults.Set admin)
//	GET  /clock                                      the world's time, and whether it may be advanced
//	POST /clock/advance?by=168h                      advance a virtual clock (409 on the system clock)
//	GET  /exchanges?last=50                          recorded exchanges with verdicts
//	GET  /events[?after=N]                           every call as it happens (server-sent events)
//	GET  /sequence.svg?ack=ID                        the sequence diagram of one retrieval
//
// Everything but the console page needs the token (RFC 6750 §2.1 header;
// 401 with a WWW-Authenticate challenge otherwise, §3).
func adminHandler(w *harness.World, cfg adminConfig) (http.Handler, error) {
	if len(cfg.Token) < 16 {
		return nil, fmt.Errorf("admin: a token of at least 16 characters is required")
	}
	api := http.NewServeMux()
	api.Handle("/faults", w.Faults.AdminHandler())
	api.HandleFunc("GET /clock", func(rw http.ResponseWriter, _ *http.Request) {
		writeAdminJSON(rw, http.StatusOK, map[string]any{"now": w.Clock.Now().UTC().Format(time.RFC3339Nano),
			"virtual": cfg.VirtualClock, "advanceable": cfg.VirtualClock})
	})
	api.HandleFunc("POST /clock/advance", func(rw http.ResponseWriter, r *http.Request) {
		d, err := time.ParseDuration(r.URL.Query().Get("by"))
		if err != nil || d <= 0 {
			writeAdminJSON(rw, http.StatusBadRequest, map[string]string{"error": "by: want a positive Go duration such as 168h"})
			return
		}
		if !cfg.VirtualClock {
			writeAdminJSON(rw, http.StatusConflict, map[string]string{"error": "the clock cannot be advanced",
				"reason": "the world runs on the system clock (clock: system), which its clients share; " +
					"start dasim serve with --clock virtual (or clock: virtual in the world file) to advance it"})
			return
		}
		if err := w.Advance(d); err != nil {
			writeAdminJSON(rw, http.StatusConflict, map[string]string{"error": "the clock cannot be advanced", "reason": err.Error()})
			return
		}
		w.Settle()
		writeAdminJSON(rw, http.StatusOK, map[string]string{"now": w.Clock.Now().UTC().Format(time.RFC3339Nano)})
	})
	api.HandleFunc("GET /exchanges", func(rw http.ResponseWriter, r *http.Request) {
		all := w.Log.Exchanges()
		if n, err := strconv.Atoi(r.URL.Query().Get("last")); err == nil && n >= 0 && n < len(all) {
			all = all[len(all)-n:]
		}
		writeAdminJSON(rw, http.StatusOK, all)
	})
	api.HandleFunc("GET /events", func(rw http.ResponseWriter, r *http.Request) { serveEvents(w, rw, r) })
	api.HandleFunc("GET /sequence.svg", func(rw http.ResponseWriter, r *http.Request) { serveSequence(w, rw, r) })

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", serveConsole)
	mux.HandleFunc("GET /console.js", serveConsoleScript)
	mux.Handle("/", requireToken(cfg, api))
	return mux, nil
}

// requireToken answers a request without the admin token 401, per RFC 6750
// §3: a challenge naming the realm, and invalid_token when a wrong token
// was presented.
func requireToken(cfg adminConfig, next http.Handler) http.Handler {
	where := "the token dasim serve wrote beside its endpoints file"
	if cfg.TokenFile != "" {
		where = "the token in " + cfg.TokenFile
	}
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if ok && subtle.ConstantTimeCompare([]byte(got), []byte(cfg.Token)) == 1 {
			next.ServeHTTP(rw, r)
			return
		}
		e := &protocol.OAuthError{Code: "invalid_token", Status: http.StatusUnauthorized,
			Description: "the admin endpoint needs Authorization: Bearer with " + where}
		challenge := `Bearer realm="dasim admin"`
		if ok { // RFC 6750 §3.1: the challenge names an error only when credentials came
			challenge += `, error="invalid_token", error_description="the admin token does not match"`
			e.Description = "the admin token does not match " + where
		}
		protocol.WriteOAuthError(rw, e.WithHeader("WWW-Authenticate", challenge))
	})
}

func writeAdminJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// listenAdmin starts the admin endpoint on a listener of the world's own.
func listenAdmin(w *harness.World, addr string, cfg adminConfig) (string, error) {
	h, err := adminHandler(w, cfg)
	if err != nil {
		return "", err
	}
	return w.ServeParty("admin", addr, h)
}
