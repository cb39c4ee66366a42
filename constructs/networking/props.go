// Package networking builds the VPC an ECS Fargate service runs in: public
// subnets for the load balancer, private subnets for the tasks, a NAT
// strategy (or VPC endpoints instead), the two security groups of the spec
// and VPC flow logs.
package networking

import (
	"fmt"
	"net/netip"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/logs"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
)

// NatStrategy says how tasks in the private subnets reach the internet.
type NatStrategy string

const (
	// NatNone creates no NAT gateway. The private subnets get VPC endpoints
	// for what a Fargate task needs to start (ECR, S3 for image layers,
	// CloudWatch Logs, Secrets Manager) and nothing else: the service cannot
	// call the internet.
	NatNone NatStrategy = "none"
	// NatSingle creates one NAT gateway in the first public subnet that every
	// private subnet routes through: cheaper, but egress stops if that AZ fails.
	NatSingle NatStrategy = "single"
	// NatOnePerAZ creates a NAT gateway per AZ, each private subnet routing
	// through the one in its own AZ, so an AZ outage leaves the other working.
	NatOnePerAZ NatStrategy = "one-per-az"
)

// NatStrategies lists the valid strategies.
var NatStrategies = []NatStrategy{NatNone, NatSingle, NatOnePerAZ}

// Defaults of the spec's network layout.
const (
	DefaultCIDR       = "10.0.0.0/16"
	DefaultSubnetBits = 20
	DefaultAZCount    = 2
)

// VpcProps configure a Vpc.
type VpcProps struct {
	// NAT is required: NatNone, NatSingle or NatOnePerAZ.
	NAT NatStrategy
	// ServicePort is the container port the ECS security group admits from
	// the load balancer's group. Required (1-65535).
	ServicePort int
	// CIDR defaults to 10.0.0.0/16.
	CIDR string
	// AvailabilityZones defaults to the region's first two zones
	// ("<region>a", "<region>b"), fixed at synth time so plans are stable.
	AvailabilityZones []string
	// PublicSubnetCIDRs default to the first /20 blocks of CIDR, one per AZ
	// (10.0.0.0/20, 10.0.16.0/20).
	PublicSubnetCIDRs []string
	// PrivateSubnetCIDRs default to the /20 blocks after the public ones
	// (10.0.32.0/20, 10.0.48.0/20).
	PrivateSubnetCIDRs []string
	// FlowLogRetentionDays defaults to the environment's log retention
	// (30 days dev, 90 production).
	FlowLogRetentionDays int
}

func (p *VpcProps) applyDefaults(st *stack.Stack) {
	if p.CIDR == "" {
		p.CIDR = DefaultCIDR
	}
	if len(p.AvailabilityZones) == 0 {
		for i := 0; i < DefaultAZCount; i++ {
			p.AvailabilityZones = append(p.AvailabilityZones, st.Platform.Region+string(rune('a'+i)))
		}
	}
	if p.FlowLogRetentionDays == 0 {
		p.FlowLogRetentionDays = st.Env().DefaultLogRetentionDays()
	}
	// Subnet defaults need a valid VPC block; validate reports it otherwise.
	vpc, err := netip.ParsePrefix(p.CIDR)
	if err != nil || vpc.Masked() != vpc || vpc.Bits() > DefaultSubnetBits {
		return
	}
	n := len(p.AvailabilityZones)
	if len(p.PublicSubnetCIDRs) == 0 {
		if blocks, err := Split(vpc, DefaultSubnetBits, 0, n); err == nil {
			p.PublicSubnetCIDRs = prefixStrings(blocks)
		}
	}
	if len(p.PrivateSubnetCIDRs) == 0 {
		if blocks, err := Split(vpc, DefaultSubnetBits, n, n); err == nil {
			p.PrivateSubnetCIDRs = prefixStrings(blocks)
		}
	}
}

func prefixStrings(ps []netip.Prefix) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

// validate applies defaults and reports every bad setting.
func (p *VpcProps) validate(st *stack.Stack) error {
	p.applyDefaults(st)
	var errs []error
	if !validNat(p.NAT) {
		errs = append(errs, core.Errorf("NAT", fmt.Sprintf("use one of %v", NatStrategies), "unknown NAT strategy %q", p.NAT))
	}
	if err := ValidatePort("ServicePort", p.ServicePort); err != nil {
		errs = append(errs, err)
	}
	if err := logs.ValidateRetention("FlowLogRetentionDays", p.FlowLogRetentionDays); err != nil {
		errs = append(errs, err)
	}
	if len(p.AvailabilityZones) < 2 {
		errs = append(errs, core.Errorf("AvailabilityZones", "list at least two zones", "an ALB needs subnets in two AZs; got %v", p.AvailabilityZones))
	}
	vpc, err := ParseCIDR("CIDR", p.CIDR)
	if err != nil {
		return core.Join(append(errs, err)...)
	}
	var blocks []Block
	for _, set := range []struct {
		field string
		cidrs []string
	}{{"PublicSubnetCIDRs", p.PublicSubnetCIDRs}, {"PrivateSubnetCIDRs", p.PrivateSubnetCIDRs}} {
		if len(set.cidrs) != len(p.AvailabilityZones) {
			errs = append(errs, core.Errorf(set.field, "give one block per availability zone",
				"%d blocks for %d availability zones", len(set.cidrs), len(p.AvailabilityZones)))
		}
		for i, s := range set.cidrs {
			field := fmt.Sprintf("%s[%d]", set.field, i)
			b, err := ParseCIDR(field, s)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			blocks = append(blocks, Block{Field: field, Prefix: b})
		}
	}
	if err := CheckLayout("CIDR", vpc, blocks); err != nil {
		errs = append(errs, err)
	}
	return core.Join(errs...)
}

func validNat(s NatStrategy) bool {
	for _, v := range NatStrategies {
		if v == s {
			return true
		}
	}
	return false
}

// ValidatePort checks a TCP port number.
func ValidatePort(field string, port int) error {
	if port < 1 || port > 65535 {
		return core.Errorf(field, "use a port between 1 and 65535", "port %d is out of range", port)
	}
	return nil
}
