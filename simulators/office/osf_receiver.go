package office

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/lestrrat-go/jwx/v3/jwt"
	"github.com/wipo-das/dasim/simulators/bearer"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// tokenGuard lets requests to api in only with DAS's valid token: the
// verifier's checks, unless an OSF defect weakens those of notifications.
func (o *Office) tokenGuard(api http.Handler, refuse bearer.RefusalFunc) http.Handler {
	strict := o.verifier.Middleware(api, refuse)
	d := o.cfg.OSFDefects
	if !d.weakensReceiver() {
		return strict
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/notifications") {
			strict.ServeHTTP(w, r)
			return
		}
		if d.ActOnRefused {
			body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
			r.Body = io.NopCloser(bytes.NewReader(body))
			o.verifier.Middleware(api, func(w http.ResponseWriter, r *http.Request, e *bearer.Error) {
				var in protocol.Notification
				if json.Unmarshal(body, &in) == nil {
					o.noteNotification(in) // the defect: a refused notification's news taken
				}
				refuse(w, r, e)
			}).ServeHTTP(w, r)
			return
		}
		if e := o.laxTokenCheck(r, d.SkipTokenChecks); e != nil {
			refuse(w, r, e)
			return
		}
		api.ServeHTTP(w, r)
	})
}

// laxTokenCheck is a deliberately incomplete check of DAS's token: the
// checks in skip are left out (OSFDefects.SkipTokenChecks).
func (o *Office) laxTokenCheck(r *http.Request, skip []TokenCheck) *bearer.Error {
	if slices.Contains(skip, TokenCheckAll) {
		return nil
	}
	deny := func(format string, args ...any) *bearer.Error {
		return &bearer.Error{Status: http.StatusUnauthorized, Code: "invalid_token", CheckID: "R0", Detail: bearer.DetailInvalidToken,
			Description: protocol.SafeDescription(fmt.Sprintf(format, args...)), Realm: "office " + o.cfg.Code}
	}
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		e := deny("no access token")
		e.Code = ""
		return e
	}
	t, err := o.parseDASToken(r, tok, !slices.Contains(skip, TokenCheckSignature))
	if err != nil {
		return deny("token refused: %v", err)
	}
	now := o.deps.clock.Now()
	iss, _ := t.Issuer()
	exp, _ := t.Expiration()
	nbf, _ := t.NotBefore()
	sub, _ := t.Subject()
	var scope any
	_ = t.Get("scope", &scope)
	switch {
	case !slices.Contains(skip, TokenCheckIssuer) && iss != o.AuthIssuer():
		return deny("iss %s is not %s", iss, o.AuthIssuer())
	case !slices.Contains(skip, TokenCheckExpiry) && (!now.Before(exp.Add(10*time.Second)) || nbf.After(now.Add(10*time.Second))):
		return deny("token outside its validity")
	case !slices.Contains(skip, TokenCheckScope) && !strings.Contains(fmt.Sprint(scope), o.cfg.Scope):
		return deny("scope %v lacks %s", scope, o.cfg.Scope)
	case !slices.Contains(skip, TokenCheckClient) && sub != o.cfg.DASClientID:
		return deny("sub %s is not DAS (%s)", sub, o.cfg.DASClientID)
	}
	return nil
}

// parseDASToken parses tok, verifying its RS256 signature with the key its
// kid names when verify is set; claims are not validated here.
func (o *Office) parseDASToken(r *http.Request, tok string, verify bool) (jwt.Token, error) {
	if !verify {
		return jwt.ParseInsecure([]byte(tok))
	}
	msg, err := jws.Parse([]byte(tok))
	if err != nil || len(msg.Signatures()) == 0 {
		return nil, fmt.Errorf("not a JWS: %v", err)
	}
	kid, _ := msg.Signatures()[0].ProtectedHeaders().KeyID()
	key, err := o.tokenKeys.Key(r.Context(), kid)
	if err != nil {
		return nil, err
	}
	return jwt.Parse([]byte(tok), jwt.WithKey(jwa.RS256(), key), jwt.WithValidate(false))
}

// answerNotification is the receiver's answer once a notification is
// recorded: 204 (das.yaml notify), or what a defect answers instead.
func (o *Office) answerNotification(w http.ResponseWriter, repeat bool) error {
	d := o.cfg.OSFDefects
	switch {
	case d.RefuseRepeat && repeat:
		return protocol.NewDASError(http.StatusConflict, protocol.CodeConflict, protocol.DetailDuplicate,
			"notification already received")
	case d.NotifyAnswer200:
		return writeJSON(w, http.StatusOK, map[string]bool{"received": true})
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
