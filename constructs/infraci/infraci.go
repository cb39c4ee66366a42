// Package infraci gives the infrastructure workflow
// (.github/workflows/infrastructure.yml) two roles per stack it deploys, so
// that code from a pull request never holds write credentials:
//
//   - {project}-{env}-github-actions applies the stack (the name the spec's
//     workflow snippet uses). It trusts only jobs of the infrastructure
//     repository running in the GitHub environment of the stack's name (dev,
//     production). The environments must allow deployments from main only
//     (production also requires reviewers): that is what keeps a pull
//     request's edited workflow from assuming it.
//   - {project}-{env}-github-plan plans the stack on pull requests. It trusts
//     the repository's pull_request jobs, which run in no environment, and
//     must only be granted reads.
//
// The roles start with no rights but the apply role's Deny on changing
// itself; the pattern that builds the stack grants each what Terraform needs
// for the resources it has (stack.GrantWriteState, lambda.GrantApply,
// lambda.GrantPlan, ...). A stack cannot create the role it needs to be
// applied with, so the first apply of a new project is made by hand (`make
// deploy e=dev`); CI applies it from then on. The apply role may not change
// its own policies or trust: such a change, too, is applied by hand.
package infraci

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/fractallabsdev/talkwise-infra/constructs/githuboidc"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
)

// DefaultRepository is this repository on GitHub, whose workflow assumes the roles.
const DefaultRepository = "FractalLabsDev/talkwise-infra"

// RoleProps configure the roles.
type RoleProps struct {
	// Repository is the GitHub repository ("owner/name") whose workflow may
	// assume the role. Defaults to DefaultRepository.
	Repository string
}

func (p *RoleProps) repository() string {
	if p.Repository == "" {
		return DefaultRepository
	}
	return p.Repository
}

// NewApplyRole creates {project}-{env}-github-actions, trusted by the
// repository's jobs in the GitHub environment named like the stack's, and
// denied changing its own trust and policies.
func NewApplyRole(scope constructs.Construct, id string, props *RoleProps) *githuboidc.Role {
	st := stack.Of(scope)
	subject := githuboidc.Subject{Repository: props.repository(), Environment: string(st.Env())}
	role := githuboidc.NewRole(scope, id, &githuboidc.RoleProps{
		Name:         githuboidc.RoleName(st.Names),
		Subject:      subject,
		SubjectField: "InfraRepository",
		Description:  "Infrastructure CI (plan and apply) of " + st.Names.Prefix() + " from " + subject.Claim(),
	})
	role.AddToPolicy(iam.Statement{Sid: "NotItself", Effect: "Deny", Actions: []string{
		"iam:DeleteRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
		"iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary",
		"iam:TagRole", "iam:UntagRole",
	}, Resources: []string{fmt.Sprintf("arn:aws:iam::%s:role/%s", st.Platform.AccountID, githuboidc.RoleName(st.Names))}})
	return role
}

// NewPlanRole creates {project}-{env}-github-plan, trusted by the
// repository's pull_request jobs (which must run in no GitHub environment).
func NewPlanRole(scope constructs.Construct, id string, props *RoleProps) *githuboidc.Role {
	st := stack.Of(scope)
	subject := githuboidc.Subject{Repository: props.repository(), PullRequest: true}
	return githuboidc.NewRole(scope, id, &githuboidc.RoleProps{
		Name:         githuboidc.PlanRoleName(st.Names),
		Subject:      subject,
		SubjectField: "InfraRepository",
		Description:  "Infrastructure CI plans (read only) of " + st.Names.Prefix() + " from " + subject.Claim(),
	})
}
