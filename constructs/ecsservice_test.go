package constructs_test

import (
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/networking"
	"github.com/fractallabsdev/talkwise-infra/constructs/patterns/ecsservice"
	"github.com/fractallabsdev/talkwise-infra/constructs/route53"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"
)

func TestProjectRejectsBadSettings(t *testing.T) {
	const otherRegion = "arn:aws:acm:us-east-1:427479925030:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
	tests := []struct {
		name     string
		project  string
		settings ecsservice.Settings
		want     []string
	}{
		{"certificate from another region", "api", ecsservice.Settings{GitHubRepository: "o/r",
			Environments: map[core.Environment]ecsservice.EnvironmentSettings{core.Dev: {CertificateARN: otherRegion}, core.Production: {AllowHTTPWithoutCertificate: true}}},
			[]string{"stack api-dev: Environments[dev].CertificateARN: certificate " + otherRegion + " is in us-east-1; the load balancer is in us-east-2"}},
		{"production without certificate", "api", ecsservice.Settings{GitHubRepository: "o/r"},
			[]string{"stack api-production: Environments[production].CertificateARN: production has no certificate, so it would serve plain HTTP; set Domain (a name in a Route 53 hosted zone of this account: the stack requests and validates the certificate), or CertificateARN (an ACM certificate from us-east-2), or AllowHTTPWithoutCertificate: true"}},
		{"target group name over 32 characters", "customer-onboarding-api", ecsservice.Settings{GitHubRepository: "o/r",
			Environments: map[core.Environment]ecsservice.EnvironmentSettings{core.Production: {AllowHTTPWithoutCertificate: true}}},
			[]string{"stack customer-onboarding-api-production: ", `project name (target group green): target group name "customer-onboarding-api-production-green" is 40 characters; AWS allows at most 32; shorten the project or resource name by 8 characters`}},
		{"unsupported CPU/memory pair", "api", ecsservice.Settings{GitHubRepository: "o/r", CPU: 1024, MemoryMB: 1024,
			Environments: map[core.Environment]ecsservice.EnvironmentSettings{core.Production: {AllowHTTPWithoutCertificate: true}}},
			[]string{"stacks api-dev, api-production: MemoryMB: 1024 MB is not a Fargate memory size for 1024 CPU units; with 1024 CPU units use 2048-8192 MB in 1024 MB steps"}},
		{"port out of range", "api", ecsservice.Settings{GitHubRepository: "o/r", ContainerPort: 65536,
			Environments: map[core.Environment]ecsservice.EnvironmentSettings{core.Production: {AllowHTTPWithoutCertificate: true}}},
			[]string{"stacks api-dev, api-production: ContainerPort: port 65536 is out of range; use a port between 1 and 65535"}},
		{"no GitHub repository", "api", ecsservice.Settings{Environments: map[core.Environment]ecsservice.EnvironmentSettings{core.Production: {AllowHTTPWithoutCertificate: true}}},
			[]string{`stacks api-dev, api-production: GitHubRepository: is empty; set the repository whose workflows deploy, as "owner/name"`}},
		{"domain outside its hosted zone", "api", ecsservice.Settings{GitHubRepository: "o/r",
			Environments: map[core.Environment]ecsservice.EnvironmentSettings{core.Production: {
				Domain: &ecsservice.Domain{Name: "api.other.ai", Zone: route53.HostedZone{ID: "Z0123456789ABCDEFGHIJ", Name: "talkwise.ai"}}}}},
			[]string{`stack api-production: Environments[production].Domain.Name: "api.other.ai" is not in the hosted zone talkwise.ai, so its validation record would never resolve`}},
		{"hosted zone by its API path", "api", ecsservice.Settings{GitHubRepository: "o/r",
			Environments: map[core.Environment]ecsservice.EnvironmentSettings{core.Production: {
				Domain: &ecsservice.Domain{Name: "api.talkwise.ai", Zone: route53.HostedZone{ID: "/hostedzone/Z0123456789ABCDEFGHIJ", Name: "talkwise.ai"}}}}},
			[]string{`Environments[production].Domain.Zone.ID: "/hostedzone/Z0123456789ABCDEFGHIJ" is the API's path, not the ID; drop the /hostedzone/ prefix`}},
		{"plain HTTP allowed beside a domain", "api", ecsservice.Settings{GitHubRepository: "o/r",
			Environments: map[core.Environment]ecsservice.EnvironmentSettings{core.Production: {AllowHTTPWithoutCertificate: true,
				Domain: &ecsservice.Domain{Name: "api.talkwise.ai", Zone: route53.HostedZone{ID: "Z0123456789ABCDEFGHIJ", Name: "talkwise.ai"}}}}},
			[]string{"stack api-production: Environments[production].AllowHTTPWithoutCertificate: is set, but this environment has a certificate; remove it"}},
		{"unknown NAT and bad secret", "api", ecsservice.Settings{GitHubRepository: "o/r", Secrets: []string{"API_KEY"},
			Environments: map[core.Environment]ecsservice.EnvironmentSettings{core.Dev: {NAT: "two"}, core.Production: {AllowHTTPWithoutCertificate: true}}},
			[]string{`Environments[dev].NAT: unknown NAT strategy "two"; use one of [none single one-per-az]`, `Secrets[0]: "API_KEY" is not a valid name`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := synthtest.SynthProjects(t, []stack.Project{ecsservice.Project(tt.project, tt.settings)}, "")
			for _, want := range tt.want {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("error = %v\nwant %q", err, want)
				}
			}
		})
	}
}

