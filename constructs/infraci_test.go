package constructs_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/infraci"
	"github.com/fractallabsdev/talkwise-infra/constructs/patterns/scheduledlambda"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"
)

func githubTrust(subject string) map[string]any {
	return map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"Federated": "arn:aws:iam::427479925030:oidc-provider/token.actions.githubusercontent.com"},
			"Action":    []any{"sts:AssumeRoleWithWebIdentity"},
			"Condition": map[string]any{"StringEquals": map[string]any{
				"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
				"token.actions.githubusercontent.com:sub": subject,
			}},
		}},
	}
}

// The apply role trusts only the infrastructure repository's jobs in the
// GitHub environment named like the stack's, and may not change itself.
// synthtest.Synth runs the synth-time policy checks too (no wildcard
// actions, "*" only for unscopable actions, pinned OIDC subject).
func TestApplyRoleTrustsOnlyTheInfraRepositoryEnvironment(t *testing.T) {
	for _, env := range core.Environments {
		s := synthtest.Synth(t, env, func(s *stack.Stack) {
			apply := infraci.NewApplyRole(s.Scope, "GitHubActions", &infraci.RoleProps{})
			plan := infraci.NewPlanRole(s.Scope, "GitHubPlan", &infraci.RoleProps{})
			scheduledlambda.GrantCI(s, apply, plan)
		})
		role := s.One(t, "aws_iam_role", synthtest.Where("name", "test-"+string(env)+"-github-actions"))
		if diff := cmp.Diff(githubTrust("repo:FractalLabsDev/talkwise-infra:environment:"+string(env)), role.JSON(t, "assume_role_policy")); diff != "" {
			t.Errorf("trust policy (-want +got):\n%s", diff)
		}
		var deny map[string]any
		for _, st := range s.One(t, "aws_iam_role_policy", synthtest.Where("role", role.Ref("name"))).JSON(t, "policy").(map[string]any)["Statement"].([]any) {
			if st := st.(map[string]any); st["Sid"] == "NotItself" {
				deny = st
			}
		}
		synthtest.ExpectValue(t, "NotItself", deny, map[string]any{
			"Sid": "NotItself", "Effect": "Deny",
			"Action": []string{"iam:DeleteRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
				"iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary",
				"iam:TagRole", "iam:UntagRole"},
			"Resource": []string{"arn:aws:iam::427479925030:role/test-" + string(env) + "-github-actions"},
		})
	}
}

func TestApplyRoleRefusesAnUnpinnedRepository(t *testing.T) {
	err := synthtest.SynthError(t, core.Dev, func(s *stack.Stack) {
		infraci.NewApplyRole(s.Scope, "GitHubActions", &infraci.RoleProps{Repository: "talkwise-infra"})
	})
	if !strings.Contains(err.Error(), `InfraRepository.Repository: "talkwise-infra" is not a GitHub repository`) {
		t.Errorf("got %v", err)
	}
}

// The plan role is what pull requests run with: trusted by the repository's
// pull_request jobs only (no environment, so no branch rule can guard it).
func TestPlanRoleTrustsOnlyTheRepositorysPullRequests(t *testing.T) {
	for _, repo := range []string{"", "FractalLabsDev/other-infra"} {
		want := repo
		if want == "" {
			want = "FractalLabsDev/talkwise-infra"
		}
		s := synthtest.Synth(t, core.Production, func(s *stack.Stack) {
			infraci.NewPlanRole(s.Scope, "GitHubPlan", &infraci.RoleProps{Repository: repo})
		})
		role := s.One(t, "aws_iam_role")
		role.Expect(t, map[string]any{"name": "test-production-github-plan"})
		if diff := cmp.Diff(githubTrust("repo:"+want+":pull_request"), role.JSON(t, "assume_role_policy")); diff != "" {
			t.Errorf("%q: trust policy (-want +got):\n%s", repo, diff)
		}
		if n := len(s.Resources("aws_iam_role_policy")); n != 0 {
			t.Errorf("the plan role has %d policies before anything is granted to it", n)
		}
	}
}

func TestPlanRoleNameFits(t *testing.T) {
	long := strings.Repeat("p", 42) // <42>-production-github-plan is 65 characters
	_, err := synthtest.SynthProjects(t, []stack.Project{{
		Name: long, Environments: []core.Environment{core.Production},
		Prepare: func(s *stack.Stack) (func() error, error) {
			return func() error { infraci.NewPlanRole(s.Scope, "GitHubPlan", &infraci.RoleProps{}); return nil }, nil
		},
	}}, "")
	if err == nil || !strings.Contains(err.Error(), `"`+long+`-production-github-plan" is 65 characters`) {
		t.Errorf("got %v", err)
	}
}
