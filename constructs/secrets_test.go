package constructs_test

import (
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
	"github.com/fractallabsdev/talkwise-infra/constructs/secrets"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	. "github.com/fractallabsdev/talkwise-infra/internal/synthtest"
)

func TestSecretsHaveNoValue(t *testing.T) {
	for _, env := range core.Environments {
		st := Synth(t, env, func(s *stack.Stack) {
			role := iam.NewRole(s.Scope, "Reader", &iam.RoleProps{Name: s.Names.Resource("reader"), Trust: []iam.Statement{iam.ServicePrincipal("ecs-tasks.amazonaws.com", "")}})
			for _, key := range []string{"anthropic-api-key", "github-access-token"} {
				secrets.NewSecret(s.Scope, key, &secrets.SecretProps{Key: key}).GrantRead(role, "Read")
			}
		})
		window := map[core.Environment]int{core.Dev: 7, core.Production: 30}[env]
		var arns []any
		for _, key := range []string{"anthropic-api-key", "github-access-token"} {
			sec := st.One(t, "aws_secretsmanager_secret", Where("name", "test/"+string(env)+"/"+key))
			sec.Expect(t, map[string]any{"recovery_window_in_days": window})
			arns = append(arns, sec.Ref("arn"))
		}
		for _, typ := range []string{"aws_secretsmanager_secret_version", "aws_secretsmanager_secret_rotation"} {
			if n := len(st.Resources(typ)); n != 0 {
				t.Errorf("%s: %d %s; values are set out of band", env, n, typ)
			}
		}
		policy := st.One(t, "aws_iam_role_policy").JSON(t, "policy").(map[string]any)["Statement"].([]any)
		if len(policy) != 2 {
			t.Fatalf("statements %v", policy)
		}
		for i, s := range policy {
			Resource{Type: "statement", Fields: s.(map[string]any)}.Expect(t, map[string]any{
				"Sid":    []string{"ReadAnthropicApiKey", "ReadGithubAccessToken"}[i],
				"Action": []string{"secretsmanager:GetSecretValue"}, "Resource": []any{arns[i]},
			})
		}
	}
}
