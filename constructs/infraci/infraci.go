// Package infraci gives the infrastructure workflow
// (.github/workflows/infrastructure.yml) two roles per scheduled-Lambda
// stack, so that code from a pull request never holds write credentials:
//
//   - {project}-{env}-github-actions applies the stack (the name the spec's
//     workflow snippet uses). It trusts only jobs of the infrastructure
//     repository running in the GitHub environment of the stack's name (dev,
//     production), and may touch only the stack's own state and the
//     resources named {project}-{env}-*. The environments must allow
//     deployments from main only (production also requires reviewers): that
//     is what keeps a pull request's edited workflow from assuming it.
//   - {project}-{env}-github-plan plans the stack on pull requests. It trusts
//     the repository's pull_request jobs, which run in no environment, and
//     may only read: the state object (plans run with -lock=false) and what
//     refreshing the stack's resources and data sources reads.
//
// A stack cannot create the role it needs to be applied with, so the first
// apply of a new project is made by hand (`make deploy e=dev`, as before);
// CI applies it from then on. The apply role may not change its own policies
// or trust: such a change, too, is applied by hand.
package infraci

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/githuboidc"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
)

// DefaultRepository is this repository on GitHub, whose workflow assumes the role.
const DefaultRepository = "FractalLabsDev/talkwise-infra"

// RoleProps configure the role.
type RoleProps struct {
	Names    core.Names
	Platform core.Platform
	// StateKey is the S3 key of the stack's state. Required.
	StateKey string
	// Repository is the GitHub repository ("owner/name") whose workflow may
	// assume the role. Defaults to DefaultRepository.
	Repository string
}

func (p *RoleProps) applyDefaults() {
	if p.Repository == "" {
		p.Repository = DefaultRepository
	}
}

// Subject is who may assume the apply role: the repository's jobs in the
// GitHub environment named like the stack's environment.
func (p *RoleProps) Subject() githuboidc.Subject {
	return githuboidc.Subject{Repository: p.Repository, Environment: string(p.Names.Environment)}
}

// PlanSubject is who may assume the plan role: the repository's
// pull_request jobs (which must run in no GitHub environment).
func (p *RoleProps) PlanSubject() githuboidc.Subject {
	return githuboidc.Subject{Repository: p.Repository, PullRequest: true}
}

// PlanRoleName is "<project>-<env>-github-plan", the role pull requests plan with.
func PlanRoleName(n core.Names) string { return n.Resource("github-plan") }

func (p *RoleProps) validate(name string, subject githuboidc.Subject) error {
	errs := []error{subject.Validate("InfraRepository"),
		core.CheckLength("project name", "IAM role", name, core.MaxIAMRoleName)}
	if p.StateKey == "" {
		errs = append(errs, fmt.Errorf("infraci.RoleProps: StateKey is required"))
	}
	return core.Join(errs...)
}

// Role is one of the infrastructure workflow's roles for one stack.
type Role struct {
	*iam.Role
}

