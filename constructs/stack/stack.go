// Package stack is the contract between projects and the synthesis driver
// (internal/synth): a Project says how to build itself, a Stack is one
// project in one environment with the AWS provider, default tags and the
// shared S3 state backend, and Of finds the Stack a construct is in.
package stack

import (
	"fmt"
	"sync"

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
	st := &Stack{Scope: s, Names: names, Platform: platform, Root: root, BuildDir: buildDir, StateKey: stateKey}
	register(s, st)
	return st
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

// stacks maps every scope whose Stack is known to it: each stack's own
// scope when it is created, and every scope Of has looked up since. A
// lookup of a scope not here costs one jsii round trip.
var (
	stacksMu sync.Mutex
	stacks   = map[constructs.Construct]*Stack{}
)

func register(scope constructs.Construct, s *Stack) {
	stacksMu.Lock()
	defer stacksMu.Unlock()
	stacks[scope] = s
}

// Of returns the Stack that scope is in, as aws-cdk's Stack.of: constructs
// take their project, environment and platform from it rather than from
// every props struct. It panics for a scope outside any Stack made by New
// or NewAccount, a programming error.
func Of(scope constructs.Construct) *Stack {
	stacksMu.Lock()
	s, ok := stacks[scope]
	stacksMu.Unlock()
	if ok {
		return s
	}
	stacksMu.Lock()
	s, ok = stacks[cdktf.TerraformStack_Of(scope)]
	stacksMu.Unlock()
	if !ok {
		panic(fmt.Sprintf("stack.Of: %s is not in a stack made by stack.New or stack.NewAccount", *scope.Node().Path()))
	}
	register(scope, s)
	return s
}
