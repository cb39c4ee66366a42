package constructs_test

import (
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/alb"
	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/networking"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	. "github.com/fractallabsdev/talkwise-infra/internal/synthtest"
)

func synthALB(t *testing.T, env core.Environment, props alb.LoadBalancerProps) *Stack {
	t.Helper()
	return Synth(t, env, func(s *stack.Stack) {
		vpc := networking.NewVpc(s.Scope, "Network", &networking.VpcProps{NAT: networking.NatSingle, ServicePort: 3000})
		props.Network = vpc
		alb.NewLoadBalancer(s.Scope, "Alb", &props)
	})
}

func checkTargetGroup(t *testing.T, st *Stack, name string) Resource {
	t.Helper()
	tg := st.One(t, "aws_lb_target_group", Where("name", name))
	tg.Expect(t, map[string]any{
		"target_type": "ip", "port": 3000, "protocol": "HTTP", "vpc_id": st.One(t, "aws_vpc").Ref("id"),
		"health_check": map[string]any{"enabled": true, "path": "/health", "protocol": "HTTP", "port": "traffic-port", "matcher": "200",
			"healthy_threshold": 2, "unhealthy_threshold": 3, "interval": 30, "timeout": 5},
	})
	return tg
}

func TestLoadBalancerWithCertificate(t *testing.T) {
	st := synthALB(t, core.Production, alb.LoadBalancerProps{Certificate: alb.ExistingCertificate(certificateARN), DeletionProtection: true, Deployment: core.BlueGreen})
	lb := st.One(t, "aws_lb")
	var public []string
	for _, s := range st.Find("aws_subnet", Where("map_public_ip_on_launch", true)) {
		public = append(public, s.Ref("id"))
	}
	lb.Expect(t, map[string]any{
		"name": "test-production-alb", "load_balancer_type": "application", "internal": false,
		"subnets": public, "security_groups": []string{st.One(t, "aws_security_group", Where("name", "test-production-alb")).Ref("id")},
		"drop_invalid_header_fields": true, "enable_deletion_protection": true,
	})
	blue := checkTargetGroup(t, st, "test-production-blue")
	checkTargetGroup(t, st, "test-production-green")

	st.One(t, "aws_lb_listener", Where("port", 80)).Expect(t, map[string]any{
		"load_balancer_arn": lb.Ref("arn"), "protocol": "HTTP",
		"default_action": []any{map[string]any{"type": "redirect", "redirect": map[string]any{"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}},
		"lifecycle":      nil,
	})
	st.One(t, "aws_lb_listener", Where("port", 443)).Expect(t, map[string]any{
		"load_balancer_arn": lb.Ref("arn"), "protocol": "HTTPS",
		"ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "certificate_arn": certificateARN,
		"default_action": []any{map[string]any{"type": "forward", "target_group_arn": blue.Ref("arn")}},
		// Blue/green: CodeDeploy moves the default action between the groups.
		"lifecycle.ignore_changes": []string{"default_action"},
	})
}

func TestLoadBalancerWithoutCertificate(t *testing.T) {
	st := synthALB(t, core.Dev, alb.LoadBalancerProps{})
	st.One(t, "aws_lb").Expect(t, map[string]any{"enable_deletion_protection": false, "drop_invalid_header_fields": true})
	blue := checkTargetGroup(t, st, "test-dev-blue")
	if n := len(st.Resources("aws_lb_target_group")); n != 1 {
		t.Errorf("%d target groups, want blue only (rolling deployments)", n)
	}
	listeners := st.Resources("aws_lb_listener")
	if len(listeners) != 1 {
		t.Fatalf("%d listeners, want only port 80", len(listeners))
	}
	listeners[0].Expect(t, map[string]any{
		"port": 80, "protocol": "HTTP",
		"default_action": []any{map[string]any{"type": "forward", "target_group_arn": blue.Ref("arn")}},
		"lifecycle":      nil,
	})
}

// Security Hub ELB.4 (drop invalid headers) and ELB.12 (desync mitigation in
// defensive or strictest mode) hold in every environment; ELB.6 (deletion
// protection) is what the environment asks for.
func TestLoadBalancerSecurityHubSettings(t *testing.T) {
	for _, env := range core.Environments {
		st := synthALB(t, env, alb.LoadBalancerProps{DeletionProtection: env.IsProduction()})
		st.One(t, "aws_lb").Expect(t, map[string]any{
			"drop_invalid_header_fields": true,
			"desync_mitigation_mode":     "defensive",
			"enable_deletion_protection": env.IsProduction(),
		})
	}
}
