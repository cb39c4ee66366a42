package infraci_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/infraci"
	"github.com/fractallabsdev/talkwise-infra/constructs/policy"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/constructs/synthtest"
)

func TestRoleTrustsOnlyTheInfraRepositoryEnvironment(t *testing.T) {
	for _, env := range core.Environments {
		s := synthtest.Synth(t, env, func(s *stack.Stack) {
			infraci.NewRole(s.Scope, "GitHubActions", &infraci.RoleProps{Names: s.Names, Platform: s.Platform, StateKey: s.StateKey})
		})
		role := s.One(t, "aws_iam_role")
		role.Expect(t, map[string]any{"name": "test-" + string(env) + "-github-actions"})
		trust := map[string]any{
			"Version": "2012-10-17",
			"Statement": []any{map[string]any{
				"Effect":    "Allow",
				"Principal": map[string]any{"Federated": "arn:aws:iam::427479925030:oidc-provider/token.actions.githubusercontent.com"},
				"Action":    []any{"sts:AssumeRoleWithWebIdentity"},
				"Condition": map[string]any{"StringEquals": map[string]any{
					"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
					"token.actions.githubusercontent.com:sub": "repo:FractalLabsDev/talkwise-infra:environment:" + string(env),
				}},
			}},
		}
		if diff := cmp.Diff(trust, role.JSON(t, "assume_role_policy")); diff != "" {
			t.Errorf("trust policy (-want +got):\n%s", diff)
		}

		// The synth-time policy checks (no wildcard actions, "*" only for
		// unscopable actions, pinned OIDC subject) pass.
		if err := policy.Check([]*policy.Stack{{Name: s.Name, Doc: s.Doc}}); err != nil {
			t.Errorf("policy checks: %v", err)
		}
	}
}

func TestStatementsAreScopedToTheStack(t *testing.T) {
	n := core.Names{Project: "nightly", Environment: core.Production}
	statements := infraci.ScheduledLambdaStatements(n, core.Talkwise, "nightly/production/terraform.tfstate")
	bySid := map[string][]string{}
	for _, st := range statements {
		bySid[st.Sid] = st.Resources
		if st.Effect == "Deny" {
			continue
		}
		for _, r := range st.Resources {
			if r == "*" && !(len(st.Actions) == 1 && st.Actions[0] == "logs:DescribeLogGroups") {
				t.Errorf("%s grants %v on *", st.Sid, st.Actions)
			}
		}
	}
	want := map[string]string{
		"State":           "arn:aws:s3:::infra-platform-tfstate-427479925030/nightly/production/terraform.tfstate",
		"Lock":            "arn:aws:dynamodb:us-east-2:427479925030:table/infra-platform-tfstate-lock",
		"Functions":       "arn:aws:lambda:us-east-2:427479925030:function:nightly-production-*",
		"Roles":           "arn:aws:iam::427479925030:role/nightly-production-*",
		"PassRoles":       "arn:aws:iam::427479925030:role/nightly-production-*",
		"LogGroups":       "arn:aws:logs:us-east-2:427479925030:log-group:/aws/lambda/nightly-production-*",
		"Schedules":       "arn:aws:scheduler:us-east-2:427479925030:schedule/default/nightly-production-*",
		"DeadLetterQueue": "arn:aws:sqs:us-east-2:427479925030:nightly-production-*",
		"Parameters":      "arn:aws:ssm:us-east-2:427479925030:parameter/nightly/production/*",
		"NotItself":       "arn:aws:iam::427479925030:role/nightly-production-github-actions",
	}
	for sid, resource := range want {
		if got := bySid[sid]; len(got) != 1 || got[0] != resource {
			t.Errorf("%s: resources %v, want [%s]", sid, got, resource)
		}
	}
	for _, st := range statements {
		if st.Sid == "Lock" {
			keys := st.Condition["ForAllValues:StringEquals"]["dynamodb:LeadingKeys"].([]string)
			if strings.Join(keys, ",") != "infra-platform-tfstate-427479925030/nightly/production/terraform.tfstate,infra-platform-tfstate-427479925030/nightly/production/terraform.tfstate-md5" {
				t.Errorf("lock keys %v", keys)
			}
		}
	}
}

func TestRoleRefusesAnUnpinnedRepository(t *testing.T) {
	err := synthtest.SynthError(t, core.Dev, func(s *stack.Stack) {
		infraci.NewRole(s.Scope, "GitHubActions", &infraci.RoleProps{Names: s.Names, Platform: s.Platform, StateKey: s.StateKey, Repository: "talkwise-infra"})
	})
	if !strings.Contains(err.Error(), `InfraRepository.Repository: "talkwise-infra" is not a GitHub repository`) {
		t.Errorf("got %v", err)
	}
}
