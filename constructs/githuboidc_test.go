package constructs_test

import (
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/githuboidc"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	. "github.com/fractallabsdev/talkwise-infra/internal/synthtest"
)

// A GitHub role trusts the account's OIDC provider by ARN (the platform
// stack creates it; no project stack looks it up or creates one) for
// exactly one subject, and has no rights until something grants them.
func TestGitHubRole(t *testing.T) {
	st := Synth(t, core.Dev, func(s *stack.Stack) {
		role := githuboidc.NewRole(s.Scope, "GitHubActions", &githuboidc.RoleProps{
			Name: githuboidc.RoleName(s.Names), Subject: githuboidc.Subject{Repository: "FractalLabsDev/agent-factory", Environment: "dev"}})
		s.GrantReadState(role)
	})
	if n := len(st.Resources("aws_iam_openid_connect_provider")) + len(st.DataSources("aws_iam_openid_connect_provider")); n != 0 {
		t.Fatalf("a project stack creates or looks up %d OIDC providers; it refers to the platform's by ARN", n)
	}
	role := st.One(t, "aws_iam_role", Where("name", "test-dev-github-actions"))
	role.Expect(t, map[string]any{"description": "GitHub Actions of test-dev from repo:FractalLabsDev/agent-factory:environment:dev"})
	trust := role.JSON(t, "assume_role_policy").(map[string]any)["Statement"].([]any)
	Resource{Fields: map[string]any{"t": trust}}.Expect(t, map[string]any{"t": []any{map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"Federated": "arn:aws:iam::427479925030:oidc-provider/token.actions.githubusercontent.com"},
		"Action": []string{"sts:AssumeRoleWithWebIdentity"},
		"Condition": map[string]any{"StringEquals": map[string]any{
			"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
			"token.actions.githubusercontent.com:sub": "repo:FractalLabsDev/agent-factory:environment:dev",
		}},
	}}})
	// stack.GrantReadState: the state object and its prefix, nothing else.
	policy := st.One(t, "aws_iam_role_policy", Where("role", role.Ref("name"))).JSON(t, "policy").(map[string]any)["Statement"]
	Resource{Fields: map[string]any{"p": policy}}.Expect(t, map[string]any{"p": []any{
		map[string]any{"Sid": "ListState", "Effect": "Allow", "Action": []string{"s3:ListBucket"},
			"Resource":  []string{"arn:aws:s3:::infra-platform-tfstate-427479925030"},
			"Condition": map[string]any{"StringEquals": map[string]any{"s3:prefix": "test/dev/terraform.tfstate"}}},
		map[string]any{"Sid": "ReadState", "Effect": "Allow", "Action": []string{"s3:GetObject"},
			"Resource": []string{"arn:aws:s3:::infra-platform-tfstate-427479925030/test/dev/terraform.tfstate"}},
	}})
}

func TestGitHubRoleRefusesBadSettings(t *testing.T) {
	for _, c := range []struct {
		props githuboidc.RoleProps
		want  string
	}{
		{githuboidc.RoleProps{Name: "test-dev-x", Subject: githuboidc.Subject{Repository: "agent-factory", Branch: "main"}},
			`GitHub.Repository: "agent-factory" is not a GitHub repository`},
		{githuboidc.RoleProps{Name: strings.Repeat("r", 65), Subject: githuboidc.Subject{Repository: "o/r", Branch: "main"}},
			"is 65 characters; AWS allows at most 64"},
	} {
		err := SynthError(t, core.Dev, func(s *stack.Stack) { githuboidc.NewRole(s.Scope, "Role", &c.props) })
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("error = %v, want %q", err, c.want)
		}
	}
}
