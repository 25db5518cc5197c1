package s3client

import (
	"context"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Head returns an object's metadata; a missing key wraps ErrObjectNotFound.
func (s *Storage) Head(ctx context.Context, bucket, key string) (ObjectInfo, error) {
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return ObjectInfo{}, storageError("head", bucket, key, err)
	}
	return ObjectInfo{
		Bucket: bucket, Key: key, Size: aws.ToInt64(out.ContentLength), ContentType: aws.ToString(out.ContentType),
		ETag: aws.ToString(out.ETag), LastModified: aws.ToTime(out.LastModified),
	}, nil
}

// Get streams an object; the caller closes the body. A missing key wraps
// ErrObjectNotFound.
func (s *Storage) Get(ctx context.Context, bucket, key string) (io.ReadCloser, ObjectInfo, error) {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, ObjectInfo{}, storageError("get", bucket, key, err)
	}
	return out.Body, ObjectInfo{
		Bucket: bucket, Key: key, Size: aws.ToInt64(out.ContentLength), ContentType: aws.ToString(out.ContentType),
		ETag: aws.ToString(out.ETag), LastModified: aws.ToTime(out.LastModified),
	}, nil
}

// Put stores size bytes read from body. The payload is sent unsigned
// (UNSIGNED-PAYLOAD, as the SDK does over TLS) so body is streamed once and
// need not be seekable; over plain HTTP the SDK would otherwise read it
// twice to hash it first.
func (s *Storage) Put(ctx context.Context, bucket, key string, body io.Reader, size int64, contentType string) error {
	in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: body, ContentLength: aws.Int64(size)}
	if contentType != "" {
		in.ContentType = aws.String(contentType)
	}
	_, err := s.client.PutObject(ctx, in, s3.WithAPIOptions(v4.SwapComputePayloadSHA256ForUnsignedPayloadMiddleware))
	return storageError("put", bucket, key, err)
}

// Copy copies an object server-side, e.g. from the library into the transit
// zone. On the simulated object store the copy is a second full in-memory object
// (gofakes3's CopyObject re-reads the source into a new buffer), so copying
// a 200 MB document costs 200 MB more RAM until one of them is deleted.
func (s *Storage) Copy(ctx context.Context, srcBucket, srcKey, dstBucket, dstKey string) error {
	_, err := s.client.CopyObject(ctx, &s3.CopyObjectInput{
		Bucket: aws.String(dstBucket), Key: aws.String(dstKey), CopySource: aws.String(copySource(srcBucket, srcKey)),
	})
	return storageError("copy "+srcBucket+"/"+srcKey+" to", dstBucket, dstKey, err)
}

// Delete removes an object; deleting a missing key succeeds, as on S3.
func (s *Storage) Delete(ctx context.Context, bucket, key string) error {
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	return storageError("delete", bucket, key, err)
}

// List returns every object of bucket whose key starts with prefix, in key
// order, following S3's pagination.
func (s *Storage) List(ctx context.Context, bucket, prefix string) ([]ObjectInfo, error) {
	var out []ObjectInfo
	pages := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, storageError("list", bucket, prefix+"*", err)
		}
		for _, o := range page.Contents {
			out = append(out, ObjectInfo{
				Bucket: bucket, Key: aws.ToString(o.Key), Size: aws.ToInt64(o.Size),
				ETag: aws.ToString(o.ETag), LastModified: aws.ToTime(o.LastModified),
			})
		}
	}
	return out, nil
}

// storageError names the operation and object, and marks a missing key.
func storageError(op, bucket, key string, err error) error {
	switch {
	case err == nil:
		return nil
	case isNotFound(err):
		return fmt.Errorf("s3client: %s %s/%s: %w: %w", op, bucket, key, ErrObjectNotFound, err)
	}
	return fmt.Errorf("s3client: %s %s/%s: %w", op, bucket, key, err)
}
