package dasapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wipo-das/dasim/openapi"
	"github.com/wipo-das/dasim/simulators/protocol"
	"github.com/wipo-das/dasim/simulators/retry"
)

func serve(t *testing.T, h http.HandlerFunc) (*Client, *openapi.Log) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	log := &openapi.Log{}
	c := New(Config{BaseURL: srv.URL + "/das/v1/requests", HTTPClient: srv.Client(), Recorder: log, Party: "office EE",
		Tokens: TokenFunc(func(context.Context) (string, error) { return "tok", nil })})
	return c, log
}

func TestTypedCallDecodesSuccessAndRecordsTheExchange(t *testing.T) {
	c, log := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" || r.URL.Query().Get("requestAckId") != "a-1" {
			t.Errorf("request %s %v", r.URL, r.Header)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"documentRetrievalResponseBag":[{"requestAckId":"a-1","operationCategory":"retrieval","requestStatusCategory":"pending","statusMessage":"waiting"}]}`))
	})
	bag, r, err := c.RetrievalStatuses(t.Context(), "a-1")
	if err != nil || r.Status != 200 || len(bag.Bag) != 1 || bag.Bag[0].RequestStatusCategory != "pending" {
		t.Fatalf("bag %+v, response %+v, err %v", bag, r, err)
	}
	ex := log.Exchanges()
	if len(ex) != 1 || ex[0].Operation != "getRetrievalStatuses" || ex[0].Labels.Party != "office EE" || !ex[0].OK() {
		t.Fatalf("recorded %+v", ex)
	}
}

func TestWIPOErrorsComeBackInEitherShapeAndSayWhetherToRetry(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		status     int
		wrapped    bool
		retryable  bool
	}{
		{"flat 400", `{"code":"INVALID_INPUT_DATA","message":null,"details":[{"code":-7,"message":"not registered"}]}`, 400, false, false},
		{"wrapped 400", `{"error":{"code":"INVALID_INPUT_DATA","message":null,"details":[{"code":-7,"message":"not registered"}]}}`, 400, true, false},
		{"flat 500", `{"code":"SYSTEM_ERROR","message":null,"details":[{"code":-199,"message":"down"}]}`, 500, false, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			_, r, err := c.RequestRetrieval(t.Context(), protocol.RetrievalRequest{OperationCategory: "retrieval",
				DocumentKindCategory: "patent", DocumentNumber: "EE 1", DocumentDate: "2023-01-01", DasAccessCode: "AB21"})
			var ce *CallError
			if !errors.As(err, &ce) || ce.Status() != tt.status || r == nil || r.Wrapped != tt.wrapped {
				t.Fatalf("err %v, response %+v", err, r)
			}
			var de *protocol.DASError
			if !errors.As(err, &de) || de.Status != tt.status || len(de.Details) != 1 {
				t.Fatalf("the WIPO body is not in the error chain: %v", err)
			}
			if retry.Retryable(err) != tt.retryable {
				t.Fatalf("Retryable = %v, want %v", retry.Retryable(err), tt.retryable)
			}
		})
	}
}

func TestNoAnswerIsRetryableAndAnOversizedAnswerIsRefused(t *testing.T) {
	c := New(Config{BaseURL: "http://127.0.0.1:1/das/v1/requests"})
	if _, err := c.Notify(t.Context(), protocol.Notification{RequestAckID: "a", RequestStatusCategory: "success"}); !retry.Retryable(err) {
		t.Fatalf("a refused connection should be retryable: %v", err)
	}
	big, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(strings.Repeat("x", 2048)))
	})
	big.maxAnswer = 1024
	if _, err := big.Call(t.Context(), http.MethodGet, "/files", nil, nil); err == nil || !strings.Contains(err.Error(), "larger than 1024 bytes") || retry.Retryable(err) {
		t.Fatalf("oversized answer: %v", err)
	}
}
