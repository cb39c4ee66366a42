package awsstub

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"strings"
)

// S3 speaks REST: the bucket in the path (the provider is set to path
// style), the sub-resource in the query, answered in XML.

const s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

// s3Reads are the bucket reads the stub answers, by query sub-resource:
// the operation's name and its answer for a bucket. Without an answer the
// setting is not configured: S3's 404 with the notFound code, which the
// provider reads as unset.
var s3Reads = map[string]struct {
	op       string
	notFound string
	answer   func(a Account, b Bucket) string
}{
	"versioning": {op: "GetBucketVersioning", answer: func(_ Account, b Bucket) string {
		if b.Versioning == "" {
			return `<VersioningConfiguration xmlns="` + s3Namespace + `"/>`
		}
		return `<VersioningConfiguration xmlns="` + s3Namespace + `"><Status>` + b.Versioning + `</Status></VersioningConfiguration>`
	}},
	"encryption": {op: "GetBucketEncryption", answer: func(_ Account, b Bucket) string {
		return `<ServerSideEncryptionConfiguration xmlns="` + s3Namespace + `"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>` +
			b.SSEAlgorithm + `</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`
	}},
	"acl": {op: "GetBucketAcl", answer: func(a Account, _ Bucket) string {
		owner := `<ID>` + canonicalUser(a) + `</ID>`
		return `<AccessControlPolicy xmlns="` + s3Namespace + `"><Owner>` + owner + `</Owner><AccessControlList><Grant>` +
			`<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">` + owner + `</Grantee>` +
			`<Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>`
	}},
	"accelerate": {op: "GetBucketAccelerateConfiguration", answer: func(Account, Bucket) string {
		return `<AccelerateConfiguration xmlns="` + s3Namespace + `"/>`
	}},
	"requestPayment": {op: "GetBucketRequestPayment", answer: func(Account, Bucket) string {
		return `<RequestPaymentConfiguration xmlns="` + s3Namespace + `"><Payer>BucketOwner</Payer></RequestPaymentConfiguration>`
	}},
	"logging": {op: "GetBucketLogging", answer: func(Account, Bucket) string {
		return `<BucketLoggingStatus xmlns="` + s3Namespace + `"/>`
	}},
	"policy":      {op: "GetBucketPolicy", notFound: "NoSuchBucketPolicy"},
	"cors":        {op: "GetBucketCors", notFound: "NoSuchCORSConfiguration"},
	"website":     {op: "GetBucketWebsite", notFound: "NoSuchWebsiteConfiguration"},
	"lifecycle":   {op: "GetBucketLifecycleConfiguration", notFound: "NoSuchLifecycleConfiguration"},
	"replication": {op: "GetBucketReplication", notFound: "ReplicationConfigurationNotFoundError"},
	"object-lock": {op: "GetObjectLockConfiguration", notFound: "ObjectLockConfigurationNotFoundError"},
	"tagging":     {op: "GetBucketTagging", notFound: "NoSuchTagSet"},
}

// canonicalUser is a stable 64-hex-digit canonical user ID for the account,
// the shape S3 gives owners.
func canonicalUser(a Account) string {
	return fmt.Sprintf("%x", sha256.Sum256([]byte(a.ID)))
}

func (s *tenant) s3(w http.ResponseWriter, r *http.Request) (Call, bool) {
	path := strings.Trim(r.URL.Path, "/")
	name, key, _ := strings.Cut(path, "/")
	c := Call{Subject: name}
	var bucket *Bucket
	for i := range s.account.Buckets {
		if s.account.Buckets[i].Name == name {
			bucket = &s.account.Buckets[i]
		}
	}
	if name == "" || key != "" || (r.Method != http.MethodGet && r.Method != http.MethodHead) || len(r.URL.Query()) > 1 {
		c.Action = r.Method + " " + r.URL.RequestURI()
		s3Error(w, http.StatusBadRequest, "NotImplemented", unexpectedMessage("s3", c.Action))
		return c, false
	}
	if r.Method == http.MethodHead {
		c.Action = "HeadBucket"
		if bucket == nil {
			w.WriteHeader(http.StatusNotFound)
			return c, true
		}
		w.Header().Set("X-Amz-Bucket-Region", s.account.Region)
		w.WriteHeader(http.StatusOK)
		return c, true
	}
	var sub string
	for k := range r.URL.Query() {
		sub = k
	}
	read, ok := s3Reads[sub]
	if !ok {
		c.Action = "GET ?" + sub
		s3Error(w, http.StatusBadRequest, "NotImplemented", unexpectedMessage("s3", c.Action))
		return c, false
	}
	c.Action = read.op
	switch {
	case bucket == nil:
		s3Error(w, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist")
	case read.answer == nil:
		s3Error(w, http.StatusNotFound, read.notFound, "The "+sub+" configuration does not exist")
	default:
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?>`+read.answer(s.account, *bucket))
	}
	return c, true
}

func s3Error(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>%s</RequestId></Error>`, code, xmlEscape(message), requestID)
}
