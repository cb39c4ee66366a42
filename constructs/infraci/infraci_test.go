package infraci_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
	"github.com/fractallabsdev/talkwise-infra/constructs/infraci"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/policy"
	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"
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
		"ReadState":       "arn:aws:s3:::infra-platform-tfstate-427479925030/nightly/production/terraform.tfstate",
		"WriteState":      "arn:aws:s3:::infra-platform-tfstate-427479925030/nightly/production/terraform.tfstate",
		"LockState":       "arn:aws:s3:::infra-platform-tfstate-427479925030/nightly/production/terraform.tfstate.tflock",
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
}

func TestRoleRefusesAnUnpinnedRepository(t *testing.T) {
	err := synthtest.SynthError(t, core.Dev, func(s *stack.Stack) {
		infraci.NewRole(s.Scope, "GitHubActions", &infraci.RoleProps{Names: s.Names, Platform: s.Platform, StateKey: s.StateKey, Repository: "talkwise-infra"})
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
			infraci.NewPlanRole(s.Scope, "GitHubPlan", &infraci.RoleProps{Names: s.Names, Platform: s.Platform, StateKey: s.StateKey, Repository: repo})
		})
		role := s.One(t, "aws_iam_role")
		role.Expect(t, map[string]any{"name": "test-production-github-plan"})
		trust := map[string]any{
			"Version": "2012-10-17",
			"Statement": []any{map[string]any{
				"Effect":    "Allow",
				"Principal": map[string]any{"Federated": "arn:aws:iam::427479925030:oidc-provider/token.actions.githubusercontent.com"},
				"Action":    []any{"sts:AssumeRoleWithWebIdentity"},
				"Condition": map[string]any{"StringEquals": map[string]any{
					"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
					"token.actions.githubusercontent.com:sub": "repo:" + want + ":pull_request",
				}},
			}},
		}
		if diff := cmp.Diff(trust, role.JSON(t, "assume_role_policy")); diff != "" {
			t.Errorf("%q: trust policy (-want +got):\n%s", repo, diff)
		}
		if s.One(t, "aws_iam_role_policy").String("role") != role.Ref("name") {
			t.Errorf("the policy is not the plan role's")
		}
	}
}

// readOnly reports whether an action only reads, by AWS's naming of the
// actions: Get*, List* and Describe* never change a resource.
func readOnly(action string) bool {
	_, verb, _ := strings.Cut(action, ":")
	for _, p := range []string{"Get", "List", "Describe"} {
		if strings.HasPrefix(verb, p) {
			return true
		}
	}
	return false
}

