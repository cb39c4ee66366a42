// Package githuboidc lets GitHub Actions workflows work in AWS without
// stored keys: the account's OIDC identity provider for GitHub's tokens, and
// roles trusted through it only for tokens minted for one repository and one
// branch, GitHub environment, or its pull requests.
//
// The identity provider for token.actions.githubusercontent.com can exist
// only once per AWS account: the platform stack creates it (NewProvider) and
// every other stack refers to it by its ARN (ProviderARN).
package githuboidc

import (
	"fmt"
	"regexp"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
)

// The GitHub Actions token issuer and the audience
// aws-actions/configure-aws-credentials requests.
const (
	ProviderURL = "https://token.actions.githubusercontent.com"
	TokenHost   = "token.actions.githubusercontent.com"
	Audience    = "sts.amazonaws.com"
)

var (
	repoPattern    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$`)
	refNamePattern = regexp.MustCompile(`^[A-Za-z0-9._/-]+$`)
)

// Subject is who may assume the role: one repository, narrowed to one
// branch, one GitHub environment, or its pull requests (exactly one).
type Subject struct {
	// Repository is "owner/name".
	Repository string
	// Branch pins the role to pushes on refs/heads/<Branch>.
	Branch string
	// Environment pins the role to jobs running in this GitHub environment,
	// whose protection rules (reviewers, branch limits) then guard deploys.
	Environment string
	// PullRequest pins the role to jobs of pull_request events that run in
	// no GitHub environment: code anyone who can open a pull request
	// controls, so only for read-only roles (constructs/infraci's plan role).
	PullRequest bool
}

// Claim is the token's "sub" claim the role requires.
func (s Subject) Claim() string {
	if s.Environment != "" {
		return fmt.Sprintf("repo:%s:environment:%s", s.Repository, s.Environment)
	}
	if s.PullRequest {
		// GitHub's documented subject for pull_request jobs without an environment.
		return fmt.Sprintf("repo:%s:pull_request", s.Repository)
	}
	return fmt.Sprintf("repo:%s:ref:refs/heads/%s", s.Repository, s.Branch)
}

// Validate checks the subject, naming the setting.
func (s Subject) Validate(field string) error {
	if !repoPattern.MatchString(s.Repository) {
		return core.Errorf(field+".Repository", `write it as "owner/name", e.g. FractalLabsDev/agent-factory`, "%q is not a GitHub repository", s.Repository)
	}
	if s.PullRequest && (s.Branch != "" || s.Environment != "") {
		return core.Errorf(field, "set PullRequest alone", "a role for %s's pull requests cannot also be pinned to a branch or environment: a token's subject names only one", s.Repository)
	}
	if !s.PullRequest && (s.Branch == "") == (s.Environment == "") {
		return core.Errorf(field, "set exactly one of Branch and Environment", "a role for %s must be pinned to one branch or one environment", s.Repository)
	}
	for name, v := range map[string]string{"Branch": s.Branch, "Environment": s.Environment} {
		if v != "" && !refNamePattern.MatchString(v) {
			return core.Errorf(field+"."+name, "use letters, digits, '.', '_', '-' and '/' only (no wildcards)", "%q is not allowed", v)
		}
	}
	return nil
}

// RoleName is "<project>-<env>-github-actions", the name the spec's
// workflow assumes.
func RoleName(n core.Names) string { return n.Resource("github-actions") }

// PlanRoleName is "<project>-<env>-github-plan", the read-only role pull
// requests plan with.
func PlanRoleName(n core.Names) string { return n.Resource("github-plan") }

// RoleProps configure a Role.
type RoleProps struct {
	// Name is the role's name, e.g. RoleName(n). Required.
	Name string
	// Subject is who may assume it. Required.
	Subject Subject
	// SubjectField names Subject's setting in error messages. Defaults to
	// "GitHub".
	SubjectField string
	// Description defaults to naming the stack and the subject.
	Description string
}

// Role is a role a GitHub Actions job assumes with its OIDC token. It starts
// with no permissions; what the job works on grants the rest
// (stack.GrantReadState, repo.GrantPush, service.GrantDeploy, ...).
type Role struct {
	*iam.Role
}

// NewRole creates the role, trusted through the account's GitHub OIDC
// provider (ProviderARN: the platform stack creates it, every other stack
// refers to it by ARN, as looking it up would need iam:ListOpenIDConnectProviders,
// which no policy can scope) for exactly props.Subject.
func NewRole(scope constructs.Construct, id string, props *RoleProps) *Role {
	st := stack.Of(scope)
	field := props.SubjectField
	if field == "" {
		field = "GitHub"
	}
	if err := core.Join(props.Subject.Validate(field),
		core.CheckLength("project name", "IAM role", props.Name, core.MaxIAMRoleName)); err != nil {
		panic(err)
	}
	description := props.Description
	if description == "" {
		description = "GitHub Actions of " + st.Names.Prefix() + " from " + props.Subject.Claim()
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	role := iam.NewRole(c, "Role", &iam.RoleProps{
		Name:        props.Name,
		Description: description,
		Trust:       []iam.Statement{Trust(ProviderARN(st.Platform.AccountID), props.Subject)},
	})
	return &Role{Role: role}
}

// Trust is the assume-role statement for GitHub's tokens: only the AWS
// audience and exactly this subject (StringEquals, no wildcards).
func Trust(providerArn string, s Subject) iam.Statement {
	return iam.Statement{
		Effect:    "Allow",
		Principal: map[string]any{"Federated": providerArn},
		Actions:   []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: map[string]map[string]any{"StringEquals": {
			TokenHost + ":aud": Audience,
			TokenHost + ":sub": s.Claim(),
		}},
	}
}
