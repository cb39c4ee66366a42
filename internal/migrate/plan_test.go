package migrate

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/internal/tfcheck"
)

// A replacement or destroy in Terraform's plan passes only when the
// mapping accepts that address with a reason; anything else fails, naming
// the address and what forces it.
func TestPlanAcceptsOnlyWhatTheMappingAccepts(t *testing.T) {
	rep := &Report{
		AcceptedReplace: []AcceptEntry{{"aws_ecs_task_definition.Service_TaskDefinition_4B51B9EA", "a new revision"}},
		AcceptedDestroy: []AcceptEntry{{"module.iam.aws_iam_role_policy_attachment.basic", "replaced by an inline statement"}},
	}
	plan := &tfcheck.Plan{Changes: []tfcheck.Change{
		{Address: "aws_ecs_task_definition.Service_TaskDefinition_4B51B9EA", Action: "replace", ReplacePaths: []string{"container_definitions"}},
		{Address: "aws_subnet.Network_PublicSubnet0_B2FC5C28", PreviousAddress: "module.networking.aws_subnet.public[0]", Action: "replace", ReplacePaths: []string{"ipv6_native"}},
		{Address: "module.iam.aws_iam_role_policy_attachment.basic", Action: "delete"},
		{Address: "module.secrets.aws_secretsmanager_secret.this", Action: "delete"},
		{Address: "aws_vpc.Network_1C6012B5", PreviousAddress: "module.networking.aws_vpc.this", Action: "update", UpdatedAttributes: []string{"tags_all", "cidr_block"}},
	}}
	c := &PlanCheck{Result: &tfcheck.Result{Plan: plan}}
	c.judge(rep, plan)
	if len(c.Accepted) != 2 {
		t.Errorf("accepted %q, want the task definition's replacement and the attachment's destroy", c.Accepted)
	}
	want := []string{
		"replace aws_subnet.Network_PublicSubnet0_B2FC5C28 (from module.networking.aws_subnet.public[0]): ipv6_native cannot change in place",
		"destroy module.secrets.aws_secretsmanager_secret.this: nothing in the stack takes it over",
	}
	if len(c.Unaccepted) != len(want) {
		t.Fatalf("unaccepted %q, want %d", c.Unaccepted, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(c.Unaccepted[i], w) {
			t.Errorf("unaccepted[%d] = %q, want it to start %q", i, c.Unaccepted[i], w)
		}
	}
	if !c.Failed() {
		t.Error("a plan with unaccepted changes does not fail")
	}
	if got := c.Unexplained(); !reflect.DeepEqual(got, []string{"aws_vpc.Network_1C6012B5: cidr_block"}) {
		t.Errorf("unexplained updates %v, want only the VPC's cidr_block (tags_all has its reason)", got)
	}
}

// `terraform show -json` output is converted to the state file Terraform
// plans from: the same resources, instances and attributes as the state
// pull of the same deployment, without the providers that are not
// installed here and without data sources.
func TestShowJSONBecomesTheSameStateAsStatePull(t *testing.T) {
	fromShow, leftShow, paramsShow, err := planState("testdata/ruk-scheduler-dev.show.json")
	if err != nil {
		t.Fatal(err)
	}
	fromPull, leftPull, paramsPull, err := planState("testdata/ruk-scheduler-dev.tfstate")
	if err != nil {
		t.Fatal(err)
	}
	resources := func(raw []byte) map[string]any {
		var doc struct{ Resources []map[string]any }
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		out := map[string]any{}
		for _, r := range doc.Resources {
			key, _ := json.Marshal([]any{r["module"], r["mode"], r["type"], r["name"], r["provider"]})
			out[string(key)] = r["instances"]
		}
		return out
	}
	a, b := resources(fromShow), resources(fromPull)
	if len(a) != 9 || !reflect.DeepEqual(a, b) {
		t.Errorf("converted show.json holds %d resources, state pull %d; equal: %v", len(a), len(b), reflect.DeepEqual(a, b))
	}
	wantLeft := []string{`module.lambda["message-hub-dispatch"].null_resource.build (provider["registry.terraform.io/hashicorp/null"] is not installed here)`}
	if !reflect.DeepEqual(leftShow, wantLeft) || !reflect.DeepEqual(leftPull, wantLeft) {
		t.Errorf("left out %q and %q, want %q", leftShow, leftPull, wantLeft)
	}
	wantParams := map[string]string{"/ruk-scheduler/dev/message-hub-url": "https://hub.dev.example.com"}
	if !reflect.DeepEqual(paramsShow, wantParams) || !reflect.DeepEqual(paramsPull, wantParams) {
		t.Errorf("parameters %v and %v, want %v", paramsShow, paramsPull, wantParams)
	}
}
