package githuboidc

import (
	"strings"
	"testing"
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
