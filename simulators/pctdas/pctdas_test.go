package pctdas_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/authz"
	"github.com/wipo-das/dasim/simulators/clientauth"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/das"
	"github.com/wipo-das/dasim/simulators/dasapi"
	"github.com/wipo-das/dasim/simulators/office"
	"github.com/wipo-das/dasim/simulators/pctdas"
	"github.com/wipo-das/dasim/simulators/protocol"
)

// Tests may compose parties; only the packages themselves keep apart.
var _ das.PCTSource = (*pctdas.Source)(nil)

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestDemoIsDeterministic(t *testing.T) {
	a, err := pctdas.Demo(pctdas.DemoConfig{Seed: 7, Count: 50})
	must(t, err)
	b, _ := pctdas.Demo(pctdas.DemoConfig{Seed: 7, Count: 50})
	c, _ := pctdas.Demo(pctdas.DemoConfig{Seed: 8, Count: 50})
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed, different sets")
	}
	if reflect.DeepEqual(a, c) {
		t.Error("different seeds, same set")
	}
	number, code := regexp.MustCompile(`^PCT/IB2023/[0-9]{6}$`), regexp.MustCompile(`^[0-9A-F]{4}$`)
	seen := map[string]bool{}
	for _, d := range a {
		if !number.MatchString(d.Number) || !code.MatchString(d.AccessCode) || !strings.HasPrefix(d.FilingDate, "2023-") ||
			!bytes.HasPrefix(d.Content, []byte("%PDF-")) || len(d.Content) != 4096 || seen[d.Number] {
			t.Errorf("demo document %s %s %s, %d bytes (duplicate %v)", d.Number, d.FilingDate, d.AccessCode, len(d.Content), seen[d.Number])
		}
		seen[d.Number] = true
	}
	if _, err := pctdas.Demo(pctdas.DemoConfig{Year: 1900}); err == nil {
		t.Error("a PCT year before 1978 accepted")
	}
}

func TestDocumentsRefusesDocumentsThatAreNotRO_IB(t *testing.T) {
	_, err := pctdas.Documents(pctdas.DemoConfig{},
		[]office.Document{{Number: "PCT/EP2023/000001", FilingDate: "2023-01-01", AccessCode: "AB21", Content: []byte("%PDF-")}})
	if err == nil || !strings.Contains(err.Error(), `"PCT/EP2023/000001" is not a PCT number of RO/IB`) {
		t.Fatalf("got %v", err)
	}
}

// TestFetchChecksNumbersAndAccessCodes drives PCT DAS as DAS does, over HTTP
// with WIPO tokens, through the office-side API.
func TestFetchChecksNumbersAndAccessCodes(t *testing.T) {
	ctx := t.Context()
	clk := clock.NewVirtual(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	must(t, err)
	azHTTP := httptest.NewUnstartedServer(nil)
	wipo, err := authz.New(authz.Config{BaseURL: "http://" + azHTTP.Listener.Addr().String(), Clock: clk}, authz.WithSigningKey(key))
	must(t, err)
	azHTTP.Config.Handler = wipo.Handler()
	azHTTP.Start()
	defer azHTTP.Close()
	dasKeys, err := clientauth.GenerateKeyFiles(rand.Reader, clk.Now())
	must(t, err)
	must(t, wipo.Register(authz.Client{ID: office.DefaultDASClientID, KeysPEM: dasKeys.CertPEM}))

	srv := httptest.NewUnstartedServer(nil)
	log := &openapi.Log{}
	docs, err := pctdas.Documents(pctdas.DemoConfig{}, nil)
	must(t, err)
	// PCT DAS is an office with PCT's rules, as the harness composes it.
	pct, err := office.New(office.Config{Code: pctdas.Code, ClientID: pctdas.ClientID, BaseURL: "http://" + srv.Listener.Addr().String(),
		WIPOIssuer: wipo.Issuer(), Documents: docs, DefaultHosting: office.Home, TransitThreshold: 1 << 40, PrepareDelay: -1},
		office.WithClock(clk), office.WithRecorder(log), office.WithNumberCheck(pctdas.CheckNumber), office.WithContext(ctx))
	must(t, err)
	defer func() { must(t, pct.Close(context.WithoutCancel(ctx))) }()
	srv.Config.Handler = pct.Handler()
	srv.Start()
	defer srv.Close()

	tc := &clientauth.TokenClient{HTTP: srv.Client(), Issuer: wipo.Issuer(), ClientID: office.DefaultDASClientID, Key: dasKeys.Key, Now: clk.Now}
	src := pctdas.NewSource(dasapi.New(dasapi.Config{BaseURL: pct.APIBaseURL(), Recorder: log, Party: "das",
		Tokens: dasapi.TokenFunc(func(ctx context.Context) (string, error) {
			tr, err := tc.Token(ctx, authz.ScopeOfficeExchange)
			if err != nil {
				return "", err
			}
			return tr.AccessToken, nil
		})}))
	d := pct.Documents()[3]
	body, size, sum, err := src.Fetch(ctx, d.Number, d.FilingDate, strings.ToLower(d.AccessCode))
	must(t, err)
	got, _ := io.ReadAll(body)
	body.Close()
	h := sha256.Sum256(d.Content)
	if !bytes.Equal(got, d.Content) || size != int64(len(d.Content)) || sum != hex.EncodeToString(h[:]) {
		t.Errorf("fetched %d bytes (size %d, sha %s), want the document", len(got), size, sum)
	}

	for _, tt := range []struct {
		name, number, date, code string
		detail                   int
		message                  string
	}{
		{"wrong access code", d.Number, d.FilingDate, "0000", protocol.DetailAccessCodeMismatch, "expected dasAccessCode=" + d.AccessCode},
		{"wrong filing date", d.Number, "1999-01-01", d.AccessCode, protocol.DetailFilingDateMismatch, "expected documentDate=" + d.FilingDate},
		{"unknown number", "PCT/IB2023/999999", d.FilingDate, d.AccessCode, protocol.DetailNotRegistered, "not registered"},
		{"other receiving office", "PCT/EP2023/000001", d.FilingDate, d.AccessCode, protocol.DetailInvalidField, "PCT/IB<yyyy>/<nnnnnn>"},
		{"national number", "EE P202300012", d.FilingDate, d.AccessCode, protocol.DetailInvalidField, "is not a PCT application of RO/IB"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := src.Fetch(ctx, tt.number, tt.date, tt.code)
			var de *protocol.DASError
			if !errors.As(err, &de) || de.Status != 400 || !de.HasDetail(tt.detail) || !strings.Contains(de.Details[0].Message, tt.message) {
				t.Fatalf("got %v, want 400 detail %d mentioning %q", err, tt.detail, tt.message)
			}
		})
	}
	for _, e := range log.Failed() {
		t.Errorf("contract broken: %s %s → %d %v", e.Method, e.URL, e.Status, e.Violations())
	}
	if n := len(pct.Forwarded()); n != 1 {
		t.Errorf("%d retrievals recorded at PCT DAS, want 1", n)
	}
}
