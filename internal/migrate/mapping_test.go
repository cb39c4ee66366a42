package migrate

import (
	"fmt"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

var rukDev = core.Names{Project: "ruk-scheduler", Environment: core.Dev}

func TestParseMappingErrors(t *testing.T) {
	const file = "projects/ruk-scheduler/migrations/dev.yaml"
	for _, tc := range []struct {
		name, body, want string
	}{
		{"wrong stack", "stack: ruk-scheduler-production\n", file + ":1: stack: is \"ruk-scheduler-production\" but this file belongs to stack ruk-scheduler-dev"},
		{"unknown key", "stack: ruk-scheduler-dev\nmovez: []\n", file + ":2: "},
		{"bad from", "stack: ruk-scheduler-dev\nmoves:\n  - from: module.lambda.\n    to: aws_iam_role.R\n",
			file + ":3: moves[0].from: \"module.lambda.\" is not a resource instance address"},
		{"module in to", "stack: ruk-scheduler-dev\nmoves:\n  - from: aws_iam_role.a\n    to: module.x.aws_iam_role.R\n",
			file + ":4: moves[0].to: \"module.x.aws_iam_role.R\" is not a resource address of the stack"},
		{"moved twice", "stack: ruk-scheduler-dev\nmoves:\n  - from: aws_iam_role.a\n    to: aws_iam_role.R\n  - from: aws_iam_role.a\n    to: aws_iam_role.S\n",
			file + ":5: moves[1].from: aws_iam_role.a is already moved by moves[0]"},
		{"two moves to one", "stack: ruk-scheduler-dev\nmoves:\n  - from: aws_iam_role.a\n    to: aws_iam_role.R\n  - from: aws_iam_role.b\n    to: aws_iam_role.R\n",
			file + ":6: moves[1].to: aws_iam_role.R is already the target of moves[0]"},
		{"moved and imported", "stack: ruk-scheduler-dev\nmoves:\n  - from: aws_iam_role.a\n    to: aws_iam_role.R\nimports:\n  - to: aws_iam_role.R\n    id: r\n",
			"imports[0].to: aws_iam_role.R is already the target of moves[0]; a resource is either moved from the old state or imported, not both"},
		{"import without id", "stack: ruk-scheduler-dev\nimports:\n  - to: aws_iam_role.R\n",
			file + ":3: imports[0].id: the import ID is empty"},
		{"accept bad address", "stack: ruk-scheduler-dev\naccept:\n  create:\n    - address: module.x.aws_sqs_queue.q\n",
			"accept.create[0].address: \"module.x.aws_sqs_queue.q\" is not a resource address of the stack"},
		{"replace without reason", "stack: ruk-scheduler-dev\naccept:\n  replace:\n    - address: aws_ecs_task_definition.T\n",
			file + ":4: accept.replace[0].reason: a replacement is accepted without a reason; say why destroying and recreating aws_ecs_task_definition.T is acceptable"},
		// A pull request may change a mapping: its aliases are counted
		// before the decoder expands them (10^9 values under a known key).
		{"alias expansion", "stack: ruk-scheduler-dev\nforget:\n" + nestedAliases(9),
			fmt.Sprintf(file+":7: expands to more than %d values once its aliases", core.MaxYAMLNodes)},
		{"replace of an old address", "stack: ruk-scheduler-dev\naccept:\n  replace:\n    - address: module.ecs.aws_ecs_task_definition.this\n      reason: new revision\n",
			"accept.replace[0].address: \"module.ecs.aws_ecs_task_definition.this\" is not a resource address of the stack"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(file, rukDev, []byte(tc.body))
			if err == nil {
				t.Fatal("parsed; want an error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, tc.want)
			}
		})
	}
}

// nestedAliases is "billion laughs" as the items of a list: levels nested
// anchors of ten aliases each, 10^levels values once expanded.
func nestedAliases(levels int) string {
	var b strings.Builder
	b.WriteString("  - &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < levels; i++ {
		fmt.Fprintf(&b, "  - &a%d [%s]\n", i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 10), ", "))
	}
	return b.String()
}

func TestRenderedMappingParsesBack(t *testing.T) {
	rep := &Report{
		State: &State{Format: "state-v4", Resources: make([]OldResource, 3)},
		New:   make([]NewResource, 3),
		Result: &Result{Moves: []Move{
			{From: `module.lambda["it's"].aws_lambda_function.this`, To: "aws_lambda_function.Fn_1", On: `function_name = "x: y # z"`},
		}},
		Imports:         []ImportEntry{{To: "aws_vpc_security_group_ingress_rule.Http_2", ID: "sgr-0123456789abcdef0"}},
		Forgotten:       []AcceptEntry{{Address: `module.ssm.aws_ssm_parameter.this["url"]`, Reason: "value set out of band"}},
		AcceptedDestroy: []AcceptEntry{{Address: "module.iam.aws_iam_role_policy_attachment.basic", Reason: "replaced by the inline policy"}},
		AcceptedCreate:  []AcceptEntry{{Address: "aws_sqs_queue.Dlq_3"}},
		AcceptedReplace: []AcceptEntry{{Address: "aws_ecs_task_definition.T_4", Reason: "immutable: a new revision"}},
	}
	text := Render(rukDev, rep)
	m, err := Parse("dev.yaml", rukDev, []byte(text))
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	if m.Moves[0].From != rep.Result.Moves[0].From || m.Moves[0].MatchedOn != rep.Result.Moves[0].On ||
		m.Imports[0] != rep.Imports[0] || m.Forget[0] != rep.Forgotten[0] || m.Accept.Destroy[0] != rep.AcceptedDestroy[0] || m.Accept.Create[0] != rep.AcceptedCreate[0] ||
		m.Accept.Replace[0] != rep.AcceptedReplace[0] {
		t.Errorf("round trip lost something:\n%s\n%+v", text, m)
	}
}

