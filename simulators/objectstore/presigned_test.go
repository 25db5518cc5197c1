package objectstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wipo-das/dasim/simulators/s3client"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/wipo-das/dasim/simulators/clock"
)

const ttl = 15 * time.Minute

func (w *world) presignPut(key string) s3client.Presigned {
	w.t.Helper()
	p, err := w.storage.PresignPut(context.Background(), w.storage.Library(), key, "", ttl)
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

func (w *world) presignGet(key string) s3client.Presigned {
	w.t.Helper()
	p, err := w.storage.PresignGet(context.Background(), w.storage.Library(), key, ttl)
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

// pdf is what WIPO's sample office client sends with the bytes: a
// Content-Type the URL was not signed with.
var pdf = http.Header{"Content-Type": {"application/pdf"}}

func TestPresignedPutThenGetRoundTrip(t *testing.T) {
	w := newWorld(t)
	doc := make([]byte, 1<<20)
	_, _ = rand.Read(doc)

	put := w.presignPut("PCT/IB2021/000001/priority document.pdf")
	if put.Method != http.MethodPut || len(put.SignedHeader) != 0 {
		t.Fatalf("presigned PUT: method %s, signed headers %v; want PUT and Host only", put.Method, put.SignedHeader)
	}
	if !put.Expires.Equal(epoch.Add(ttl)) {
		t.Errorf("Expires %v, want %v", put.Expires, epoch.Add(ttl))
	}
	if r := w.send(put.Method, put.URL, pdf, doc); r.status != http.StatusOK {
		t.Fatalf("PUT: %d %s", r.status, r.body)
	}
	get := w.presignGet("PCT/IB2021/000001/priority document.pdf")
	r := w.send(get.Method, get.URL, nil, nil)
	if r.status != http.StatusOK || sha256.Sum256(r.body) != sha256.Sum256(doc) {
		t.Fatalf("GET: %d, %d bytes, sha256 differs from the upload", r.status, len(r.body))
	}
	if ct := r.header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("stored Content-Type %q, want the uploader's application/pdf", ct)
	}
	want := "das-library/PCT/IB2021/000001/priority document.pdf 1048576"
	if got := w.createdObjects(); len(got) != 1 || got[0] != want {
		t.Errorf("WithObjectCreated saw %q, want [%q]", got, want)
	}
}

// TestPresignedURLAttacks sends each kind of altered or misused presigned
// URL and expects S3's refusal with a message that says what is wrong.
func TestPresignedURLAttacks(t *testing.T) {
	w := newWorld(t)
	if r := w.send(http.MethodPut, w.presignPut("a.pdf").URL, pdf, []byte("document A")); r.status != http.StatusOK {
		t.Fatalf("seeding a.pdf: %d %s", r.status, r.body)
	}
	port := w.http.URL[strings.LastIndex(w.http.URL, ":"):]
	otherKey := w.storageWith(func(c *s3client.StorageConfig) { c.AccessKey, c.SecretKey = "AKIAUNKNOWN000000000", "whatever" })
	otherRegion := w.storageWith(func(c *s3client.StorageConfig) { c.Region = "eu-west-1" })

	cases := []struct {
		name   string
		method string
		url    func() string
		header http.Header
		status int
		code   string
		says   string
	}{
		{"tampered signature", http.MethodGet, func() string { return flipLastHex(w.presignGet("a.pdf").URL) }, nil,
			403, "SignatureDoesNotMatch", "changed after signing"},
		{"tampered query parameter (expiry stretched)", http.MethodGet, func() string {
			return strings.Replace(w.presignGet("a.pdf").URL, "X-Amz-Expires=900", "X-Amz-Expires=604800", 1)
		}, nil, 403, "SignatureDoesNotMatch", "the query string"},
		{"added query parameter", http.MethodGet, func() string { return w.presignGet("a.pdf").URL + "&response-content-type=text%2Fhtml" },
			nil, 403, "SignatureDoesNotMatch", "the query string"},
		{"GET URL used for PUT", http.MethodPut, func() string { return w.presignGet("a.pdf").URL }, pdf,
			403, "SignatureDoesNotMatch", "signed for GET, but the request method is PUT"},
		{"PUT URL used for GET", http.MethodGet, func() string { return w.presignPut("b.pdf").URL }, nil,
			403, "SignatureDoesNotMatch", "signed for PUT, but the request method is GET"},
		{"host swap", http.MethodGet, func() string { return w.presignGet("a.pdf").URL }, http.Header{"Host": {"localhost" + port}},
			403, "SignatureDoesNotMatch", "signed for host 127.0.0.1" + port + ", but the request was sent to host localhost" + port},
		{"path swap, first use", http.MethodGet, func() string {
			return strings.Replace(w.presignGet("a.pdf").URL, "/a.pdf?", "/b.pdf?", 1)
		}, nil, 403, "SignatureDoesNotMatch", "the path (object key)"},
		{"path swap after the URL was used", http.MethodPut, func() string {
			u := w.presignPut("c.pdf").URL
			w.send(http.MethodPut, u, pdf, []byte("document C"))
			return strings.Replace(u, "/c.pdf?", "/d.pdf?", 1)
		}, pdf, 403, "SignatureDoesNotMatch", "signed for PUT /das-library/c.pdf"},
		{"bucket swap", http.MethodGet, func() string {
			return strings.Replace(w.presignGet("a.pdf").URL, "/das-library/", "/das-transit/", 1)
		}, nil, 403, "SignatureDoesNotMatch", "signed for bucket das-library, but the request addresses bucket das-transit"},
		{"signed header missing", http.MethodPut, func() string {
			p, err := w.storage.PresignPut(context.Background(), "das-library", "e.pdf", "application/pdf", ttl)
			if err != nil || p.SignedHeader.Get("Content-Type") != "application/pdf" {
				t.Fatalf("presign with content type: %v %v", p.SignedHeader, err)
			}
			return p.URL
		}, nil, 403, "SignatureDoesNotMatch", "signed with the content-type header"},
		{"signed header changed", http.MethodPut, func() string {
			p, _ := w.storage.PresignPut(context.Background(), "das-library", "e.pdf", "application/pdf", ttl)
			return p.URL
		}, http.Header{"Content-Type": {"text/html"}}, 403, "SignatureDoesNotMatch", "signed header value"},
		{"unsigned x-amz-* headers on a presigned PUT", http.MethodPut, func() string { return w.presignPut("f.pdf").URL },
			http.Header{"Content-Type": {"application/pdf"}, "X-Amz-Acl": {"public-read"}, "X-Amz-Meta-Owner": {"attacker"}},
			403, "AccessDenied", "There were headers present in the request which were not signed"},
		{"unsigned x-amz-copy-source on a presigned PUT", http.MethodPut, func() string { return w.presignPut("g.pdf").URL },
			http.Header{"X-Amz-Copy-Source": {"/das-library/a.pdf"}}, 403, "AccessDenied", "not signed"},
		{"anonymous request", http.MethodGet, func() string { return w.http.URL + "/das-library/a.pdf" }, nil,
			403, "AccessDenied", "anonymous"},
		{"unknown access key", http.MethodGet, func() string {
			p, _ := otherKey.PresignGet(context.Background(), "das-library", "a.pdf", ttl)
			return p.URL
		}, nil, 403, "InvalidAccessKeyId", "does not exist in our records"},
		{"wrong region", http.MethodGet, func() string {
			p, _ := otherRegion.PresignGet(context.Background(), "das-library", "a.pdf", ttl)
			return p.URL
		}, nil, 400, "AuthorizationQueryParametersError", "the region 'eu-west-1' is wrong; expecting 'us-east-1'"},
		{"expiry beyond a week", http.MethodGet, func() string {
			return strings.Replace(w.presignGet("a.pdf").URL, "X-Amz-Expires=900", "X-Amz-Expires=604801", 1)
		}, nil, 400, "AuthorizationQueryParametersError", "less than a week"},
		{"session token", http.MethodGet, func() string { return w.presignGet("a.pdf").URL + "&X-Amz-Security-Token=abc" }, nil,
			400, "InvalidToken", "no session tokens"},
		{"both query and header auth", http.MethodGet, func() string { return w.presignGet("a.pdf").URL },
			http.Header{"Authorization": {"AWS4-HMAC-SHA256 Credential=x"}}, 400, "InvalidArgument", "Only one auth mechanism"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.send(c.method, c.url(), c.header, []byte("attacker bytes"))
			expectS3Error(t, r, c.status, c.code, c.says)
			if c.code == "AccessDenied" && strings.Contains(c.name, "x-amz") && !strings.Contains(string(r.body), "<HeadersNotSigned>x-amz-") {
				t.Errorf("no HeadersNotSigned element naming the headers: %s", r.body)
			}
		})
	}
	// Nothing an attacker sent was stored, and a.pdf is intact.
	for _, key := range []string{"b.pdf", "d.pdf", "e.pdf", "f.pdf", "g.pdf"} {
		if _, err := w.storage.Head(context.Background(), "das-library", key); err == nil {
			t.Errorf("%s was stored by a rejected request", key)
		}
	}
	if r := w.send(http.MethodGet, w.presignGet("a.pdf").URL, nil, nil); string(r.body) != "document A" {
		t.Errorf("a.pdf now holds %q", r.body)
	}
}

