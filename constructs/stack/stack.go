// Package stack is the contract between projects and the synthesis driver
// (internal/synth): a Project says how to build itself, a Stack is one
// project in one environment with the AWS provider, default tags and the
// shared S3 state backend, and Of finds the Stack a construct is in.
package stack

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// Stack is one project in one environment: the scope its constructs go in,
// plus everything a project needs to know to build itself.
type Stack struct {
	Scope    cdktf.TerraformStack
	Names    core.Names
	Platform core.Platform
	// Root is the repository root; project files are read relative to it.
	Root string
	// StateKey is the S3 key of this stack's Terraform state.
	StateKey string
	// BuildDir receives build artefacts (Lambda zips) before cdktf copies
	// them into the stack's output as assets.
	BuildDir string
}

// Name is the stack's name: "<project>-<env>", or the project's name for an
// account-wide stack.
func (s *Stack) Name() string {
	if s.Names.Environment == "" {
		return s.Names.Project
	}
	return s.Names.StackName()
}

// Env is the stack's environment.
func (s *Stack) Env() core.Environment { return s.Names.Environment }

// DefaultStateKey is "<project>/<env>/terraform.tfstate".
func DefaultStateKey(n core.Names) string {
	return fmt.Sprintf("%s/%s/terraform.tfstate", n.Project, n.Environment)
}

// New creates the stack of one project in one environment, with its
// provider and backend.
func New(scope constructs.Construct, names core.Names, platform core.Platform, root, buildDir, stateKey string) *Stack {
	s := cdktf.NewTerraformStack(scope, jsii.String(names.StackName()))
	pinVersions(s)
	newProvider(s, platform, map[string]string{
		"Project":     names.Project,
		"Environment": string(names.Environment),
	})
	newS3Backend(s, platform, stateKey)
	return &Stack{Scope: s, Names: names, Platform: platform, Root: root, BuildDir: buildDir, StateKey: stateKey}
}

// newProvider adds the AWS provider every stack uses: the platform's region,
// pinned to its account (dev and production share it, and a stray profile
// must not deploy elsewhere), tagging everything with tags plus ManagedBy.
func newProvider(s cdktf.TerraformStack, platform core.Platform, tags map[string]string) {
	all := map[string]*string{"ManagedBy": jsii.String(platform.ManagedBy)}
	for k, v := range tags {
		all[k] = jsii.String(v)
	}
	provider.NewAwsProvider(s, jsii.String("aws"), &provider.AwsProviderConfig{
		Region:            jsii.String(platform.Region),
		AllowedAccountIds: jsii.Strings(platform.AccountID),
		DefaultTags:       []*provider.AwsProviderDefaultTags{{Tags: &all}},
	})
}
