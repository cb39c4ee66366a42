package stack

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// An account-wide stack (Project.AccountWide) holds what exists once per AWS
// account rather than once per environment: the platform stack with the
// state bucket, the lock table and the GitHub OIDC provider. It is named
// after the project alone ("platform"), has no Environment tag, and its
// Stack.Names.Environment is empty.

// AccountStateKey is the S3 key of an account-wide stack's state:
// "<name>/terraform.tfstate".
func AccountStateKey(name string) string { return name + "/terraform.tfstate" }

// LocalStateFile is where an account-wide stack with LocalState keeps its
// state, relative to its output folder (terraform runs there with -chdir).
// Synthesis carries it over like .terraform, so re-synthesizing never loses it.
const LocalStateFile = "terraform.tfstate"

// AccountStackName is the stack name of an account-wide project.
func AccountStackName(p Project) string { return p.Name }

// NewAccount creates an account-wide stack: the same provider as every
// stack (region, allowed account) tagged with Project and ManagedBy only, and
// either the shared S3 backend under AccountStateKey or, with LocalState, a
// local backend whose path is relative so the output stays machine-independent.
func NewAccount(scope constructs.Construct, p Project, platform core.Platform, root, buildDir string) *Stack {
	name := AccountStackName(p)
	s := cdktf.NewTerraformStack(scope, jsii.String(name))
	pinVersions(s)
	newProvider(s, platform, map[string]string{"Project": p.Name})
	key := AccountStateKey(name)
	if p.LocalState {
		key = ""
		cdktf.NewLocalBackend(s, &cdktf.LocalBackendConfig{Path: jsii.String(LocalStateFile)})
	} else {
		newS3Backend(s, platform, key)
	}
	st := &Stack{Scope: s, Names: core.Names{Project: p.Name}, Platform: platform, Root: root, BuildDir: buildDir, StateKey: key}
	register(s, st)
	return st
}