// NewRole creates the apply role with the trust and the permissions
// described in the package comment. The account's GitHub OIDC provider is
// referred to by its ARN (it lives in the platform stack), not looked up:
// listing providers cannot be scoped to a resource.
func NewRole(scope constructs.Construct, id string, props *RoleProps) *Role {
	p := *props
	p.applyDefaults()
	if err := p.validate(githuboidc.RoleName(p.Names), p.Subject()); err != nil {
		panic(err)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	name := githuboidc.RoleName(p.Names)
	role := iam.NewRole(c, "Role", &iam.RoleProps{
		Name:        name,
		Description: "Infrastructure CI (plan and apply) of " + p.Names.Prefix() + " from " + p.Subject().Claim(),
		Trust:       []iam.Statement{githuboidc.Trust(githuboidc.ProviderARN(p.Platform.AccountID), p.Subject())},
	})
	role.AddToPolicy(ScheduledLambdaStatements(p.Names, p.Platform, p.StateKey)...)
	return &Role{Role: role}
}

// NewPlanRole creates the read-only plan role described in the package comment.
func NewPlanRole(scope constructs.Construct, id string, props *RoleProps) *Role {
	p := *props
	p.applyDefaults()
	name := PlanRoleName(p.Names)
	if err := p.validate(name, p.PlanSubject()); err != nil {
		panic(err)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	role := iam.NewRole(c, "Role", &iam.RoleProps{
		Name:        name,
		Description: "Infrastructure CI plans (read only) of " + p.Names.Prefix() + " from " + p.PlanSubject().Claim(),
		Trust:       []iam.Statement{githuboidc.Trust(githuboidc.ProviderARN(p.Platform.AccountID), p.PlanSubject())},
	})
	role.AddToPolicy(ScheduledLambdaPlanStatements(p.Names, p.Platform, p.StateKey)...)
	return &Role{Role: role}
}

// ScheduledLambdaStatements are what Terraform needs to plan and apply a
// scheduled-Lambda stack (constructs/patterns/scheduledlambda): its state and lock,
// and the functions, roles, log groups, schedules, dead-letter queue and
// parameters named for the project and environment, plus a Deny that keeps
// the role from widening its own permissions or trust.
func ScheduledLambdaStatements(n core.Names, p core.Platform, stateKey string) []iam.Statement {
	prefix := n.Prefix() // "<project>-<env>"
	arn := func(service, resource string) string {
		return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, p.Region, p.AccountID, resource)
	}
	roles := fmt.Sprintf("arn:aws:iam::%s:role/%s-*", p.AccountID, prefix)
	self := fmt.Sprintf("arn:aws:iam::%s:role/%s", p.AccountID, githuboidc.RoleName(n))
	return append(stack.WriteStateStatements(p, stateKey), []iam.Statement{
		iam.Allow("Functions", []string{
			"lambda:CreateFunction", "lambda:DeleteFunction", "lambda:GetFunction", "lambda:GetFunctionConfiguration",
			"lambda:GetFunctionCodeSigningConfig", "lambda:GetFunctionConcurrency", "lambda:GetFunctionRecursionConfig",
			"lambda:GetRuntimeManagementConfig", "lambda:ListVersionsByFunction", "lambda:ListTags",
			"lambda:TagResource", "lambda:UntagResource", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration",
		}, arn("lambda", "function:"+prefix+"-*")),
		iam.Allow("Roles", []string{
			"iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:UpdateRole", "iam:UpdateRoleDescription",
			"iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:ListRoleTags",
			"iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy", "iam:ListRolePolicies",
			"iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole",
		}, roles),
		{Sid: "PassRoles", Effect: "Allow", Actions: []string{"iam:PassRole"}, Resources: []string{roles},
			Condition: map[string]map[string]any{"StringEquals": {"iam:PassedToService": []string{"lambda.amazonaws.com", "scheduler.amazonaws.com"}}}},
		iam.Allow("LogGroups", []string{
			"logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy",
			"logs:ListTagsForResource", "logs:ListTagsLogGroup", "logs:TagResource", "logs:UntagResource",
		}, arn("logs", "log-group:/aws/lambda/"+prefix+"-*")),
		iam.Allow("DescribeLogGroups", []string{"logs:DescribeLogGroups"}, "*"),
		iam.Allow("Schedules", []string{
			"scheduler:CreateSchedule", "scheduler:DeleteSchedule", "scheduler:GetSchedule", "scheduler:UpdateSchedule",
		}, arn("scheduler", "schedule/default/"+prefix+"-*")),
		iam.Allow("DeadLetterQueue", []string{
			"sqs:CreateQueue", "sqs:DeleteQueue", "sqs:GetQueueAttributes", "sqs:SetQueueAttributes", "sqs:GetQueueUrl",
			"sqs:ListQueueTags", "sqs:TagQueue", "sqs:UntagQueue",
		}, arn("sqs", prefix+"-*")),
		// String parameters are read at plan time and injected; SecureStrings
		// are read by the functions at run time, never by Terraform.
		iam.Allow("Parameters", []string{"ssm:GetParameter"}, arn("ssm", fmt.Sprintf("parameter/%s/%s/*", n.Project, n.Environment))),
		{Sid: "NotItself", Effect: "Deny", Actions: []string{
			"iam:DeleteRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
			"iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary",
			"iam:TagRole", "iam:UntagRole",
		}, Resources: []string{self}},
	}...)
}

// ScheduledLambdaPlanStatements are what `terraform plan -lock=false` of a
// scheduled-Lambda stack reads: its state object (and the checksum item the
// S3 backend compares it with; no lock item), the reads Terraform refreshes
// the functions, roles, log groups, schedules and dead-letter queue named
// for the project and environment with, and the String parameters the
// stack's data sources look up. Nothing it grants writes.
func ScheduledLambdaPlanStatements(n core.Names, p core.Platform, stateKey string) []iam.Statement {
	prefix := n.Prefix()
	arn := func(service, resource string) string {
		return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, p.Region, p.AccountID, resource)
	}
	return append(stack.ReadStateStatements(p, stateKey), []iam.Statement{
		iam.Allow("ReadFunctions", []string{
			"lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:GetFunctionCodeSigningConfig",
			"lambda:GetFunctionConcurrency", "lambda:GetFunctionRecursionConfig", "lambda:GetRuntimeManagementConfig",
			"lambda:ListVersionsByFunction", "lambda:ListTags",
		}, arn("lambda", "function:"+prefix+"-*")),
		iam.Allow("ReadRoles", []string{
			"iam:GetRole", "iam:ListRoleTags", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
		}, fmt.Sprintf("arn:aws:iam::%s:role/%s-*", p.AccountID, prefix)),
		iam.Allow("ReadLogGroups", []string{"logs:ListTagsForResource", "logs:ListTagsLogGroup"},
			arn("logs", "log-group:/aws/lambda/"+prefix+"-*")),
		iam.Allow("DescribeLogGroups", []string{"logs:DescribeLogGroups"}, "*"),
		iam.Allow("ReadSchedules", []string{"scheduler:GetSchedule"}, arn("scheduler", "schedule/default/"+prefix+"-*")),
		iam.Allow("ReadDeadLetterQueue", []string{"sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags"},
			arn("sqs", prefix+"-*")),
		// The data sources read String parameters; no kms:Decrypt, so a
		// SecureString stays unreadable.
		iam.Allow("ReadParameters", []string{"ssm:GetParameter"}, arn("ssm", fmt.Sprintf("parameter/%s/%s/*", n.Project, n.Environment))),
	}...)
}
