// Package githuboidc lets a GitHub Actions workflow deploy one service
// without stored AWS keys: a role trusted through the account's GitHub OIDC
// identity provider, only for tokens minted for one repository and one
// branch or GitHub environment.
//
// The identity provider for token.actions.githubusercontent.com can exist
// only once per AWS account, so project stacks never create it: they look it
// up with a data source (see docs/ecs-decisions.md for who creates it).
package githuboidc

import (
	"fmt"
	"regexp"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsiamopenidconnectprovider"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
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

// DeployRoleProps configure a DeployRole.
type DeployRoleProps struct {
	Names    core.Names
	Platform core.Platform
	Subject  Subject
}

// RoleName is "<project>-<env>-github-actions", the name the spec's
// workflow assumes.
func RoleName(n core.Names) string { return n.Resource("github-actions") }

func (p *DeployRoleProps) validate() error {
	var errs []error
	errs = append(errs, p.Subject.Validate("GitHub"))
	errs = append(errs, core.CheckLength("GitHub role", "IAM role", RoleName(p.Names), core.MaxIAMRoleName))
	return core.Join(errs...)
}

// DeployRole is the role a GitHub Actions deploy job assumes. It starts with
// no permissions; what it deploys grants the rest (stack.GrantReadState,
// repo.GrantPush, service.GrantDeploy, ...).
type DeployRole struct {
	*iam.Role
	Provider dataawsiamopenidconnectprovider.DataAwsIamOpenidConnectProvider
}

// NewDeployRole looks up the account's GitHub OIDC provider and creates the role.
func NewDeployRole(scope constructs.Construct, id string, props *DeployRoleProps) *DeployRole {
	if err := props.validate(); err != nil {
		panic(err)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	provider := dataawsiamopenidconnectprovider.NewDataAwsIamOpenidConnectProvider(c, jsii.String("Provider"), &dataawsiamopenidconnectprovider.DataAwsIamOpenidConnectProviderConfig{
		Url: jsii.String(ProviderURL),
	})
	role := iam.NewRole(c, "Role", &iam.RoleProps{
		Name:        RoleName(props.Names),
		Description: "GitHub Actions deploys of " + props.Names.Prefix() + " from " + props.Subject.Claim(),
		Trust:       []iam.Statement{Trust(*provider.Arn(), props.Subject)},
	})
	return &DeployRole{Role: role, Provider: provider}
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
