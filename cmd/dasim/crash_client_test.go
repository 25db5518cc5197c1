package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	cryptorand "crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/clientauth"
	"github.com/wipo-das/dasim/simulators/clock"
	"github.com/wipo-das/dasim/simulators/dasapi"
	"github.com/wipo-das/dasim/simulators/protocol"
	"github.com/wipo-das/dasim/simulators/tlsca"
)

// crashClient is an office client of a served world that rides out its
// restarts: a call that gets no answer (the DAS is down or restarting) is
// made again until it gets one.
type crashClient struct {
	api   *dasapi.Client
	http  *http.Client
	token string
}

func newCrashClient(ctx context.Context, t *testing.T, ep endpointsFile, office string) *crashClient {
	t.Helper()
	pool, err := tlsca.ReadPool(ep.CAFile, false)
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
		Timeout: 10 * time.Second}
	id := ep.Identities[office]
	pemKey, err := os.ReadFile(id.Key)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := clientauth.ParsePrivateKeyPEM(pemKey)
	if err != nil {
		t.Fatal(err)
	}
	real := clock.System()
	tc := &clientauth.TokenClient{HTTP: hc, Issuer: ep.Issuer, ClientID: id.ClientID, Key: signer.(*ecdsa.PrivateKey), Now: real.Now,
		Rand: cryptorand.Reader}
	tok, err := tc.Token(ctx, "das-api/office-exchange")
	if err != nil {
		t.Fatalf("token for %s: %v", office, err)
	}
	c := &crashClient{http: hc, token: tok.AccessToken}
	// The one token of the whole test: issued before the first kill, it must
	// be accepted after every restart.
	c.api = dasapi.New(dasapi.Config{BaseURL: ep.DASAPI, HTTPClient: hc,
		Tokens: dasapi.TokenFunc(func(context.Context) (string, error) { return c.token, nil })})
	return c
}

// errRefused is an answer the flow cannot ride out.
var errRefused = errors.New("refused")

// again calls f until it gets an answer (not a transport error or a 5xx of
// a DAS going down), for at most a minute of real time.
func again[T any](ctx context.Context, f func() (T, error)) (T, error) {
	deadline := time.Now().Add(time.Minute)
	for {
		v, err := f()
		var ce *dasapi.CallError
		switch {
		case err == nil:
			return v, nil
		case errors.As(err, &ce) && !ce.Retryable():
			return v, fmt.Errorf("%w: %w", errRefused, err)
		case ctx.Err() != nil || time.Now().After(deadline):
			return v, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// deposit is flow c.1 (1a)-(1c) for one document. registered says the DAS
// holds it; acked that it answered the registration 201 (an answer lost in
// a crash, then a 409 -22 on the repeat, is registered but not acked).
func (c *crashClient) deposit(ctx context.Context, number string, content []byte) (registered, acked bool, err error) {
	sum := sha256.Sum256(content)
	up, err := again(ctx, func() (*protocol.URLUploadResponse, error) {
		r, _, err := c.api.CreateUploadURL(ctx, protocol.URLUploadRequest{FileReference: "crash.pdf", FileFormatCategory: "pdf",
			FileChecksum: fmt.Sprintf("%x", sum)})
		return r, err
	})
	if err != nil {
		return false, false, err
	}
	if _, err := again(ctx, func() (int, error) { return c.put(ctx, up.FileUploadURL, content) }); err != nil {
		return false, false, err
	}
	cat := "priority document"
	req := protocol.RegistrationRequest{OperationCategory: "registration", DocumentKindCategory: "patent", DocumentNumber: number,
		DocumentDate: "2023-03-14", DasAccessCode: "AB21", ApplicationCategory: &cat, FileID: &up.FileID}
	attempts := 0
	_, err = again(ctx, func() (*protocol.RegistrationAck, error) {
		attempts++
		a, _, err := c.api.Register(ctx, req)
		return a, err
	})
	if err != nil {
		// A 409 -22 on a repeat: the registration was committed and only its
		// answer lost in a kill.
		if de := dasErr(err); de != nil && hasDetail(de, protocol.DetailDuplicate) && attempts > 1 {
			return true, false, nil
		}
		return false, false, err
	}
	return true, true, nil
}

// put uploads content to a presigned URL; a 5xx or no answer is retried.
func (c *crashClient) put(ctx context.Context, rawURL string, content []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, rawURL, bytes.NewReader(content))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/pdf")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, &dasapi.CallError{Operation: "PUT fileUploadUrl", Err: err}
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, &dasapi.CallError{Operation: "PUT fileUploadUrl", Response: &dasapi.Response{Status: resp.StatusCode}}
	}
	return resp.StatusCode, nil
}

// retrieve is flow c.1 (2a)-(2d) for one document: the bytes downloaded.
func (c *crashClient) retrieve(ctx context.Context, number string) ([]byte, error) {
	ack, err := again(ctx, func() (*protocol.RetrievalAck, error) {
		a, _, err := c.api.RequestRetrieval(ctx, retrievalOf(number))
		return a, err
	})
	if err != nil {
		return nil, err
	}
	return c.awaitDownload(ctx, ack.RequestAckID)
}

// awaitDownload polls a retrieval until its document is available, then
// downloads it (flow c.1, Figure B polling, 2c, 2d).
func (c *crashClient) awaitDownload(ctx context.Context, ack string) ([]byte, error) {
	deadline := time.Now().Add(time.Minute)
	for {
		bag, err := again(ctx, func() (*protocol.StatusBag, error) {
			b, _, err := c.api.RetrievalStatuses(ctx, ack)
			return b, err
		})
		if err != nil {
			return nil, err
		}
		st := bag.Bag[0]
		if st.RequestStatusCategory == "success" {
			break
		}
		if st.RequestStatusCategory != "pending" || time.Now().After(deadline) {
			return nil, fmt.Errorf("retrieval %s of %s: %s (%s)", ack, st.DocumentNumber, st.RequestStatusCategory, deref(st.StatusMessage))
		}
		time.Sleep(50 * time.Millisecond)
	}
	return again(ctx, func() ([]byte, error) {
		dl, _, err := c.api.DownloadURL(ctx, ack)
		if err != nil {
			return nil, err
		}
		resp, err := c.http.Get(dl.FileDownloadURL)
		if err != nil {
			return nil, &dasapi.CallError{Operation: "GET fileDownloadUrl", Err: err}
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			// The body was cut (the world was killed mid-download): a
			// transport failure, tried again like a refused connection.
			return nil, &dasapi.CallError{Operation: "GET fileDownloadUrl", Err: err}
		}
		if resp.StatusCode != http.StatusOK {
			return nil, &dasapi.CallError{Operation: "GET fileDownloadUrl", Response: &dasapi.Response{Status: resp.StatusCode}}
		}
		return b, nil
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func dasErr(err error) *protocol.DASError {
	var ce *dasapi.CallError
	if errors.As(err, &ce) {
		return ce.DAS()
	}
	return nil
}

func hasDetail(e *protocol.DASError, code int) bool {
	for _, d := range e.Details {
		if d.Code == code {
			return true
		}
	}
	return false
}
