package alb

import (
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/networking"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	. "github.com/fractallabsdev/talkwise-infra/internal/synthtest"
)

const cert = "arn:aws:acm:us-east-2:427479925030:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"

func TestValidateCertificateARN(t *testing.T) {
	tests := []struct {
		arn, want string
	}{
		{cert, ""},
		{"arn:aws:acm:us-east-1:427479925030:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
			"CertificateARN: certificate arn:aws:acm:us-east-1:427479925030:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b is in us-east-1; the load balancer is in us-east-2 and can only use certificates from its own region; request or import the certificate in ACM in us-east-2 and use that ARN"},
		{"arn:aws:acm:us-east-2:111111111111:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
			"CertificateARN: certificate arn:aws:acm:us-east-2:111111111111:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b belongs to account 111111111111, not 427479925030"},
		{"arn:aws:iam::427479925030:server-certificate/x", `CertificateARN: "arn:aws:iam::427479925030:server-certificate/x" is not an ACM certificate ARN`},
		{"0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b", "is not an ACM certificate ARN"},
	}
	for _, tt := range tests {
		err := ValidateCertificateARN("CertificateARN", tt.arn, core.Talkwise)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.arn, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error = %v, want %q", tt.arn, err, tt.want)
		}
	}
}

func synthALB(t *testing.T, env core.Environment, props LoadBalancerProps) *Stack {
	t.Helper()
	return Synth(t, env, func(s *stack.Stack) {
		vpc := networking.NewVpc(s.Scope, "Network", &networking.VpcProps{Names: s.Names, Platform: s.Platform, NAT: networking.NatSingle, ServicePort: 3000})
		props.Names, props.Platform, props.Network = s.Names, s.Platform, vpc
		NewLoadBalancer(s.Scope, "Alb", &props)
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
	st := synthALB(t, core.Production, LoadBalancerProps{CertificateARN: cert, DeletionProtection: true, GreenTargetGroup: true, ManagedByCodeDeploy: true})
	alb := st.One(t, "aws_lb")
	var public []string
	for _, s := range st.Find("aws_subnet", Where("map_public_ip_on_launch", true)) {
		public = append(public, s.Ref("id"))
	}
	alb.Expect(t, map[string]any{
		"name": "test-production-alb", "load_balancer_type": "application", "internal": false,
		"subnets": public, "security_groups": []string{st.One(t, "aws_security_group", Where("name", "test-production-alb")).Ref("id")},
		"drop_invalid_header_fields": true, "enable_deletion_protection": true,
	})
	blue := checkTargetGroup(t, st, "test-production-blue")
	checkTargetGroup(t, st, "test-production-green")

	st.One(t, "aws_lb_listener", Where("port", 80)).Expect(t, map[string]any{
		"load_balancer_arn": alb.Ref("arn"), "protocol": "HTTP",
		"default_action": []any{map[string]any{"type": "redirect", "redirect": map[string]any{"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}},
		"lifecycle":      nil,
	})
	st.One(t, "aws_lb_listener", Where("port", 443)).Expect(t, map[string]any{
		"load_balancer_arn": alb.Ref("arn"), "protocol": "HTTPS",
		"ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "certificate_arn": cert,
		"default_action":           []any{map[string]any{"type": "forward", "target_group_arn": blue.Ref("arn")}},
		"lifecycle.ignore_changes": []string{"default_action"},
	})
}

func TestLoadBalancerWithoutCertificate(t *testing.T) {
	st := synthALB(t, core.Dev, LoadBalancerProps{})
	st.One(t, "aws_lb").Expect(t, map[string]any{"enable_deletion_protection": false, "drop_invalid_header_fields": true})
	blue := checkTargetGroup(t, st, "test-dev-blue")
	if n := len(st.Resources("aws_lb_target_group")); n != 1 {
		t.Errorf("%d target groups, want blue only", n)
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

func TestLoadBalancerRejectsBadInput(t *testing.T) {
	tests := []struct {
		name  string
		names core.Names
		props LoadBalancerProps
		want  string
	}{
		{"certificate from another region", core.Names{Project: "api", Environment: core.Dev},
			LoadBalancerProps{CertificateARN: strings.Replace(cert, "us-east-2", "eu-west-1", 1)},
			"CertificateARN: certificate arn:aws:acm:eu-west-1:"},
		{"target group name over 32 characters", core.Names{Project: "customer-onboarding-api", Environment: core.Production},
			LoadBalancerProps{},
			`target group name (green): target group name "customer-onboarding-api-production-green" is 40 characters; AWS allows at most 32; shorten the project or resource name by 8 characters`},
		{"blue name over 32 too", core.Names{Project: "customer-onboarding-apis", Environment: core.Production}, LoadBalancerProps{},
			`target group name (blue): target group name "customer-onboarding-apis-production-blue" is 40 characters`},
		{"bad health check path", core.Names{Project: "api", Environment: core.Dev}, LoadBalancerProps{HealthCheckPath: "health"},
			`HealthCheckPath: "health" is not a path; start the path with /`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.props
			p.Names, p.Platform = tt.names, core.Talkwise
			if err := p.validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
		})
	}
}
