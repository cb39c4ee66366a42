package migrate

import (
	"strings"
	"testing"
)

func old(addr, typ string, values map[string]any) OldResource {
	return OldResource{Address: addr, Type: typ, Values: values}
}

func nr(typ, id string, fields map[string]any) NewResource {
	return NewResource{Address: typ + "." + id, Type: typ, LogicalID: id, Fields: fields}
}

func moves(res *Result) map[string]string {
	out := map[string]string{}
	for _, m := range res.Moves {
		out[m.From] = m.To
	}
	return out
}

// A two-AZ network: subnets are told apart by CIDR within their VPC, the
// route tables by their Name tag, and the Elastic IP only through the NAT
// gateway that uses it.
func networkOld() []OldResource {
	return []OldResource{
		old("module.networking.aws_vpc.this[0]", "aws_vpc", map[string]any{"id": "vpc-1", "cidr_block": "10.0.0.0/16", "tags": map[string]any{"Name": "af-dev-vpc"}}),
		old("module.networking.aws_subnet.public[0]", "aws_subnet", map[string]any{"id": "subnet-a", "vpc_id": "vpc-1", "cidr_block": "10.0.0.0/20"}),
		old("module.networking.aws_subnet.public[1]", "aws_subnet", map[string]any{"id": "subnet-b", "vpc_id": "vpc-1", "cidr_block": "10.0.16.0/20"}),
		old("module.networking.aws_eip.nat[0]", "aws_eip", map[string]any{"id": "eipalloc-1", "allocation_id": "eipalloc-1", "tags": map[string]any{"Name": "old-name"}}),
		old("module.networking.aws_nat_gateway.this[0]", "aws_nat_gateway", map[string]any{"id": "nat-1", "subnet_id": "subnet-a", "allocation_id": "eipalloc-1"}),
		old("module.networking.aws_route_table.public", "aws_route_table", map[string]any{"id": "rtb-p", "vpc_id": "vpc-1", "tags": map[string]any{"Name": "af-dev-public"}}),
		old("module.networking.aws_route_table.private", "aws_route_table", map[string]any{"id": "rtb-q", "vpc_id": "vpc-1", "tags": map[string]any{"Name": "af-dev-private"}}),
	}
}

func networkNew() []NewResource {
	return []NewResource{
		nr("aws_vpc", "Vpc", map[string]any{"cidr_block": "10.0.0.0/16", "tags": map[string]any{"Name": "af-dev-vpc"}}),
		nr("aws_subnet", "Public0", map[string]any{"vpc_id": "${aws_vpc.Vpc.id}", "cidr_block": "10.0.0.0/20"}),
		nr("aws_subnet", "Public1", map[string]any{"vpc_id": "${aws_vpc.Vpc.id}", "cidr_block": "10.0.16.0/20"}),
		nr("aws_eip", "NatIp0", map[string]any{"domain": "vpc", "tags": map[string]any{"Name": "af-dev-nat-us-east-2a"}}),
		nr("aws_nat_gateway", "Nat0", map[string]any{"subnet_id": "${aws_subnet.Public0.id}", "allocation_id": "${aws_eip.NatIp0.id}"}),
		nr("aws_route_table", "PublicRoutes", map[string]any{"vpc_id": "${aws_vpc.Vpc.id}", "tags": map[string]any{"Name": "af-dev-public"}}),
		nr("aws_route_table", "PrivateRoutes", map[string]any{"vpc_id": "${aws_vpc.Vpc.id}", "tags": map[string]any{"Name": "af-dev-private"}}),
	}
}

