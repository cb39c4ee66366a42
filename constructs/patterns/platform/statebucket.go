package platform

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucket"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketlifecycleconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpublicaccessblock"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketserversideencryptionconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketversioning"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
)

// StateBucketProps configure the Terraform state bucket.
type StateBucketProps struct {
	// BucketName is the bucket's name. Required.
	BucketName string
	// NoncurrentVersionDays is how many days a replaced object version (an
	// old state file) is kept before S3 expires it. Defaults to 90: long
	// enough to roll a state back after a bad apply, short enough that the
	// bucket does not grow forever.
	NoncurrentVersionDays int
	// Adopt imports the existing bucket instead of creating it. Defaults to
	// false (create).
	Adopt bool
}

// DefaultNoncurrentVersionDays is NoncurrentVersionDays' default.
const DefaultNoncurrentVersionDays = 90

// abortMultipartDays cleans up uploads a crashed client never completed.
const abortMultipartDays = 7

// StateBucket is an S3 bucket fit for Terraform state: versioned, encrypted
// with AES256 (SSE-S3), closed to the public, reachable only over TLS, and
// protected from destruction.
type StateBucket struct {
	constructs.Construct
	Resource s3bucket.S3Bucket
}

func (p *StateBucketProps) withDefaults() StateBucketProps {
	out := *p
	if out.NoncurrentVersionDays == 0 {
		out.NoncurrentVersionDays = DefaultNoncurrentVersionDays
	}
	return out
}

func (p StateBucketProps) validate() error {
	if p.BucketName == "" {
		return core.Errorf("StateBucketProps.BucketName", "set the state bucket's name (core.Platform.StateBucket)", "is empty")
	}
	if p.NoncurrentVersionDays < 1 {
		return core.Errorf("StateBucketProps.NoncurrentVersionDays", "use a positive number of days (default 90)", "%d is not a positive number of days", p.NoncurrentVersionDays)
	}
	return nil
}

// NewStateBucket creates the bucket and its versioning, encryption, public
// access block, TLS-only policy and lifecycle rules.
func NewStateBucket(scope constructs.Construct, id string, props *StateBucketProps) *StateBucket {
	p := props.withDefaults()
	if err := p.validate(); err != nil {
		panic(err)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	b := &StateBucket{Construct: c}
	b.Resource = s3bucket.NewS3Bucket(c, jsii.String("Resource"), &s3bucket.S3BucketConfig{
		Bucket:    jsii.String(p.BucketName),
		Lifecycle: protect(),
	})
	adopt(b.Resource, p.Adopt, p.BucketName)
	bucket := b.Resource.Id()

	s3bucketversioning.NewS3BucketVersioningA(c, jsii.String("Versioning"), &s3bucketversioning.S3BucketVersioningAConfig{
		Bucket:                  bucket,
		VersioningConfiguration: &s3bucketversioning.S3BucketVersioningVersioningConfiguration{Status: jsii.String("Enabled")},
		Lifecycle:               protect(),
	})
	s3bucketserversideencryptionconfiguration.NewS3BucketServerSideEncryptionConfigurationA(c, jsii.String("Encryption"),
		&s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationAConfig{
			Bucket: bucket,
			Rule: []*s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleA{{
				ApplyServerSideEncryptionByDefault: &s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA{
					SseAlgorithm: jsii.String("AES256"),
				},
			}},
			Lifecycle: protect(),
		})
	s3bucketpublicaccessblock.NewS3BucketPublicAccessBlock(c, jsii.String("PublicAccessBlock"), &s3bucketpublicaccessblock.S3BucketPublicAccessBlockConfig{
		Bucket:                bucket,
		BlockPublicAcls:       jsii.Bool(true),
		BlockPublicPolicy:     jsii.Bool(true),
		IgnorePublicAcls:      jsii.Bool(true),
		RestrictPublicBuckets: jsii.Bool(true),
		Lifecycle:             protect(),
	})
	s3bucketpolicy.NewS3BucketPolicy(c, jsii.String("Policy"), &s3bucketpolicy.S3BucketPolicyConfig{
		Bucket:    bucket,
		Policy:    jsii.String(TLSOnlyPolicy(*b.Resource.Arn()).JSON()),
		Lifecycle: protect(),
	})
	s3bucketlifecycleconfiguration.NewS3BucketLifecycleConfiguration(c, jsii.String("Lifecycle"), &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationConfig{
		Bucket: bucket,
		Rule: []*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRule{{
			Id:     jsii.String("expire-noncurrent-state-versions"),
			Status: jsii.String("Enabled"),
			// An empty prefix applies the rule to every object.
			Filter: []*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleFilter{{Prefix: jsii.String("")}},
			NoncurrentVersionExpiration: []*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration{{
				NoncurrentDays: jsii.Number(float64(p.NoncurrentVersionDays)),
			}},
			AbortIncompleteMultipartUpload: []*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload{{
				DaysAfterInitiation: jsii.Number(abortMultipartDays),
			}},
		}},
		Lifecycle: protect(),
	})
	return b
}

// TLSOnlyPolicy denies every S3 action on the bucket and its objects to
// anyone when the request is not made over TLS (aws:SecureTransport false),
// as AWS's S3 security best practices recommend. {"AWS": "*"} is the same
// principal as "*".
func TLSOnlyPolicy(bucketArn string) iam.PolicyDocument {
	return iam.NewPolicyDocument(iam.Statement{
		Sid:       "DenyInsecureTransport",
		Effect:    "Deny",
		Principal: map[string]any{"AWS": "*"},
		Actions:   []string{"s3:*"},
		Resources: []string{bucketArn, bucketArn + "/*"},
		Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}},
	})
}
