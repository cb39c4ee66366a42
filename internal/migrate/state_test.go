package migrate

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestBothStateFormatsReadTheSame(t *testing.T) {
	show, err := ReadState(filepath.Join("testdata", "ruk-scheduler-dev.show.json"))
	if err != nil {
		t.Fatal(err)
	}
	pull, err := ReadState(filepath.Join("testdata", "ruk-scheduler-dev.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	if show.Format != "show-json" || pull.Format != "state-v4" {
		t.Errorf("formats = %s, %s", show.Format, pull.Format)
	}
	addrs := func(s *State) []string {
		var out []string
		for _, r := range s.Resources {
			out = append(out, r.Address)
		}
		return out
	}
	want := []string{
		`module.github_oidc.aws_iam_role.github_actions`,
		`module.github_oidc.aws_iam_role_policy.github_actions`,
		`module.iam.aws_iam_role.lambda["message-hub-dispatch"]`,
		`module.iam.aws_iam_role_policy.lambda["message-hub-dispatch"]`,
		`module.lambda["message-hub-dispatch"].aws_cloudwatch_log_group.this`,
		`module.lambda["message-hub-dispatch"].aws_lambda_function.this`,
		`module.lambda["message-hub-dispatch"].null_resource.build`,
		`module.scheduler.aws_iam_role.scheduler[0]`,
		`module.scheduler.aws_iam_role_policy.scheduler[0]`,
		`module.scheduler.aws_scheduler_schedule.this["dispatch-due-messages"]`,
	}
	for _, s := range []*State{show, pull} {
		if got := addrs(s); !reflect.DeepEqual(got, want) {
			t.Errorf("%s addresses:\n%s\nwant:\n%s", s.Format, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if s.DataSources != 3 {
			t.Errorf("%s: %d data sources skipped, want 3", s.Format, s.DataSources)
		}
	}
	for i := range show.Resources {
		if !reflect.DeepEqual(show.Resources[i].Values, pull.Resources[i].Values) {
			t.Errorf("%s: values differ between formats", show.Resources[i].Address)
		}
	}
}

func TestMalformedStateIsAClearError(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string
	}{
		{"not JSON", `resource "aws_vpc" "this" {}`, "not JSON"},
		{"truncated", `{"version": 4, "resources": [`, "not JSON"},
		{"neither format", `{"resources": []}`, "neither `terraform show -json` output (no format_version) nor a state file (no version)"},
		{"old format", `{"version": 3, "modules": []}`, "state format version 3 is not supported"},
		{"empty show", `{"format_version": "1.0"}`, "holds no managed resources"},
		{"only data", `{"version": 4, "resources": [{"mode": "data", "type": "aws_caller_identity", "name": "c", "instances": [{"attributes": {}}]}]}`, "holds no managed resources"},
		{"no type", `{"version": 4, "resources": [{"mode": "managed", "name": "this", "instances": []}]}`, "resources[0]: type is missing or not a string"},
		{"no attributes", `{"version": 4, "resources": [{"mode": "managed", "type": "aws_vpc", "name": "this", "instances": [{"attributes_flat": {}}]}]}`,
			"resources[0].instances[0] (aws_vpc.this): attributes is missing"},
		{"bad index", `{"version": 4, "resources": [{"mode": "managed", "type": "aws_vpc", "name": "this", "instances": [{"index_key": true, "attributes": {}}]}]}`,
			"index_key true is neither a number nor a string"},
		{"root_module missing", `{"format_version": "1.0", "values": {"outputs": {}}}`, "values.root_module is missing"},
		{"values not object", `{"format_version": "1.0", "values": {"root_module": {"resources": [{"address": "aws_vpc.this", "mode": "managed", "type": "aws_vpc", "name": "this", "values": "x"}]}}}`,
			"values.root_module.resources[0] (aws_vpc.this): values is missing or not an object"},
		{"child not list", `{"format_version": "1.0", "values": {"root_module": {"child_modules": {}}}}`, "values.root_module.child_modules is not a list"},
		{"duplicate", `{"version": 4, "resources": [{"mode": "managed", "type": "aws_vpc", "name": "this", "instances": [{"attributes": {}}, {"attributes": {}}]}]}`,
			"resource aws_vpc.this appears twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseState("old.json", []byte(tc.body))
			if err == nil {
				t.Fatal("parsed; want an error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "state file old.json: ") || !strings.Contains(msg, tc.want) || !strings.Contains(msg, "terraform state pull") {
				t.Errorf("error %q\nwant it to name the file, say %q and how to produce a good file", msg, tc.want)
			}
		})
	}
}

func TestMissingStateFile(t *testing.T) {
	_, err := ReadState(filepath.Join(t.TempDir(), "nope.json"))
	if err == nil || !strings.Contains(err.Error(), "nope.json: no such file or directory") {
		t.Errorf("error = %v", err)
	}
}

func TestInstanceKeys(t *testing.T) {
	st, err := ParseState("s", []byte(`{"version": 4, "resources": [
		{"module": "module.lambda[\"a b\"]", "mode": "managed", "type": "aws_subnet", "name": "public",
		 "instances": [{"index_key": 0, "attributes": {}}, {"index_key": 1, "attributes": {}}]},
		{"mode": "managed", "type": "aws_scheduler_schedule", "name": "this",
		 "instances": [{"index_key": "say \"hi\"", "attributes": {}}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range st.Resources {
		got = append(got, r.Address)
	}
	want := []string{`aws_scheduler_schedule.this["say \"hi\""]`, `module.lambda["a b"].aws_subnet.public[0]`, `module.lambda["a b"].aws_subnet.public[1]`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("addresses %q, want %q", got, want)
	}
}

// `terraform show -json` of a saved plan holds the state it was planned
// against under prior_state.
func TestShowJSONOfAPlanReadsItsPriorState(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "ruk-scheduler-dev.show.json"))
	if err != nil {
		t.Fatal(err)
	}
	plan := `{"format_version": "1.2", "terraform_version": "1.9.8", "planned_values": {}, "prior_state": ` + string(raw) + `}`
	st, err := ParseState("plan.json", []byte(plan))
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Resources) != 10 {
		t.Errorf("%d resources from the plan's prior state, want the fixture's 10", len(st.Resources))
	}
}
