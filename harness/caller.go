package harness

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"github.com/wipo-das/dasim/openapi"
)

// callerLabels names, on every exchange DAS records, the office whose
// client called it (Labels.Peer "office EE"), so that a call of an office
// under test that DAS refused or that broke das.yaml is laid at that office's
// door: an office under test records nothing of its own, DAS's record is the
// only one. The token is read, not verified, and only to name the caller;
// DAS's verifier decides whether the call is let in.
type callerLabels struct {
	mu      sync.RWMutex
	offices map[string]string // client id → ST.3 code, as admitted
}

func (c *callerLabels) admit(clientID, office string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.offices == nil {
		c.offices = map[string]string{}
	}
	c.offices[clientID] = office
}

// wrap labels each request to next with the office of its token's sub.
func (c *callerLabels) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if code := c.office(r.Header.Get("Authorization")); code != "" {
			r = r.WithContext(openapi.WithLabels(r.Context(), openapi.Labels{Peer: "office " + code}))
		}
		next.ServeHTTP(w, r)
	})
}

func (c *callerLabels) office(authorization string) string {
	scheme, tok, ok := strings.Cut(authorization, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	parts := strings.Split(strings.TrimSpace(tok), ".")
	if len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var claims struct {
		Sub string `json:"sub"`
	}
	if json.Unmarshal(payload, &claims) != nil {
		return ""
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.offices[claims.Sub]
}
