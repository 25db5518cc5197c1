package objectstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/s3client"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/wipo-das/dasim/simulators/clock"
)

func TestStorageAgainstServer(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	s := w.storage
	key := "EP/2021/000123/a b+c.pdf"
	// A reader that is not seekable: Put must stream it once.
	body := io.MultiReader(strings.NewReader("%PDF-1.7 priority document"))

	if err := s.Put(ctx, s.Library(), key, body, 26, "application/pdf"); err != nil {
		t.Fatal(err)
	}
	info, err := s.Head(ctx, s.Library(), key)
	if err != nil || info.Size != 26 || info.ContentType != "application/pdf" || !info.LastModified.Equal(epoch) {
		t.Fatalf("Head: %+v %v (want 26 bytes, application/pdf, modified at the world's time)", info, err)
	}
	if err := s.Copy(ctx, s.Library(), key, s.Transit(), "retrieval-1/"+key); err != nil {
		t.Fatal(err)
	}
	rc, info, err := s.Get(ctx, s.Transit(), "retrieval-1/"+key)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if string(got) != "%PDF-1.7 priority document" || info.Size != 26 {
		t.Fatalf("Get of the copy: %q %+v", got, info)
	}
	list, err := s.List(ctx, s.Transit(), "retrieval-1/")
	if err != nil || len(list) != 1 || list[0].Key != "retrieval-1/"+key {
		t.Fatalf("List: %+v %v", list, err)
	}
	if err := s.Delete(ctx, s.Transit(), "retrieval-1/"+key); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Head(ctx, s.Transit(), "retrieval-1/"+key); !errors.Is(err, s3client.ErrObjectNotFound) {
		t.Errorf("Head after Delete: %v, want s3client.ErrObjectNotFound", err)
	}
	if _, _, err := s.Get(ctx, s.Transit(), "retrieval-1/"+key); !errors.Is(err, s3client.ErrObjectNotFound) {
		t.Errorf("Get after Delete: %v, want s3client.ErrObjectNotFound", err)
	}
	want := []string{"das-library/" + key + " 26", "das-transit/retrieval-1/" + key + " 26"}
	if got := w.createdObjects(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("WithObjectCreated saw %q, want %q", got, want)
	}
}

func TestHeaderSignedClientWorksAfterThirtyDays(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.clock.Advance(30 * 24 * time.Hour)
	if err := w.storage.Put(ctx, w.storage.Library(), "late.pdf", strings.NewReader("late"), 4, ""); err != nil {
		t.Fatalf("Put 30 days on: %v", err)
	}
	info, err := w.storage.Head(ctx, w.storage.Library(), "late.pdf")
	if err != nil || !info.LastModified.Equal(epoch.Add(30*24*time.Hour)) {
		t.Fatalf("Head 30 days on: %+v %v", info, err)
	}
	p, err := w.storage.PresignGet(ctx, w.storage.Library(), "late.pdf", ttl)
	if err != nil || !p.Expires.Equal(epoch.Add(30*24*time.Hour+ttl)) {
		t.Fatalf("presigned 30 days on: %+v %v", p, err)
	}
	if r := w.send(p.Method, p.URL, nil, nil); string(r.body) != "late" {
		t.Fatalf("presigned GET 30 days on: %d %s", r.status, r.body)
	}
}

// rawClient is an SDK client signing at clk's time that does not retry, so
// a refusal reaches the test as S3 sent it.
func rawClient(w *world, clk clock.Clock) *s3.Client {
	return s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(w.http.URL), UsePathStyle: true,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecret}, nil
		}),
		HTTPSignerV4:               worldPresigner{signer: newVerifyingSigner(), clock: clk},
		Retryer:                    aws.NopRetryer{},
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
	})
}

func TestHeaderSignedRequestTooSkewed(t *testing.T) {
	w := newWorld(t)
	late := clock.NewVirtual(epoch.Add(MaxClockSkew + time.Second))
	_, err := rawClient(w, late).HeadBucket(context.Background(), &s3.HeadBucketInput{Bucket: aws.String("das-library")})
	if err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("a request signed 15m01s ahead of the world's clock: %v; want 403", err)
	}
	// The body (HEAD has none) is checked on a GET.
	_, err = rawClient(w, late).GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("das-library"), Key: aws.String("x")})
	if err == nil || !strings.Contains(err.Error(), "RequestTimeTooSkewed") {
		t.Fatalf("GET signed 15m01s ahead: %v; want RequestTimeTooSkewed", err)
	}
	if _, err := rawClient(w, clock.NewVirtual(epoch.Add(MaxClockSkew))).ListObjectsV2(context.Background(),
		&s3.ListObjectsV2Input{Bucket: aws.String("das-library")}); err != nil {
		t.Fatalf("a request exactly 15m ahead must pass: %v", err)
	}
}

// TestHeaderSignedPayloadHashIsChecked signs one body and sends another:
// S3 checks x-amz-content-sha256 and stores nothing.
func TestHeaderSignedPayloadHashIsChecked(t *testing.T) {
	w := newWorld(t)
	signed := sha256.Sum256([]byte("the signed body"))
	req, _ := http.NewRequest(http.MethodPut, w.http.URL+"/das-library/swapped.pdf", bytes.NewReader([]byte("another body!!!")))
	req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(signed[:]))
	err := newVerifyingSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecret},
		req, hex.EncodeToString(signed[:]), "s3", "us-east-1", epoch)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	r := response{status: res.StatusCode, header: res.Header, body: body, xml: errorElements(body)}
	expectS3Error(t, r, http.StatusBadRequest, "XAmzContentSHA256Mismatch", "does not match")
	if _, err := w.storage.Head(context.Background(), "das-library", "swapped.pdf"); !errors.Is(err, s3client.ErrObjectNotFound) {
		t.Errorf("a body with the wrong hash was stored: %v", err)
	}
}

func TestHeaderSignedWithWrongSecretOrUnknownKey(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	wrongSecret := w.storageWith(func(c *s3client.StorageConfig) { c.SecretKey = "not-the-secret" })
	_, _, err := wrongSecret.Get(ctx, "das-library", "x.pdf")
	if err == nil || !strings.Contains(err.Error(), "SignatureDoesNotMatch") {
		t.Errorf("wrong secret: %v; want SignatureDoesNotMatch", err)
	}
	unknown := w.storageWith(func(c *s3client.StorageConfig) { c.AccessKey = "AKIAUNKNOWN000000000" })
	_, _, err = unknown.Get(ctx, "das-library", "x.pdf")
	if err == nil || !strings.Contains(err.Error(), "InvalidAccessKeyId") {
		t.Errorf("unknown key: %v; want InvalidAccessKeyId", err)
	}
}

func TestZeroConfigGeneratesCredentialsAndBuckets(t *testing.T) {
	srv, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	cfg := srv.StorageConfig(hs.URL)
	if len(cfg.AccessKey) != 20 || len(cfg.SecretKey) != 40 || cfg.Library != "das-library" || cfg.Transit != "das-transit" {
		t.Fatalf("generated StorageConfig %+v", cfg)
	}
	s, err := s3client.NewStorage(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{s.Library(), s.Transit()} {
		if _, err := s.List(context.Background(), b, ""); err != nil {
			t.Errorf("bucket %s: %v", b, err)
		}
	}
	if _, err := New(Config{LibraryBucket: "X", TransitBucket: "X"}); err == nil ||
		!strings.Contains(err.Error(), "must differ") || !strings.Contains(err.Error(), `bucket "X"`) {
		t.Errorf("invalid config: %v; want every problem reported", err)
	}
}