func TestRenderListsUndecidedItemsAndStillParses(t *testing.T) {
	rep := &Report{
		State:       &State{Format: "show-json"},
		Result:      &Result{Ambiguous: []Ambiguity{{Address: "aws_eip.A", Candidates: []string{"module.n.aws_eip.x[0]", "module.n.aws_eip.x[1]"}, On: `tags.Name = "ip"`}}},
		OpenDestroy: []Unmatched{{Address: "module.n.aws_iam_role_policy_attachment.basic", Reason: "no resource of the new stack has the same identity"}},
		OpenCreate:  []Unmatched{{Address: "aws_sqs_queue.Dlq", Reason: "no resource of this type in the old state has the same identity"}},
	}
	text := Render(rukDev, rep)
	for _, want := range []string{
		"# Not decided yet (3)",
		`#   ambiguous: aws_eip.A could be any of module.n.aws_eip.x[0], module.n.aws_eip.x[1] (all have tags.Name = "ip")`,
		"#   would be destroyed: module.n.aws_iam_role_policy_attachment.basic",
		"#   would be created: aws_sqs_queue.Dlq",
		"moves: []",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("rendered file lacks %q:\n%s", want, text)
		}
	}
	if _, err := Parse("dev.yaml", rukDev, []byte(text)); err != nil {
		t.Errorf("rendered file does not parse: %v\n%s", err, text)
	}
}

func TestResourceAddressDropsInstanceKeys(t *testing.T) {
	for in, want := range map[string]string{
		`module.lambda["a"].null_resource.build`:                 "module.lambda.null_resource.build",
		`module.ssm.aws_ssm_parameter.this["x[1]"]`:              "module.ssm.aws_ssm_parameter.this",
		`module.waf[0].aws_wafv2_web_acl.this`:                   "module.waf.aws_wafv2_web_acl.this",
		`aws_subnet.public[1]`:                                   "aws_subnet.public",
		`module.a["k"].module.b[2].aws_iam_role.r["say \"hi\""]`: "module.a.module.b.aws_iam_role.r",
		`aws_vpc.this`: "aws_vpc.this",
	} {
		if got := ResourceAddress(in); got != want {
			t.Errorf("ResourceAddress(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestForgettingSomeInstancesOfAResourceIsRefused(t *testing.T) {
	olds := []OldResource{
		{Address: `module.ssm.aws_ssm_parameter.this["a"]`}, {Address: `module.ssm.aws_ssm_parameter.this["b"]`},
		{Address: `module.lambda["x"].null_resource.build`}, {Address: `module.lambda["y"].null_resource.build`},
	}
	all := []AcceptEntry{{Address: `module.lambda["x"].null_resource.build`}, {Address: `module.lambda["y"].null_resource.build`}}
	if err := checkForgetCoversResources(olds, all); err != nil {
		t.Errorf("every instance forgotten: %v", err)
	}
	err := checkForgetCoversResources(olds, append(all, AcceptEntry{Address: `module.ssm.aws_ssm_parameter.this["a"]`}))
	if err == nil || !strings.Contains(err.Error(), `module.ssm.aws_ssm_parameter.this["b"] is not forgotten`) {
		t.Errorf("error = %v, want it to name the instance left out", err)
	}
}

func TestParseForgetErrors(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{"stack: ruk-scheduler-dev\nmoves:\n  - from: aws_iam_role.a\n    to: aws_iam_role.R\nforget:\n  - address: aws_iam_role.a\n",
			"dev.yaml:6: forget[0].address: aws_iam_role.a is also moved; either move it or forget it"},
		{"stack: ruk-scheduler-dev\nforget:\n  - address: aws_sqs_queue.q\naccept:\n  destroy:\n    - address: aws_sqs_queue.q\n",
			"accept.destroy[0].address: aws_sqs_queue.q is also forgotten"},
		{"stack: ruk-scheduler-dev\nforget:\n  - address: data.aws_ssm_parameter.p\n",
			`forget[0].address: "data.aws_ssm_parameter.p" is not a resource instance address`},
	} {
		_, err := Parse("dev.yaml", rukDev, []byte(tc.body))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error = %v\nwant %q", err, tc.want)
		}
	}
}
