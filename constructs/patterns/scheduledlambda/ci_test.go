package scheduledlambda_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
	"github.com/fractallabsdev/talkwise-infra/constructs/patterns/scheduledlambda"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/policy"
)

// recorder is an iam.Grantable that keeps what is granted to it.
type recorder struct{ statements []iam.Statement }

func (r *recorder) AddToPolicy(s ...iam.Statement) { r.statements = append(r.statements, s...) }

// ciStatements are what GrantCI grants the apply and the plan role of the
// stack named n with its state at key. No synthesis: the grants only read
// the stack's names, platform and state key.
func ciStatements(n core.Names, key string) (apply, plan []iam.Statement) {
	var a, p recorder
	scheduledlambda.GrantCI(&stack.Stack{Names: n, Platform: core.Talkwise, StateKey: key}, &a, &p)
	return a.statements, p.statements
}

func TestStatementsAreScopedToTheStack(t *testing.T) {
	n := core.Names{Project: "nightly", Environment: core.Production}
	statements, _ := ciStatements(n, "nightly/production/terraform.tfstate")
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
		"ScheduleGroup":   "arn:aws:scheduler:us-east-2:427479925030:schedule-group/nightly-production",
		"Schedules":       "arn:aws:scheduler:us-east-2:427479925030:schedule/nightly-production/*",
		"DeadLetterQueue": "arn:aws:sqs:us-east-2:427479925030:nightly-production-*",
		"Alarms":          "arn:aws:cloudwatch:us-east-2:427479925030:alarm:nightly-production-*",
		"AlarmTopic":      "arn:aws:sns:us-east-2:427479925030:nightly-production-*",
		"Parameters":      "arn:aws:ssm:us-east-2:427479925030:parameter/nightly/production/*",
	}
	for sid, resource := range want {
		if got := bySid[sid]; len(got) != 1 || got[0] != resource {
			t.Errorf("%s: resources %v, want [%s]", sid, got, resource)
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
	_, statements := ciStatements(n, key)
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
		"ReadScheduleGroup":   {"arn:aws:scheduler:us-east-2:427479925030:schedule-group/nightly-production", "scheduler:GetScheduleGroup", "scheduler:ListTagsForResource"},
		"ReadSchedules":       {"arn:aws:scheduler:us-east-2:427479925030:schedule/nightly-production/*", "scheduler:GetSchedule"},
		"ReadAlarms":          {"arn:aws:cloudwatch:us-east-2:427479925030:alarm:nightly-production-*", "cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"},
		"ReadAlarmTopic":      {"arn:aws:sns:us-east-2:427479925030:nightly-production-*", "sns:GetSubscriptionAttributes", "sns:GetTopicAttributes", "sns:ListTagsForResource"},
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
	applyStatements, planStatements := ciStatements(n, key)
	apply := grants(applyStatements, false)
	applyReads := grants(applyStatements, true)
	plan := grants(planStatements, false)
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

// An adopted function's name is outside "<project>-<env>-*": the CI roles
// get exactly it and its log group, nothing broader.
func TestAdoptedFunctionsAreGrantedByExactName(t *testing.T) {
	n := core.Names{Project: "pi", Environment: core.Production}
	var a, p recorder
	scheduledlambda.GrantCI(&stack.Stack{Names: n, Platform: core.Talkwise, StateKey: "k"}, &a, &p, "old-fn")
	resources := func(statements []iam.Statement, sid string) []string {
		for _, st := range statements {
			if st.Sid == sid {
				return st.Resources
			}
		}
		return nil
	}
	fns := []string{"arn:aws:lambda:us-east-2:427479925030:function:pi-production-*", "arn:aws:lambda:us-east-2:427479925030:function:old-fn"}
	groups := []string{"arn:aws:logs:us-east-2:427479925030:log-group:/aws/lambda/pi-production-*",
		"arn:aws:logs:us-east-2:427479925030:log-group:/aws/lambda/old-fn", "arn:aws:logs:us-east-2:427479925030:log-group:/aws/lambda/old-fn:*"}
	for _, c := range []struct {
		statements []iam.Statement
		sid        string
		want       []string
	}{{a.statements, "Functions", fns}, {p.statements, "ReadFunctions", fns}, {a.statements, "LogGroups", groups}, {p.statements, "ReadLogGroups", groups}} {
		if diff := cmp.Diff(c.want, resources(c.statements, c.sid)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.sid, diff)
		}
	}
}
