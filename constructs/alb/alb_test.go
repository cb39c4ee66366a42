package alb

import (
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
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

func TestLoadBalancerRejectsBadInput(t *testing.T) {
	tests := []struct {
		name  string
		names core.Names
		props LoadBalancerProps
		want  string
	}{
		{"certificate from another region", core.Names{Project: "api", Environment: core.Dev},
			LoadBalancerProps{Certificate: ExistingCertificate(strings.Replace(cert, "us-east-2", "eu-west-1", 1))},
			"Certificate: certificate arn:aws:acm:eu-west-1:"},
		{"target group name over 32 characters", core.Names{Project: "customer-onboarding-api", Environment: core.Production},
			LoadBalancerProps{},
			`target group name (green): target group name "customer-onboarding-api-production-green" is 40 characters; AWS allows at most 32; shorten the project or resource name by 8 characters`},
		{"blue name over 32 too", core.Names{Project: "customer-onboarding-apis", Environment: core.Production}, LoadBalancerProps{},
			`target group name (blue): target group name "customer-onboarding-apis-production-blue" is 40 characters`},
		{"bad health check path", core.Names{Project: "api", Environment: core.Dev}, LoadBalancerProps{HealthCheckPath: "health"},
			`HealthCheckPath: "health" is not a path; start the path with /`},
		{"unknown deployment", core.Names{Project: "api", Environment: core.Dev}, LoadBalancerProps{Deployment: "canary"},
			`Deployment: unknown deployment "canary"; use core.Rolling or core.BlueGreen`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.props
			if err := p.validate(tt.names, core.Talkwise); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
		})
	}
}