func TestMatchResolvesReferencesParentsFirst(t *testing.T) {
	res, err := Match(networkOld(), networkNew(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"module.networking.aws_vpc.this[0]":         "aws_vpc.Vpc",
		"module.networking.aws_subnet.public[0]":    "aws_subnet.Public0",
		"module.networking.aws_subnet.public[1]":    "aws_subnet.Public1",
		"module.networking.aws_nat_gateway.this[0]": "aws_nat_gateway.Nat0",
		"module.networking.aws_eip.nat[0]":          "aws_eip.NatIp0", // through the NAT gateway's allocation_id
		"module.networking.aws_route_table.public":  "aws_route_table.PublicRoutes",
		"module.networking.aws_route_table.private": "aws_route_table.PrivateRoutes",
	}
	got := moves(res)
	for from, to := range want {
		if got[from] != to {
			t.Errorf("%s -> %q, want %q", from, got[from], to)
		}
	}
	if len(res.UnmatchedOld)+len(res.UnmatchedNew)+len(res.Ambiguous) != 0 {
		t.Errorf("want everything matched: %+v", res)
	}
	for _, m := range res.Moves {
		if m.To == "aws_eip.NatIp0" && !strings.Contains(m.On, "allocation_id") {
			t.Errorf("Elastic IP matched on %q, want through the NAT gateway's allocation_id", m.On)
		}
	}
}

func TestMatchReportsAmbiguityInsteadOfGuessing(t *testing.T) {
	// Two old route tables in the VPC, neither with the new Name tag: the
	// matcher must not pick one for the new public route table.
	olds := networkOld()
	for i := range olds {
		if olds[i].Type == "aws_route_table" {
			olds[i].Values["tags"] = map[string]any{"Name": "legacy"}
		}
	}
	news := networkNew()
	for i := range news {
		if news[i].Type == "aws_route_table" {
			delete(news[i].Fields, "tags") // no name tag: only vpc_id is known
		}
	}
	res, err := Match(olds, news, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := moves(res)
	for from, to := range got {
		if strings.Contains(from, "route_table") || strings.Contains(to, "route_table") {
			t.Errorf("guessed %s -> %s", from, to)
		}
	}
	var amb []string
	for _, a := range res.Ambiguous {
		amb = append(amb, a.Address+" <- "+strings.Join(a.Candidates, "|"))
	}
	want := []string{
		"aws_route_table.PrivateRoutes <- module.networking.aws_route_table.private|module.networking.aws_route_table.public",
		"aws_route_table.PublicRoutes <- module.networking.aws_route_table.private|module.networking.aws_route_table.public",
	}
	if strings.Join(amb, "\n") != strings.Join(want, "\n") {
		t.Errorf("ambiguities:\n%s\nwant:\n%s", strings.Join(amb, "\n"), strings.Join(want, "\n"))
	}
	// The rest of the network is still matched.
	if got["module.networking.aws_subnet.public[1]"] != "aws_subnet.Public1" {
		t.Errorf("subnets not matched: %v", got)
	}
}

func TestMatchPinResolvesAmbiguity(t *testing.T) {
	olds := []OldResource{
		old("module.a.aws_eip.x[0]", "aws_eip", map[string]any{"id": "eipalloc-1", "tags": map[string]any{"Name": "ip"}}),
		old("module.a.aws_eip.x[1]", "aws_eip", map[string]any{"id": "eipalloc-2", "tags": map[string]any{"Name": "ip"}}),
	}
	news := []NewResource{
		nr("aws_eip", "A", map[string]any{"tags": map[string]any{"Name": "ip"}}),
		nr("aws_eip", "B", map[string]any{"tags": map[string]any{"Name": "ip"}}),
	}
	res, err := Match(olds, news, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Moves) != 0 || len(res.Ambiguous) != 2 {
		t.Fatalf("want two ambiguities and no move, got moves %v ambiguous %v", res.Moves, res.Ambiguous)
	}
	res, err = Match(olds, news, []Move{{From: "module.a.aws_eip.x[1]", To: "aws_eip.A"}})
	if err != nil {
		t.Fatal(err)
	}
	got := moves(res)
	if got["module.a.aws_eip.x[1]"] != "aws_eip.A" || got["module.a.aws_eip.x[0]"] != "aws_eip.B" {
		t.Errorf("with one pin, want the other pair to follow: %v", got)
	}
}

func TestMatchOneOldClaimedByTwoNewIsAmbiguous(t *testing.T) {
	olds := []OldResource{old("module.iam.aws_iam_role.lambda", "aws_iam_role", map[string]any{"name": "r"})}
	news := []NewResource{
		nr("aws_iam_role", "A", map[string]any{"name": "r"}),
		nr("aws_iam_role", "B", map[string]any{"name": "r"}),
	}
	res, err := Match(olds, news, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Moves) != 0 || len(res.Ambiguous) != 1 || res.Ambiguous[0].Address != "module.iam.aws_iam_role.lambda" {
		t.Fatalf("want the old role reported as ambiguous: %+v", res)
	}
}

func TestMatchReportsUnmatchedBothWays(t *testing.T) {
	olds := []OldResource{
		old("module.iam.aws_iam_role_policy_attachment.basic", "aws_iam_role_policy_attachment", map[string]any{"role": "r", "policy_arn": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}),
		old("module.lambda.null_resource.build", "null_resource", map[string]any{"id": "1"}),
	}
	news := []NewResource{nr("aws_sqs_queue", "Dlq", map[string]any{"name": "q"})}
	res, err := Match(olds, news, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.UnmatchedOld) != 2 || len(res.UnmatchedNew) != 1 {
		t.Fatalf("want 2 unmatched old and 1 unmatched new: %+v", res)
	}
	if !strings.Contains(res.UnmatchedOld[1].Reason, "holds no AWS object") {
		t.Errorf("null_resource reason = %q", res.UnmatchedOld[1].Reason)
	}
}

func TestMatchRejectsBadPins(t *testing.T) {
	olds := []OldResource{old("module.x.aws_iam_role.r", "aws_iam_role", map[string]any{"name": "r"})}
	news := []NewResource{nr("aws_iam_role", "R", map[string]any{"name": "r"}), nr("aws_sqs_queue", "Q", nil)}
	for _, tc := range []struct {
		pin  Move
		want string
	}{
		{Move{From: "module.x.aws_iam_role.gone", To: "aws_iam_role.R"}, "is not in the old state"},
		{Move{From: "module.x.aws_iam_role.r", To: "aws_iam_role.Gone"}, "is not a resource of the new stack"},
		{Move{From: "module.x.aws_iam_role.r", To: "aws_sqs_queue.Q"}, "types differ"},
	} {
		_, err := Match(olds, news, []Move{tc.pin})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("pin %v: error %v, want %q", tc.pin, err, tc.want)
		}
	}
}

func TestMatchKeepsSameAddressWithoutMove(t *testing.T) {
	olds := []OldResource{old("aws_iam_role.R", "aws_iam_role", map[string]any{"name": "r"})}
	news := []NewResource{nr("aws_iam_role", "R", map[string]any{"name": "r"})}
	res, _ := Match(olds, news, nil)
	if len(res.Moves) != 0 || len(res.Unchanged) != 1 {
		t.Errorf("want no move for an unchanged address: %+v", res)
	}
}

func TestCanonical(t *testing.T) {
	for _, tc := range []struct {
		a, b any
		same bool
	}{
		{float64(443), "443", true},
		{"443", 443, true},
		{nil, "", true},
		{[]any{}, nil, true},
		{[]any{"b", "a"}, []any{"a", "b"}, true},
		{map[string]any{"Name": "x"}, map[string]any{"Name": "x"}, true},
		{"10.0.0.0/16", "10.0.0.0/20", false},
		{true, "true", true},
		{"0x10", "16", false},
	} {
		if got := canonical(tc.a) == canonical(tc.b); got != tc.same {
			t.Errorf("canonical(%#v) == canonical(%#v) is %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}

func TestNewValueResolvesEmbeddedReferences(t *testing.T) {
	r := nr("aws_iam_role_policy", "P", map[string]any{
		"role":     "${aws_iam_role.R.name}",
		"resource": "${aws_cloudwatch_log_group.L.arn}:log-stream:*",
		"data":     "${data.aws_caller_identity.current.account_id}",
		"expr":     "${element(aws_subnet.S.*.id, 0)}",
	})
	lookup := func(addr, attr string) (string, status) {
		switch addr + "." + attr {
		case "aws_iam_role.R.name":
			return "role-1", known
		case "aws_cloudwatch_log_group.L.arn":
			return "arn:aws:logs:us-east-2:1:log-group:/x", known
		}
		return "", pending
	}
	for _, tc := range []struct {
		path string
		want string
		st   status
	}{
		{"role", "role-1", known},
		{"resource", "arn:aws:logs:us-east-2:1:log-group:/x:log-stream:*", known},
		{"data", "", unknown},
		{"expr", "", unknown},
		{"missing", "", unknown},
	} {
		got, st := newValue(r, tc.path, lookup)
		if got != tc.want || st != tc.st {
			t.Errorf("%s = %q (%d), want %q (%d)", tc.path, got, st, tc.want, tc.st)
		}
	}
}

// After a blue/green deployment the live service points at the green
// target group while the configuration says blue (and tells Terraform to
// ignore it). That field must not be used to pair target groups.
func TestMatchDoesNotInferThroughIgnoredChanges(t *testing.T) {
	olds := []OldResource{
		old("module.ecs.aws_ecs_service.this", "aws_ecs_service", map[string]any{"name": "api", "cluster": "c",
			"load_balancer": []any{map[string]any{"target_group_arn": "arn:green"}}}),
		old("module.alb.aws_lb_target_group.this[\"blue\"]", "aws_lb_target_group", map[string]any{"arn": "arn:blue", "name": "legacy-blue"}),
		old("module.alb.aws_lb_target_group.this[\"green\"]", "aws_lb_target_group", map[string]any{"arn": "arn:green", "name": "legacy-green"}),
	}
	news := []NewResource{
		nr("aws_ecs_service", "Service", map[string]any{"name": "api", "cluster": "c",
			"load_balancer": []any{map[string]any{"target_group_arn": "${aws_lb_target_group.Blue.arn}"}},
			"lifecycle":     map[string]any{"ignore_changes": []any{"load_balancer", "task_definition"}}}),
		nr("aws_lb_target_group", "Blue", map[string]any{"name": "new-blue"}),
	}
	res, err := Match(olds, news, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := moves(res); got[`module.alb.aws_lb_target_group.this["green"]`] != "" || len(got) != 1 {
		t.Errorf("paired through an ignored field: %v", got)
	}
	// Without ignore_changes the same reference is followed.
	delete(news[0].Fields, "lifecycle")
	res, _ = Match(olds, news, nil)
	if got := moves(res); got[`module.alb.aws_lb_target_group.this["green"]`] != "aws_lb_target_group.Blue" {
		t.Errorf("reference not followed without ignore_changes: %v", got)
	}
}
