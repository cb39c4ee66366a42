package stack

import (
	"fmt"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
)

// MinTerraformVersion is what the synthesized JSON needs: the S3 backend's
// native lock file (use_lockfile) arrived in Terraform 1.10 (import and
// moved blocks in 1.5, removed blocks in 1.7).
const MinTerraformVersion = ">= 1.10.0"

// AWSProviderVersion is the hashicorp/aws versions a stack accepts. The
// bindings (cdktf-provider-aws-go v19) were generated from 5.99.1 and write
// that exact version; any later 5.x has the same resources and arguments or
// more (the provider follows semantic versioning), and 6.0 removed some, so
// the range is 5.99.1 up to, not including, 6.0 (docs/verification.md).
const AWSProviderVersion = ">= 5.99.1, < 6.0.0"

// pinVersions writes the Terraform and AWS provider versions the stack's
// JSON needs, over what cdktf and the bindings write.
func pinVersions(s cdktf.TerraformStack) {
	s.AddOverride(jsii.String("terraform.required_version"), jsii.String(MinTerraformVersion))
	s.AddOverride(jsii.String("terraform.required_providers.aws.version"), jsii.String(AWSProviderVersion))
}

// newS3Backend keeps the stack's state under key in the platform's bucket,
// locked by a lock file beside it (key + ".tflock", S3 conditional writes)
// rather than the DynamoDB table the HCL projects locked with: Terraform
// 1.11 deprecates dynamodb_table and warns on every run, and the lock file
// needs nothing outside the bucket. docs/design.md, "State locking", has the
// switch-over: no HCL run may hold a DynamoDB lock on the same key meanwhile.
func newS3Backend(s cdktf.TerraformStack, platform core.Platform, key string) {
	cdktf.NewS3Backend(s, &cdktf.S3BackendConfig{
		Bucket:  jsii.String(platform.StateBucket),
		Key:     jsii.String(key),
		Region:  jsii.String(platform.Region),
		Encrypt: jsii.Bool(true),
	})
	// cdktf's S3BackendConfig predates use_lockfile.
	s.AddOverride(jsii.String("terraform.backend.s3.use_lockfile"), jsii.Bool(true))
}

// LockFileSuffix is what the S3 backend appends to the state key for its lock file.
const LockFileSuffix = ".tflock"

// ReadStateStatements let a role read the state object at key and nothing
// else of the bucket: s3:GetObject on the object, s3:ListBucket limited to
// that prefix (the backend lists it on init).
func ReadStateStatements(p core.Platform, key string) []iam.Statement {
	return []iam.Statement{
		iam.Allow("ReadState", []string{"s3:GetObject"}, stateObjectARN(p, key)),
		{Sid: "ListState", Effect: "Allow", Actions: []string{"s3:ListBucket"},
			Resources: []string{"arn:aws:s3:::" + p.StateBucket},
			Condition: map[string]map[string]any{"StringEquals": {"s3:prefix": key}}},
	}
}

// WriteStateStatements are ReadStateStatements plus writing the state
// object and taking and releasing its lock file.
func WriteStateStatements(p core.Platform, key string) []iam.Statement {
	return append(ReadStateStatements(p, key),
		iam.Allow("WriteState", []string{"s3:PutObject"}, stateObjectARN(p, key)),
		iam.Allow("LockState", []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}, stateObjectARN(p, key+LockFileSuffix)),
	)
}

func stateObjectARN(p core.Platform, key string) string {
	return fmt.Sprintf("arn:aws:s3:::%s/%s", p.StateBucket, key)
}

// GrantReadState lets g read the stack's state (`terraform output`, plans
// with -lock=false): s3:GetObject on the state object, s3:ListBucket on its
// prefix.
func (s *Stack) GrantReadState(g iam.Grantable) {
	g.AddToPolicy(ReadStateStatements(s.Platform, s.StateKey)...)
}

// GrantWriteState lets g plan and apply the stack: GrantReadState's
// actions, s3:PutObject on the state object, and s3:GetObject,
// s3:PutObject and s3:DeleteObject on its lock file.
func (s *Stack) GrantWriteState(g iam.Grantable) {
	g.AddToPolicy(WriteStateStatements(s.Platform, s.StateKey)...)
}
