package iam

import (
	"fmt"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// rolesARN matches every role a stack may create: "<project>-<env>-*".
func rolesARN(n core.Names, p core.Platform) string {
	return fmt.Sprintf("arn:aws:iam::%s:role/%s-*", p.AccountID, n.Prefix())
}

// GrantApplyRoles lets grantee create, change and delete the IAM roles of
// the stack named n and their inline policies, as `terraform apply` does,
// and pass them to the services in passTo only.
//
// Actions on "<project>-<env>-*" roles: iam:CreateRole, DeleteRole,
// GetRole, UpdateRole, UpdateRoleDescription, UpdateAssumeRolePolicy,
// TagRole, UntagRole, ListRoleTags, PutRolePolicy, GetRolePolicy,
// DeleteRolePolicy, ListRolePolicies, ListAttachedRolePolicies,
// ListInstanceProfilesForRole; iam:PassRole conditioned on
// iam:PassedToService.
func GrantApplyRoles(grantee Grantable, n core.Names, p core.Platform, passTo ...string) {
	grantee.AddToPolicy(
		Allow("Roles", []string{
			"iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:UpdateRole", "iam:UpdateRoleDescription",
			"iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:ListRoleTags",
			"iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy", "iam:ListRolePolicies",
			"iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole",
		}, rolesARN(n, p)),
		Statement{Sid: "PassRoles", Effect: "Allow", Actions: []string{"iam:PassRole"}, Resources: []string{rolesARN(n, p)},
			Condition: map[string]map[string]any{"StringEquals": {"iam:PassedToService": passTo}}},
	)
}

// GrantPlanRoles lets grantee read what refreshing the stack's roles reads
// (`terraform plan`): iam:GetRole, ListRoleTags, GetRolePolicy,
// ListRolePolicies, ListAttachedRolePolicies on "<project>-<env>-*" roles.
func GrantPlanRoles(grantee Grantable, n core.Names, p core.Platform) {
	grantee.AddToPolicy(Allow("ReadRoles", []string{
		"iam:GetRole", "iam:ListRoleTags", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
	}, rolesARN(n, p)))
}
