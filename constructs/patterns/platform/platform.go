// Package platform defines the account-wide "platform" stack: the S3 bucket
// and DynamoDB table every stack keeps its Terraform state in, and the
// account's GitHub Actions OIDC identity provider, and the KMS key of every
// stack's alarm topic. They exist once per AWS
// account, outside every project, so they live in one environment-less stack
// (stack.Project.AccountWide). docs/platform.md explains how the stack keeps
// its own state (the chicken-and-egg) and how it adopts the resources that
// were created by hand.
package platform

import (
	"os"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/fractallabsdev/talkwise-infra/constructs/githuboidc"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
)

// Name is the stack's name: cdktf.out/stacks/platform, `make plan p=platform`.
const Name = "platform"

// BootstrapEnv, set to "1" when synthesizing, builds the stack for a fresh
// account where the state bucket does not exist yet: state in a local file,
// nothing imported. docs/platform.md has the two-phase procedure.
const BootstrapEnv = "TALKWISE_PLATFORM_BOOTSTRAP"

// Settings are the platform stack's choices.
type Settings struct {
	// Bootstrap keeps the state in a local file and imports nothing, for an
	// account where the state bucket does not exist yet. Defaults to false:
	// state in the bucket under "platform/terraform.tfstate", and the three
	// resources that already exist (created by hand) adopted with import
	// blocks.
	Bootstrap bool
	// NoncurrentVersionDays is how long a replaced state file version is
	// kept. Defaults to 90 days (see StateBucketProps).
	NoncurrentVersionDays int
}

// SettingsFromEnv returns the default settings, with Bootstrap set when
// BootstrapEnv is "1" (the Makefile sets it for `bootstrap=1`).
func SettingsFromEnv() Settings {
	return Settings{Bootstrap: os.Getenv(BootstrapEnv) == "1"}
}

// Project is the platform stack, ready to register beside the projects.
func Project(settings Settings) stack.Project {
	return stack.Project{
		Name:        Name,
		AccountWide: true,
		LocalState:  settings.Bootstrap,
		Prepare: func(s *stack.Stack) (func() error, error) {
			return func() error { Build(s, settings); return nil }, nil
		},
	}
}

// Resources are what Build creates, for tests and callers.
type Resources struct {
	StateBucket  *StateBucket
	LockTable    *LockTable
	OIDCProvider *githuboidc.Provider
	AlarmKey     *AlarmKey
}

// Build adds the state bucket, the lock table, the GitHub OIDC provider and
// the alarm key to s, with their outputs.
func Build(s *stack.Stack, settings Settings) Resources {
	adopt := !settings.Bootstrap
	r := Resources{
		StateBucket: NewStateBucket(s.Scope, "StateBucket", &StateBucketProps{
			BucketName:            s.Platform.StateBucket,
			NoncurrentVersionDays: settings.NoncurrentVersionDays,
			Adopt:                 adopt,
		}),
		LockTable: NewLockTable(s.Scope, "LockTable", &LockTableProps{
			TableName: s.Platform.LockTable,
			Adopt:     adopt,
		}),
		OIDCProvider: githuboidc.NewProvider(s.Scope, "GitHubOIDC", &githuboidc.ProviderProps{
			AccountID: s.Platform.AccountID,
			Adopt:     adopt,
		}),
		// New with the alarms (issue 14): created, not adopted.
		AlarmKey: NewAlarmKey(s.Scope, "AlarmKey", &AlarmKeyProps{Alias: s.Platform.AlarmKeyAlias}, s.Platform),
	}
	output(s, "state_bucket", "S3 bucket holding every stack's Terraform state", r.StateBucket.Resource.Bucket())
	output(s, "lock_table", "DynamoDB table for Terraform state locking", r.LockTable.Resource.Name())
	output(s, "github_oidc_provider_arn", "ARN of the account's GitHub Actions OIDC identity provider", r.OIDCProvider.Resource.Arn())
	output(s, "alarm_key_arn", "ARN of the KMS key every stack's alarm topic is encrypted with", r.AlarmKey.Resource.Arn())
	return r
}

func output(s *stack.Stack, name, description string, value *string) {
	cdktf.NewTerraformOutput(s.Scope, jsii.String(name), &cdktf.TerraformOutputConfig{
		Value:       value,
		Description: jsii.String(description),
	})
}

// protect is the lifecycle of every platform resource: Terraform refuses any
// plan that would destroy it (a destroy, or a change that forces
// replacement). Losing the state bucket loses the state of every stack.
func protect() *cdktf.TerraformResourceLifecycle {
	return &cdktf.TerraformResourceLifecycle{PreventDestroy: jsii.Bool(true)}
}

// adopt emits an import block for r when the resource already exists. Once
// it is in the state the block is a no-op, so it can stay as a record.
func adopt(r cdktf.TerraformResource, enabled bool, id string) {
	if enabled {
		r.ImportFrom(jsii.String(id), nil)
	}
}
