package networking

import (
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
)

func TestVpcRejectsBadInput(t *testing.T) {
	tests := []struct {
		name  string
		props VpcProps
		want  string
	}{
		{"invalid VPC CIDR", VpcProps{NAT: NatSingle, ServicePort: 3000, CIDR: "10.0.0.0/33"},
			`CIDR: "10.0.0.0/33" is not a CIDR block`},
		{"host bits", VpcProps{NAT: NatSingle, ServicePort: 3000, CIDR: "10.0.5.0/16"},
			`CIDR: "10.0.5.0/16" has host bits set; use 10.0.0.0/16`},
		{"overlapping subnets", VpcProps{NAT: NatSingle, ServicePort: 3000,
			PublicSubnetCIDRs: []string{"10.0.0.0/20", "10.0.16.0/20"}, PrivateSubnetCIDRs: []string{"10.0.16.0/24", "10.0.48.0/20"}},
			"PrivateSubnetCIDRs[0]: 10.0.16.0/24 overlaps 10.0.16.0/20 (PublicSubnetCIDRs[1]); give every subnet its own block"},
		{"subnet outside the VPC", VpcProps{NAT: NatSingle, ServicePort: 3000,
			PublicSubnetCIDRs: []string{"10.0.0.0/20", "192.168.0.0/24"}},
			"PublicSubnetCIDRs[1]: 192.168.0.0/24 is outside the VPC"},
		{"invalid subnet CIDR", VpcProps{NAT: NatSingle, ServicePort: 3000, PrivateSubnetCIDRs: []string{"10.0.32.0/20", "10.0.48/20"}},
			`PrivateSubnetCIDRs[1]: "10.0.48/20" is not a CIDR block`},
		{"port out of range", VpcProps{NAT: NatSingle, ServicePort: 70000}, "ServicePort: port 70000 is out of range; use a port between 1 and 65535"},
		{"unknown NAT", VpcProps{NAT: "two"}, `NAT: unknown NAT strategy "two"; use one of [none single one-per-az]`},
		{"one AZ", VpcProps{NAT: NatSingle, ServicePort: 3000, AvailabilityZones: []string{"us-east-2a"}}, "AvailabilityZones: an ALB needs subnets in two AZs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.props
			err := p.validate(&stack.Stack{Names: core.Names{Project: "test", Environment: core.Dev}, Platform: core.Talkwise})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
		})
	}
}
