package tfcheck

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/internal/awsstub"
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
)

// The testdata are what Terraform 1.11.4 with hashicorp/aws 5.100.0 printed
// for two small stacks planned offline against the stub (init, `validate
// -json`, `plan -json`): one with a deprecated argument
// (aws_iam_role.managed_policy_arns), one adopting the account's lock table
// with another hash key, which DynamoDB cannot change in place. Judging
// recorded output keeps these tests free of a provider start each; the
// projects package runs the whole check on every real stack.
func recorded(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func problems(r *Result) string { return strings.Join(r.Problems, "\n") }

// A warning nobody explained fails the stack, in validate and in plan.
func TestUnexplainedWarningFails(t *testing.T) {
	w := &Workspace{}
	res := &Result{Stack: "deprecated"}
	valid, diags, err := validateDiagnostics(recorded(t, "deprecated.validate.json"))
	if err != nil || !valid {
		t.Fatalf("valid %v, err %v: a deprecation is a warning, not an error", valid, err)
	}
	w.sort(res, "validate", diags)
	w.judge(res, "plan", output{stdout: recorded(t, "deprecated.plan.jsonl")}, nil)
	want := "warning: Argument is deprecated"
	if n := strings.Count(problems(res), want); n != 2 || !res.Failed() {
		t.Errorf("problems %q; want %q from validate and from plan", res.Problems, want)
	}
	if !strings.Contains(problems(res), "not explained") || !strings.Contains(problems(res), "tfcheck.Explained") {
		t.Errorf("problems %q do not say how to accept a warning", res.Problems)
	}
}

// An explained warning is listed with its reason and does not fail.
func TestExplainedWarningPasses(t *testing.T) {
	saved := Explained
	defer func() { Explained = saved }()
	Explained = []Explanation{{Summary: "Argument is deprecated", Reason: "the test's own reason"}}
	res := &Result{}
	_, diags, _ := validateDiagnostics(recorded(t, "deprecated.validate.json"))
	(&Workspace{}).sort(res, "validate", diags)
	if res.Failed() || len(res.Explained) != 1 || res.Explained[0].Reason != "the test's own reason" {
		t.Errorf("problems %q, explained %+v", res.Problems, res.Explained)
	}
}

// A first plan that replaces (or destroys) anything fails: in a fresh
// account the only way is an adopted object that differs where AWS cannot
// change it.
func TestReplacementFailsAFreshPlan(t *testing.T) {
	plan, err := ReadPlanStream(recorded(t, "replaces.plan.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if c := plan.Counts; c.Replace != 1 || c.Import != 1 {
		t.Fatalf("counts %s; want the import and its replacement", c)
	}
	res := &Result{Plan: plan}
	judgeFreshPlan(res)
	if !strings.Contains(problems(res), "the plan replaces aws_dynamodb_table.t (cannot_update") {
		t.Errorf("problems %q", res.Problems)
	}
	clean, err := ReadPlanStream(recorded(t, "deprecated.plan.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	ok := &Result{Plan: clean}
	judgeFreshPlan(ok)
	if ok.Failed() || clean.Counts.Create != 1 {
		t.Errorf("a plan that only creates: problems %q, counts %s", ok.Problems, clean.Counts)
	}
}

// Only an update or a replacement has attributes to name, so only a plan
// with one is read back with show -json (Target.Details).
func TestOnlyUpdatesAndReplacementsNeedThePlanReadBack(t *testing.T) {
	for file, want := range map[string]bool{"replaces.plan.jsonl": true, "deprecated.plan.jsonl": false} {
		plan, err := ReadPlanStream(recorded(t, file))
		if err != nil {
			t.Fatal(err)
		}
		if got := plan.changesAttributes(); got != want {
			t.Errorf("%s (%s): changesAttributes %v, want %v", file, plan.Counts, got, want)
		}
	}
	updates := &Plan{Changes: []Change{{Address: "aws_iam_role.r", Action: "update"}}}
	updates.Counts.add(updates.Changes[0])
	if !updates.changesAttributes() {
		t.Error("a plan with an in-place update: changesAttributes false")
	}
}

// An AWS call the stub does not answer fails the stack, naming it.
func TestUnansweredCallFails(t *testing.T) {
	res := &Result{}
	res.unexpected([]awsstub.Call{{Service: "ec2", Action: "DescribeVpcs"}})
	if !strings.Contains(problems(res), "the plan made an AWS call the stub does not answer: ec2 DescribeVpcs") {
		t.Errorf("problems %q", res.Problems)
	}
}

// Stacks validated together as child modules of one root: an error is the
// stack's it points into, not its neighbour's, and the warning the harness
// itself causes (a child module's backend block is ignored) is no stack's
// problem. together.validate.json is Terraform's verdict on two modules,
// "good" and "bad" (an argument aws_sqs_queue does not have).
func TestValidatedTogetherBlamesTheStackAtFault(t *testing.T) {
	got := judgeTogether([]string{"bad", "good"}, output{stdout: recorded(t, "together.validate.json")}, errors.New("exit status 1"))
	w := &Workspace{}
	bad, good := &Result{Stack: "bad"}, &Result{Stack: "good"}
	got["bad"].apply(w, bad)
	got["good"].apply(w, good)
	if good.Failed() || !good.Valid {
		t.Errorf("good: valid %v, problems %q; the only diagnostics about it are the harness's backend warning", good.Valid, good.Problems)
	}
	if bad.Valid || !strings.Contains(problems(bad), `No argument or block type is named "visibility_timeout"`) {
		t.Errorf("bad: valid %v, problems %q; want the extraneous argument", bad.Valid, bad.Problems)
	}
	if !strings.Contains(problems(bad), "(cdk.tf.json)") {
		t.Errorf("bad: problems %q do not point at the stack's own cdk.tf.json", bad.Problems)
	}
	if strings.Contains(problems(bad), "Backend configuration ignored") {
		t.Errorf("bad: problems %q carry the harness's own warning", bad.Problems)
	}
}

// A stack that only a root module can hold (an import or removed block, a
// variable) is validated on its own.
func TestRootOnlyBlocksAreValidatedAlone(t *testing.T) {
	for _, block := range []string{"import", "removed", "variable"} {
		if validatesTogether(map[string]any{"resource": map[string]any{}, block: []any{}}) {
			t.Errorf("a stack with a %s block is validated as a child module", block)
		}
	}
	if !validatesTogether(map[string]any{"resource": map[string]any{}, "moved": []any{}}) {
		t.Error("moved blocks are allowed in a child module")
	}
}

// A shared run that fails without naming a stack leaves none valid.
func TestValidatedTogetherUnattributedFailureFailsEveryStack(t *testing.T) {
	quiet := []byte(`{"format_version":"1.0","valid":false,"error_count":0,"warning_count":0,"diagnostics":[]}`)
	got := judgeTogether([]string{"a", "b"}, output{stdout: quiet, stderr: []byte("provider crashed")}, errors.New("exit status 1"))
	for _, n := range []string{"a", "b"} {
		res := &Result{Stack: n}
		got[n].apply(&Workspace{}, res)
		if res.Valid || !strings.Contains(problems(res), "provider crashed") {
			t.Errorf("%s: valid %v, problems %q; want the failure reported", n, res.Valid, res.Problems)
		}
	}
}

// A shared plan is split among the stacks by module: each gets exactly its
// own changes, at the addresses its own plan gives them, and the harness's
// warnings go to nobody. together.plan.jsonl is `terraform plan -json` of
// project-x-dev and ruk-scheduler-dev as two child modules of one root; the
// golden stacks say which resources each declares.
func TestSharedPlanIsSplitByModule(t *testing.T) {
	names := []string{"project-x-dev", "ruk-scheduler-dev"}
	stream := recorded(t, "together.plan.jsonl")
	// One diagnostic about a stack's resource, one about nothing in
	// particular, as Terraform would print them.
	stream = append(stream, []byte(`{"type":"diagnostic","diagnostic":{"severity":"error","summary":"Invalid name","address":"module.ruk-scheduler-dev.aws_sns_topic.Alarms_04B5A0BF"}}
{"type":"diagnostic","diagnostic":{"severity":"warning","summary":"Provider development overrides are in effect"}}
`)...)
	shares, shared, err := splitPlanStream(names, stream)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		golden, err := tfjson.ReadFile("../../projects/testdata/golden/" + n + ".tf.json")
		if err != nil {
			t.Fatal(err)
		}
		declared := map[string]bool{}
		for _, typ := range golden.Types("resource") {
			for _, b := range golden.Resources(typ) {
				declared[b.Address()] = true
			}
		}
		p := shares[n].plan
		if p == nil || len(p.Changes) != len(declared) || p.Counts.Create != len(declared) {
			t.Fatalf("%s: plan %+v; want one create for each of its %d resources", n, p, len(declared))
		}
		for _, ch := range p.Changes {
			if !declared[ch.Address] {
				t.Errorf("%s: change of %s, which is not a resource of the stack", n, ch.Address)
			}
		}
	}
	ruk := shares["ruk-scheduler-dev"].diags
	if len(ruk) != 1 || ruk[0].Address != "aws_sns_topic.Alarms_04B5A0BF" {
		t.Errorf("ruk-scheduler-dev's diagnostics %+v; want the one about its topic, at its own address", ruk)
	}
	if len(shares["project-x-dev"].diags) != 0 {
		t.Errorf("project-x-dev got diagnostics %+v; none is about it (the harness's warnings are dropped)", shares["project-x-dev"].diags)
	}
	if len(shared) != 1 || shared[0].Summary != "Provider development overrides are in effect" {
		t.Errorf("shared diagnostics %+v; want the one that names no stack", shared)
	}
}

// A change outside every stack's module cannot be anybody's: the split
// refuses it instead of dropping it.
func TestSharedPlanChangeOutsideEveryModuleIsAnError(t *testing.T) {
	stream := []byte(`{"type":"planned_change","change":{"resource":{"addr":"aws_sqs_queue.q"},"action":"create"}}
{"type":"change_summary","changes":{"add":1,"change":0,"remove":0,"import":0}}
`)
	if _, _, err := splitPlanStream([]string{"a"}, stream); err == nil || !strings.Contains(err.Error(), "aws_sqs_queue.q, which is in no stack's module") {
		t.Errorf("error %v; want the change named", err)
	}
}