func flipLastHex(u string) string {
	last := u[len(u)-1]
	repl := byte('0')
	if last == '0' {
		repl = '1'
	}
	return u[:len(u)-1] + string(repl)
}

func TestPresignedURLExpiresOnTheWorldClock(t *testing.T) {
	w := newWorld(t)
	put := w.presignPut("expiring.pdf")

	w.clock.Advance(ttl - time.Second)
	if r := w.send(put.Method, put.URL, pdf, []byte("in time")); r.status != http.StatusOK {
		t.Fatalf("one second before expiry: %d %s", r.status, r.body)
	}
	w.clock.Advance(2 * time.Second)
	r := w.send(put.Method, put.URL, pdf, []byte("too late"))
	expectS3Error(t, r, http.StatusForbidden, "AccessDenied", "Request has expired")
	want := map[string]string{
		"X-Amz-Expires": "900",
		"Expires":       epoch.Add(ttl).Format(time.RFC3339),
		"ServerTime":    epoch.Add(ttl + time.Second).Format(time.RFC3339),
	}
	for k, v := range want {
		if r.xml[k] != v {
			t.Errorf("<%s> = %q, want %q", k, r.xml[k], v)
		}
	}
}

func TestPresignedURLFromTheFutureIsNotValidYet(t *testing.T) {
	w := newWorld(t)
	ahead := clock.NewVirtual(epoch.Add(MaxClockSkew + time.Minute))
	future := w.storageWith(func(c *s3client.StorageConfig) { c.Clock = ahead })
	p, err := future.PresignGet(context.Background(), "das-library", "x.pdf", ttl)
	if err != nil {
		t.Fatal(err)
	}
	expectS3Error(t, w.send(p.Method, p.URL, nil, nil), http.StatusForbidden, "AccessDenied", "Request is not valid yet")
}

