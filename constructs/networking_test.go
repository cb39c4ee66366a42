package constructs_test

import (
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/networking"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	. "github.com/fractallabsdev/talkwise-infra/internal/synthtest"
)

func synthVpc(t *testing.T, env core.Environment, nat networking.NatStrategy) *Stack {
	t.Helper()
	// Unchecked: the ALB security group is open to the internet on 80/443,
	// which the policy checks accept only once an ALB uses it; the ALB is not
	// part of this construct (agent-factory's checked synth covers the pair).
	return SynthUnchecked(t, env, func(s *stack.Stack) {
		networking.NewVpc(s.Scope, "Network", &networking.VpcProps{NAT: nat, ServicePort: 3000})
	})
}

func TestVpcLayout(t *testing.T) {
	st := synthVpc(t, core.Dev, networking.NatSingle)
	vpc := st.One(t, "aws_vpc")
	vpc.Expect(t, map[string]any{"cidr_block": "10.0.0.0/16", "enable_dns_hostnames": true, "enable_dns_support": true})
	igw := st.One(t, "aws_internet_gateway")
	igw.Expect(t, map[string]any{"vpc_id": vpc.Ref("id")})

	public := st.Find("aws_subnet", Where("map_public_ip_on_launch", true))
	private := st.Find("aws_subnet", Where("map_public_ip_on_launch", false))
	if len(public) != 2 || len(private) != 2 {
		t.Fatalf("want 2 public and 2 private subnets, got %d and %d", len(public), len(private))
	}
	want := map[string]string{
		"10.0.0.0/20": "us-east-2a", "10.0.16.0/20": "us-east-2b", // public
		"10.0.32.0/20": "us-east-2a", "10.0.48.0/20": "us-east-2b", // private
	}
	for i, s := range append(public, private...) {
		cidr := s.String("cidr_block")
		if want[cidr] != s.String("availability_zone") {
			t.Errorf("subnet %s: %s in %s, want %v", s.ID, cidr, s.String("availability_zone"), want)
		}
		if (i < 2) != strings.HasPrefix(s.ID, "Network_PublicSubnet") {
			t.Errorf("subnet %s has the wrong map_public_ip_on_launch", s.ID)
		}
		s.Expect(t, map[string]any{"vpc_id": vpc.Ref("id")})
	}

	// Public subnets route to the internet gateway.
	publicRT := st.One(t, "aws_route_table", Where("tags.Name", "test-dev-public"))
	st.One(t, "aws_route", Where("route_table_id", publicRT.Ref("id")), Where("destination_cidr_block", "0.0.0.0/0"),
		Where("gateway_id", igw.Ref("id")))
	for _, s := range public {
		st.One(t, "aws_route_table_association", Where("subnet_id", s.Ref("id")), Where("route_table_id", publicRT.Ref("id")))
	}

	// Flow logs: every packet, to a log group with retention, via a role
	// that can write there only.
	group := st.One(t, "aws_cloudwatch_log_group", Where("name", "/aws/vpc/flow-logs/test-dev"))
	group.Expect(t, map[string]any{"retention_in_days": 30})
	role := st.One(t, "aws_iam_role", Where("name", "test-dev-vpc-flow-logs"))
	trust := role.JSON(t, "assume_role_policy").(map[string]any)["Statement"].([]any)[0].(map[string]any)
	if trust["Principal"].(map[string]any)["Service"] != "vpc-flow-logs.amazonaws.com" {
		t.Errorf("flow-log role trusts %v", trust["Principal"])
	}
	st.One(t, "aws_flow_log").Expect(t, map[string]any{
		"vpc_id": vpc.Ref("id"), "traffic_type": "ALL", "log_destination_type": "cloud-watch-logs",
		"log_destination": group.Ref("arn"), "iam_role_arn": role.Ref("arn"),
	})
}