// TestCertificateAndEndpoints: with a certificate, 443 carries the traffic
// CodeDeploy shifts and 80 only redirects; with NatNone the tasks start
// through VPC endpoints.

func TestCertificateAndEndpoints(t *testing.T) {
	stacks, err := synthtest.SynthProjects(t, []stack.Project{ecsservice.Project("api", ecsservice.Settings{GitHubRepository: "o/r",
		Environments: map[core.Environment]ecsservice.EnvironmentSettings{core.Production: {CertificateARN: certificateARN, NAT: networking.NatNone}}})}, "")
	if err != nil {
		t.Fatal(err)
	}
	st := stacks["api-production"]
	https := st.One(t, "aws_lb_listener", synthtest.Where("port", 443))
	https.Expect(t, map[string]any{"protocol": "HTTPS", "certificate_arn": certificateARN, "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
		"lifecycle.ignore_changes": []string{"default_action"}})
	st.One(t, "aws_lb_listener", synthtest.Where("port", 80)).Expect(t, map[string]any{
		"default_action.0.type": "redirect", "default_action.0.redirect.protocol": "HTTPS", "lifecycle": nil})
	st.One(t, "aws_codedeploy_deployment_group").Expect(t, map[string]any{
		"load_balancer_info.target_group_pair_info.prod_traffic_route.listener_arns": []string{https.Ref("arn")}})
	if n := len(st.Resources("aws_nat_gateway")); n != 0 {
		t.Errorf("%d NAT gateways with NatNone", n)
	}
	for _, svc := range []string{"ecr.api", "ecr.dkr", "logs", "secretsmanager", "s3"} {
		st.One(t, "aws_vpc_endpoint", synthtest.Where("service_name", "com.amazonaws.us-east-2."+svc))
	}
	// Dev of the same project keeps its defaults: HTTP only, one NAT.
	dev := stacks["api-dev"]
	if n := len(dev.Resources("aws_nat_gateway")); n != 1 {
		t.Errorf("dev: %d NAT gateways, want 1", n)
	}
	if n := len(dev.Find("aws_lb_listener", synthtest.Where("port", 443))); n != 0 {
		t.Errorf("dev has an HTTPS listener without a certificate")
	}
}

// A given certificate wins over requesting one: with both CertificateARN
// and Domain, the listener uses the ARN and the domain only gets its alias
// record.
func TestCertificateARNWithDomainRequestsNoCertificate(t *testing.T) {
	stacks, err := synthtest.SynthProjects(t, []stack.Project{ecsservice.Project("api", ecsservice.Settings{GitHubRepository: "o/r",
		Environments: map[core.Environment]ecsservice.EnvironmentSettings{core.Production: {CertificateARN: certificateARN,
			Domain: &ecsservice.Domain{Name: "talkwise.ai", Zone: route53.HostedZone{ID: "Z0123456789ABCDEFGHIJ", Name: "talkwise.ai"}}}}})}, "")
	if err != nil {
		t.Fatal(err)
	}
	st := stacks["api-production"]
	st.One(t, "aws_lb_listener", synthtest.Where("port", 443)).Expect(t, map[string]any{"certificate_arn": certificateARN})
	if n := len(st.Resources("aws_acm_certificate")); n != 0 {
		t.Errorf("%d certificates requested beside the given one", n)
	}
	st.One(t, "aws_route53_record").Expect(t, map[string]any{"name": "talkwise.ai", "type": "A", "alias.zone_id": st.One(t, "aws_lb").Ref("zone_id")})
}