// TestPresignedURLOfThePlainSDKIsVerified checks URLs made by an SDK
// presigner configured the usual way (Content-Type signed), not only ours.
func TestPresignedURLOfThePlainSDKIsVerified(t *testing.T) {
	w := newWorld(t)
	client := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(w.http.URL), UsePathStyle: true,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecret}, nil
		})})
	req, err := s3.NewPresignClient(client, func(o *s3.PresignOptions) { o.Presigner = worldPresigner{signer: newVerifyingSigner(), clock: w.clock} }).
		PresignPutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("das-transit"), Key: aws.String("dir/a b+c.bin"),
			ContentType: aws.String("application/octet-stream")}, s3.WithPresignExpires(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if r := w.send(req.Method, req.URL, http.Header{"Content-Type": {"application/octet-stream"}}, bytes.Repeat([]byte("x"), 10)); r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	info, err := w.storage.Head(context.Background(), "das-transit", "dir/a b+c.bin")
	if err != nil || info.Size != 10 {
		t.Fatalf("head: %+v %v", info, err)
	}
}

// TestGofakes3ErrorsSpeakS3 checks that errors produced by gofakes3 itself
// reach the client in S3's full shape (Message, Key, RequestId).
func TestGofakes3ErrorsSpeakS3(t *testing.T) {
	w := newWorld(t)
	r := w.send(http.MethodGet, w.presignGet("never-uploaded.pdf").URL, nil, nil)
	expectS3Error(t, r, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
	if r.xml["Key"] != "never-uploaded.pdf" {
		t.Errorf("<Key> = %q", r.xml["Key"])
	}
}

// worldPresigner is a plain SDK signer dated by the world's clock, for
// presigned URLs and header-signed requests alike.
type worldPresigner struct {
	signer *v4.Signer
	clock  clock.Clock
}

func (p worldPresigner) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string,
	_ time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	return p.signer.PresignHTTP(ctx, creds, r, payloadHash, service, region, p.clock.Now(), optFns...)
}

func (p worldPresigner) SignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string,
	_ time.Time, optFns ...func(*v4.SignerOptions)) error {
	return p.signer.SignHTTP(ctx, creds, r, payloadHash, service, region, p.clock.Now(), optFns...)
}