func TestNatStrategies(t *testing.T) {
	tests := []struct {
		nat             networking.NatStrategy
		gateways        int
		routeToGateway  []int // private subnet i routes through gateway routeToGateway[i]
		interfaceEndpts int
	}{
		{networking.NatNone, 0, nil, 4},
		{networking.NatSingle, 1, []int{0, 0}, 0},
		{networking.NatOnePerAZ, 2, []int{0, 1}, 0},
	}
	for _, tt := range tests {
		t.Run(string(tt.nat), func(t *testing.T) {
			st := synthVpc(t, core.Production, tt.nat)
			nats := st.Resources("aws_nat_gateway")
			eips := st.Resources("aws_eip")
			if len(nats) != tt.gateways || len(eips) != tt.gateways {
				t.Fatalf("%d NAT gateways and %d EIPs, want %d of each", len(nats), len(eips), tt.gateways)
			}
			for i, gw := range nats {
				eip := st.One(t, "aws_eip", Where("tags.Name", gw.String("tags.Name")))
				eip.Expect(t, map[string]any{"domain": "vpc"})
				public := st.One(t, "aws_subnet", Where("map_public_ip_on_launch", true), Where("availability_zone", []string{"us-east-2a", "us-east-2b"}[i]))
				gw.Expect(t, map[string]any{"allocation_id": eip.Ref("allocation_id"), "subnet_id": public.Ref("id")})
			}
			for i, az := range []string{"us-east-2a", "us-east-2b"} {
				rt := st.One(t, "aws_route_table", Where("tags.Name", "test-production-private-"+az))
				subnet := st.One(t, "aws_subnet", Where("map_public_ip_on_launch", false), Where("availability_zone", az))
				st.One(t, "aws_route_table_association", Where("subnet_id", subnet.Ref("id")), Where("route_table_id", rt.Ref("id")))
				routes := st.Find("aws_route", Where("route_table_id", rt.Ref("id")))
				if tt.gateways == 0 {
					if len(routes) != 0 {
						t.Errorf("%s: private route table has routes %v without NAT", az, routes)
					}
					continue
				}
				if len(routes) != 1 {
					t.Fatalf("%s: %d private routes, want 1", az, len(routes))
				}
				routes[0].Expect(t, map[string]any{"destination_cidr_block": "0.0.0.0/0", "nat_gateway_id": nats[tt.routeToGateway[i]].Ref("id")})
			}

			// S3 gateway endpoint on every private route table, always.
			s3 := st.One(t, "aws_vpc_endpoint", Where("service_name", "com.amazonaws.us-east-2.s3"))
			s3.Expect(t, map[string]any{"vpc_endpoint_type": "Gateway", "route_table_ids": []string{
				st.One(t, "aws_route_table", Where("tags.Name", "test-production-private-us-east-2a")).Ref("id"),
				st.One(t, "aws_route_table", Where("tags.Name", "test-production-private-us-east-2b")).Ref("id"),
			}})

			ifaces := st.Find("aws_vpc_endpoint", Where("vpc_endpoint_type", "Interface"))
			if len(ifaces) != tt.interfaceEndpts {
				t.Fatalf("%d interface endpoints, want %d", len(ifaces), tt.interfaceEndpts)
			}
			if tt.interfaceEndpts == 0 {
				return
			}
			sg := st.One(t, "aws_security_group", Where("name", "test-production-endpoints"))
			ecs := st.One(t, "aws_security_group", Where("name", "test-production-ecs"))
			rules := st.Find("aws_vpc_security_group_ingress_rule", Where("security_group_id", sg.Ref("id")))
			if len(rules) != 1 {
				t.Fatalf("endpoint group has %d ingress rules, want 1", len(rules))
			}
			rules[0].Expect(t, map[string]any{"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "referenced_security_group_id": ecs.Ref("id")})
			if len(st.Find("aws_vpc_security_group_egress_rule", Where("security_group_id", sg.Ref("id")))) != 0 {
				t.Error("endpoint group needs no egress")
			}
			privateIDs := []string{}
			for _, s := range st.Find("aws_subnet", Where("map_public_ip_on_launch", false)) {
				privateIDs = append(privateIDs, s.Ref("id"))
			}
			for _, svc := range []string{"ecr.api", "ecr.dkr", "logs", "secretsmanager"} {
				st.One(t, "aws_vpc_endpoint", Where("service_name", "com.amazonaws.us-east-2."+svc)).Expect(t, map[string]any{
					"vpc_endpoint_type": "Interface", "private_dns_enabled": true,
					"subnet_ids": privateIDs, "security_group_ids": []string{sg.Ref("id")},
				})
			}
		})
	}
}

func TestSecurityGroups(t *testing.T) {
	st := synthVpc(t, core.Dev, networking.NatSingle)
	alb := st.One(t, "aws_security_group", Where("name", "test-dev-alb"))
	ecs := st.One(t, "aws_security_group", Where("name", "test-dev-ecs"))
	for _, sg := range []Resource{alb, ecs} {
		if sg.Get("ingress") != nil || sg.Get("egress") != nil {
			t.Errorf("%s: inline rules would fight the rule resources", sg.Address)
		}
	}
	type rule struct {
		Protocol   string
		Port       any
		CIDR, From string
	}
	rulesOf := func(typ string, sg Resource) []rule {
		var out []rule
		for _, r := range st.Find(typ, Where("security_group_id", sg.Ref("id"))) {
			if r.String("description") == "" {
				t.Errorf("%s has no description", r.Address)
			}
			out = append(out, rule{r.String("ip_protocol"), r.Get("from_port"), r.String("cidr_ipv4"), r.String("referenced_security_group_id")})
			if r.Get("from_port") != r.Get("to_port") {
				t.Errorf("%s opens a port range", r.Address)
			}
		}
		return out
	}
	check := func(name string, got, want []rule) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: rules %v, want %v", name, got, want)
			return
		}
		for _, w := range want {
			found := false
			for _, g := range got {
				found = found || g == w
			}
			if !found {
				t.Errorf("%s: rules %v, want %v", name, got, want)
			}
		}
	}
	check("ALB in", rulesOf("aws_vpc_security_group_ingress_rule", alb), []rule{{"tcp", 80.0, "0.0.0.0/0", ""}, {"tcp", 443.0, "0.0.0.0/0", ""}})
	// Narrower than the spec's "all out": the ALB reaches only its targets (docs/security.md).
	check("ALB out", rulesOf("aws_vpc_security_group_egress_rule", alb), []rule{{"tcp", 3000.0, "", ecs.Ref("id")}})
	check("ECS in", rulesOf("aws_vpc_security_group_ingress_rule", ecs), []rule{{"tcp", 3000.0, "", alb.Ref("id")}})
	check("ECS out", rulesOf("aws_vpc_security_group_egress_rule", ecs), []rule{{"-1", nil, "0.0.0.0/0", ""}})
}

// A bad setting reaches the synth command as an error, not a crash.
func TestVpcBadInputIsAnError(t *testing.T) {
	err := SynthError(t, core.Dev, func(s *stack.Stack) {
		networking.NewVpc(s.Scope, "Network", &networking.VpcProps{NAT: networking.NatSingle, ServicePort: 3000, CIDR: "10.0.0.0/33"})
	})
	if !strings.Contains(err.Error(), `CIDR: "10.0.0.0/33" is not a CIDR block`) {
		t.Errorf("synth error = %v", err)
	}
}