func TestPlanRoleOnlyReadsTheStack(t *testing.T) {
	n := core.Names{Project: "nightly", Environment: core.Production}
	key := "nightly/production/terraform.tfstate"
	statements := infraci.ScheduledLambdaPlanStatements(n, core.Talkwise, key)
	got := map[string][]string{}
	for _, st := range statements {
		if st.Effect != "Allow" {
			t.Errorf("%s: effect %s", st.Sid, st.Effect)
		}
		for _, a := range st.Actions {
			if !readOnly(a) {
				t.Errorf("%s grants %s, which writes", st.Sid, a)
			}
			if strings.HasPrefix(a, "kms:") || a == "ssm:GetParameters" || a == "ssm:GetParametersByPath" {
				t.Errorf("%s grants %s: SecureStrings and other paths stay unreadable", st.Sid, a)
			}
		}
		if len(st.Resources) != 1 {
			t.Fatalf("%s: resources %v, want one", st.Sid, st.Resources)
		}
		if st.Resources[0] == "*" {
			for _, a := range st.Actions {
				if !slices.Contains(policy.UnscopedActions, a) {
					t.Errorf("%s grants %s on *, which AWS lets a policy scope", st.Sid, a)
				}
			}
		}
		got[st.Sid] = append(st.Resources, st.Actions...)
	}
	want := map[string][]string{
		"ReadState":           {"arn:aws:s3:::infra-platform-tfstate-427479925030/nightly/production/terraform.tfstate", "s3:GetObject"},
		"ListState":           {"arn:aws:s3:::infra-platform-tfstate-427479925030", "s3:ListBucket"},
		"ReadFunctions":       {"arn:aws:lambda:us-east-2:427479925030:function:nightly-production-*", "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:GetFunctionCodeSigningConfig", "lambda:GetFunctionConcurrency", "lambda:GetFunctionRecursionConfig", "lambda:GetRuntimeManagementConfig", "lambda:ListVersionsByFunction", "lambda:ListTags"},
		"ReadRoles":           {"arn:aws:iam::427479925030:role/nightly-production-*", "iam:GetRole", "iam:ListRoleTags", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"},
		"ReadLogGroups":       {"arn:aws:logs:us-east-2:427479925030:log-group:/aws/lambda/nightly-production-*", "logs:ListTagsForResource", "logs:ListTagsLogGroup"},
		"DescribeLogGroups":   {"*", "logs:DescribeLogGroups"},
		"ReadSchedules":       {"arn:aws:scheduler:us-east-2:427479925030:schedule/default/nightly-production-*", "scheduler:GetSchedule"},
		"ReadDeadLetterQueue": {"arn:aws:sqs:us-east-2:427479925030:nightly-production-*", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags"},
		"ReadParameters":      {"arn:aws:ssm:us-east-2:427479925030:parameter/nightly/production/*", "ssm:GetParameter"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("plan statements (-want +got):\n%s", diff)
	}
	conditions := map[string]map[string]map[string]any{}
	for _, st := range statements {
		if st.Condition != nil {
			conditions[st.Sid] = st.Condition
		}
	}
	wantConditions := map[string]map[string]map[string]any{
		"ListState": {"StringEquals": {"s3:prefix": key}},
	}
	if diff := cmp.Diff(wantConditions, conditions); diff != "" {
		t.Errorf("conditions (-want +got):\n%s", diff)
	}
}

// What the apply role reads to refresh the stack, the plan role reads too
// (else a plan fails where an apply succeeds), and the plan role may do
// nothing the apply role may not, on the same resources: the lock item
// aside, which plans do not take.
func TestPlanRoleReadsWhatTheApplyRoleReads(t *testing.T) {
	n := core.Names{Project: "nightly", Environment: core.Dev}
	key := "nightly/dev/terraform.tfstate"
	type grant struct{ action, resource string }
	// Reads the AWS provider makes only on the way to a write.
	writePath := map[string]bool{"iam:ListInstanceProfilesForRole": true} // before deleting a role
	grants := func(statements []iam.Statement, reads bool) map[grant]bool {
		out := map[grant]bool{}
		for _, st := range statements {
			if st.Effect != "Allow" || st.Sid == "LockState" {
				continue
			}
			for _, a := range st.Actions {
				for _, r := range st.Resources {
					if !reads || readOnly(a) && !writePath[a] {
						out[grant{a, r}] = true
					}
				}
			}
		}
		return out
	}
	apply := grants(infraci.ScheduledLambdaStatements(n, core.Talkwise, key), false)
	applyReads := grants(infraci.ScheduledLambdaStatements(n, core.Talkwise, key), true)
	plan := grants(infraci.ScheduledLambdaPlanStatements(n, core.Talkwise, key), false)
	for g := range applyReads {
		if !plan[g] {
			t.Errorf("the apply role reads %s on %s, the plan role does not", g.action, g.resource)
		}
	}
	for g := range plan {
		if !apply[g] {
			t.Errorf("the plan role may %s on %s, the apply role may not", g.action, g.resource)
		}
	}
}

func TestPlanRoleSynthesizesAndPassesThePolicyChecks(t *testing.T) {
	for _, env := range core.Environments {
		// synthtest.Synth runs the synth-time policy checks (no wildcard
		// actions, "*" only for unscopable actions, pinned OIDC subject).
		var want []iam.Statement
		s := synthtest.Synth(t, env, func(s *stack.Stack) {
			infraci.NewPlanRole(s.Scope, "GitHubPlan", &infraci.RoleProps{Names: s.Names, Platform: s.Platform, StateKey: s.StateKey})
			want = infraci.ScheduledLambdaPlanStatements(s.Names, s.Platform, s.StateKey)
		})
		var doc struct{ Statement []iam.Statement }
		if err := json.Unmarshal([]byte(s.One(t, "aws_iam_role_policy").String("policy")), &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Statement) != len(want) || len(want) == 0 {
			t.Errorf("%s: the role's policy has %d statements, want every plan statement", env, len(doc.Statement))
		}
	}
}

func TestPlanRoleNameFits(t *testing.T) {
	long := strings.Repeat("p", 42) // <42>-production-github-plan is 65 characters
	err := synthtest.SynthError(t, core.Production, func(s *stack.Stack) {
		infraci.NewPlanRole(s.Scope, "GitHubPlan", &infraci.RoleProps{
			Names: core.Names{Project: long, Environment: core.Production}, Platform: s.Platform, StateKey: s.StateKey})
	})
	if !strings.Contains(err.Error(), `"`+long+`-production-github-plan" is 65 characters`) {
		t.Errorf("got %v", err)
	}
}
