package githuboidc

import (
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	. "github.com/fractallabsdev/talkwise-infra/internal/synthtest"
)

func TestSubject(t *testing.T) {
	tests := []struct {
		s          Subject
		claim, err string
	}{
		{Subject{Repository: "FractalLabsDev/agent-factory", Environment: "production"}, "repo:FractalLabsDev/agent-factory:environment:production", ""},
		{Subject{Repository: "FractalLabsDev/agent-factory", Branch: "main"}, "repo:FractalLabsDev/agent-factory:ref:refs/heads/main", ""},
		{Subject{Repository: "FractalLabsDev/agent-factory"}, "", "GitHub: a role for FractalLabsDev/agent-factory must be pinned to one branch or one environment; set exactly one of Branch and Environment"},
		{Subject{Repository: "FractalLabsDev/agent-factory", Branch: "main", Environment: "dev"}, "", "set exactly one of Branch and Environment"},
		{Subject{Repository: "FractalLabsDev/talkwise-infra", PullRequest: true}, "repo:FractalLabsDev/talkwise-infra:pull_request", ""},
		{Subject{Repository: "FractalLabsDev/talkwise-infra", PullRequest: true, Environment: "dev"}, "", "GitHub: a role for FractalLabsDev/talkwise-infra's pull requests cannot also be pinned to a branch or environment"},
		{Subject{Repository: "FractalLabsDev/talkwise-infra", PullRequest: true, Branch: "main"}, "", "set PullRequest alone"},
		{Subject{Repository: "agent-factory", Branch: "main"}, "", `GitHub.Repository: "agent-factory" is not a GitHub repository`},
		{Subject{Repository: "FractalLabsDev/*", Branch: "main"}, "", `GitHub.Repository: "FractalLabsDev/*" is not a GitHub repository`},
		{Subject{Repository: "FractalLabsDev/agent-factory", Branch: "*"}, "", `GitHub.Branch: "*" is not allowed`},
	}
	for _, tt := range tests {
		err := tt.s.Validate("GitHub")
		if tt.err == "" {
			if err != nil || tt.s.Claim() != tt.claim {
				t.Errorf("%+v: claim %q, err %v; want %q", tt.s, tt.s.Claim(), err, tt.claim)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%+v: error = %v, want %q", tt.s, err, tt.err)
		}
	}
}

func TestDeployRole(t *testing.T) {
	st := Synth(t, core.Dev, func(s *stack.Stack) {
		role := NewDeployRole(s.Scope, "GitHubActions", &DeployRoleProps{Names: s.Names, Platform: s.Platform,
			Subject: Subject{Repository: "FractalLabsDev/agent-factory", Environment: "dev"}})
		s.GrantReadState(role)
	})
	if n := len(st.Resources("aws_iam_openid_connect_provider")); n != 0 {
		t.Fatalf("a project stack creates %d OIDC providers; the provider is account-wide", n)
	}
	provider := st.DataSources("aws_iam_openid_connect_provider")
	if len(provider) != 1 || provider[0].String("url") != "https://token.actions.githubusercontent.com" {
		t.Fatalf("OIDC provider lookup: %v", provider)
	}
	role := st.One(t, "aws_iam_role", Where("name", "test-dev-github-actions"))
	trust := role.JSON(t, "assume_role_policy").(map[string]any)["Statement"].([]any)
	Resource{Fields: map[string]any{"t": trust}}.Expect(t, map[string]any{"t": []any{map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"Federated": provider[0].Ref("arn")},
		"Action": []string{"sts:AssumeRoleWithWebIdentity"},
		"Condition": map[string]any{"StringEquals": map[string]any{
			"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
			"token.actions.githubusercontent.com:sub": "repo:FractalLabsDev/agent-factory:environment:dev",
		}},
	}}})
	policy := st.One(t, "aws_iam_role_policy", Where("role", role.Ref("name"))).JSON(t, "policy").(map[string]any)["Statement"]
	Resource{Fields: map[string]any{"p": policy}}.Expect(t, map[string]any{"p": []any{
		map[string]any{"Sid": "ListState", "Effect": "Allow", "Action": []string{"s3:ListBucket"},
			"Resource":  []string{"arn:aws:s3:::infra-platform-tfstate-427479925030"},
			"Condition": map[string]any{"StringEquals": map[string]any{"s3:prefix": "test/dev/terraform.tfstate"}}},
		map[string]any{"Sid": "ReadState", "Effect": "Allow", "Action": []string{"s3:GetObject"},
			"Resource": []string{"arn:aws:s3:::infra-platform-tfstate-427479925030/test/dev/terraform.tfstate"}},
	}})
}
