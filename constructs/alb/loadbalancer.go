// Package alb creates the public application load balancer of a service:
// HTTP and HTTPS listeners and the blue and green target groups CodeDeploy
// switches between.
package alb

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lb"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lblistener"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lbtargetgroup"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
)

// SSLPolicy is the HTTPS listener's policy: TLS 1.3 and 1.2 only, AWS's
// recommended policy for ALBs.
const SSLPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"

// Defaults of the spec's target groups.
const (
	DefaultTargetPort      = 3000
	DefaultHealthCheckPath = "/health"
	HealthyThreshold       = 2
	UnhealthyThreshold     = 3
	HealthCheckInterval    = 30
)

// Network is what the load balancer needs from the VPC.
type Network interface {
	VpcID() *string
	PublicSubnetIDs() *[]*string
	AlbSecurityGroupID() *string
}

// LoadBalancerProps configure a LoadBalancer.
type LoadBalancerProps struct {
	Network Network
	// Certificate is what port 443 serves HTTPS with (TLS 1.2+, SSLPolicy),
	// port 80 then answering a permanent redirect to it: an acm.Certificate
	// the stack requests, or an ExistingCertificate by ARN. Defaults to
	// none: port 80 forwards plain HTTP and there is no 443 listener.
	Certificate Certificate
	// DeletionProtection refuses deletes of the load balancer. Defaults to false.
	DeletionProtection bool
	// Deployment defaults to core.Rolling: one target group, "blue", whose
	// listener Terraform manages. core.BlueGreen adds the "green" group
	// CodeDeploy switches to, and Terraform then leaves the production
	// listener's default action alone: CodeDeploy points it at blue or green
	// on every deployment, and a plan that reverted it would send traffic to
	// the drained group.
	Deployment core.Deployment
	// TargetPort is the container port targets are registered on. Defaults to 3000.
	TargetPort int
	// HealthCheckPath defaults to "/health".
	HealthCheckPath string
}

func (p *LoadBalancerProps) applyDefaults() {
	p.Deployment = p.Deployment.OrDefault(core.Rolling)
	if p.TargetPort == 0 {
		p.TargetPort = DefaultTargetPort
	}
	if p.HealthCheckPath == "" {
		p.HealthCheckPath = DefaultHealthCheckPath
	}
}

func (p *LoadBalancerProps) validate(n core.Names, platform core.Platform) error {
	p.applyDefaults()
	errs := []error{p.Deployment.Validate("Deployment")}
	if existing, ok := p.Certificate.(ExistingCertificate); ok {
		errs = append(errs, ValidateCertificateARN("Certificate", string(existing), platform))
	}
	if p.TargetPort < 1 || p.TargetPort > 65535 {
		errs = append(errs, core.Errorf("TargetPort", "use a port between 1 and 65535", "port %d is out of range", p.TargetPort))
	}
	if len(p.HealthCheckPath) == 0 || p.HealthCheckPath[0] != '/' {
		errs = append(errs, core.Errorf("HealthCheckPath", "start the path with /, e.g. /health", "%q is not a path", p.HealthCheckPath))
	}
	errs = append(errs, core.CheckLength("load balancer name", "load balancer", LoadBalancerName(n), core.MaxLoadBalancerName))
	for _, color := range []string{"blue", "green"} {
		errs = append(errs, core.CheckLength("target group name ("+color+")", "target group", TargetGroupName(n, color), core.MaxTargetGroupName))
	}
	return core.Join(errs...)
}

// LoadBalancerName is "<project>-<env>-alb".
func LoadBalancerName(n core.Names) string { return n.Resource("alb") }

// TargetGroupName is "<project>-<env>-<color>".
func TargetGroupName(n core.Names, color string) string { return n.Resource(color) }

// LoadBalancer is an internet-facing ALB.
type LoadBalancer struct {
	constructs.Construct
	Resource lb.Lb
	// Blue is the target group the service starts on; Green is nil unless
	// the deployment is blue/green.
	Blue, Green *TargetGroup
	// HTTP is the port-80 listener; HTTPS is nil without a certificate.
	HTTP, HTTPS lblistener.LbListener
}

// TargetGroup is one target group of the load balancer.
type TargetGroup struct {
	Resource lbtargetgroup.LbTargetGroup
}

// Arn is the target group's ARN.
func (g *TargetGroup) Arn() *string { return g.Resource.Arn() }

// Name is the target group's name, as a reference: what refers to it
// through Name is created after it.
func (g *TargetGroup) Name() *string { return g.Resource.Name() }

// ArnSuffix is "targetgroup/<name>/<id>", the TargetGroup dimension of its
// CloudWatch metrics.
func (g *TargetGroup) ArnSuffix() *string { return g.Resource.ArnSuffix() }

// NewLoadBalancer creates the load balancer, its target groups and listeners.
func NewLoadBalancer(scope constructs.Construct, id string, props *LoadBalancerProps) *LoadBalancer {
	st := stack.Of(scope)
	n := st.Names
	if err := props.validate(n, st.Platform); err != nil {
		panic(err)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	l := &LoadBalancer{Construct: c}
	l.Resource = lb.NewLb(c, jsii.String("Resource"), &lb.LbConfig{
		Name:                    jsii.String(LoadBalancerName(n)),
		LoadBalancerType:        jsii.String("application"),
		Internal:                jsii.Bool(false),
		Subnets:                 props.Network.PublicSubnetIDs(),
		SecurityGroups:          &[]*string{props.Network.AlbSecurityGroupID()},
		DropInvalidHeaderFields: jsii.Bool(true),
		// Security Hub ELB.12; "defensive" is AWS's default, set so that a
		// change is a reviewed diff.
		DesyncMitigationMode:     jsii.String("defensive"),
		EnableDeletionProtection: jsii.Bool(props.DeletionProtection),
	})
	l.Blue = newTargetGroup(c, "Blue", TargetGroupName(n, "blue"), props)
	blueGreen := props.Deployment == core.BlueGreen
	if blueGreen {
		l.Green = newTargetGroup(c, "Green", TargetGroupName(n, "green"), props)
	}

	forward := []*lblistener.LbListenerDefaultAction{{Type: jsii.String("forward"), TargetGroupArn: l.Blue.Arn()}}
	var trafficLifecycle *cdktf.TerraformResourceLifecycle
	if blueGreen {
		trafficLifecycle = &cdktf.TerraformResourceLifecycle{IgnoreChanges: &[]*string{jsii.String("default_action")}}
	}
	if props.Certificate == nil {
		l.HTTP = lblistener.NewLbListener(c, jsii.String("Http"), &lblistener.LbListenerConfig{
			LoadBalancerArn: l.Resource.Arn(),
			Port:            jsii.Number(80),
			Protocol:        jsii.String("HTTP"),
			DefaultAction:   forward,
			Lifecycle:       trafficLifecycle,
		})
		return l
	}
	l.HTTP = lblistener.NewLbListener(c, jsii.String("Http"), &lblistener.LbListenerConfig{
		LoadBalancerArn: l.Resource.Arn(),
		Port:            jsii.Number(80),
		Protocol:        jsii.String("HTTP"),
		DefaultAction: []*lblistener.LbListenerDefaultAction{{
			Type: jsii.String("redirect"),
			Redirect: &lblistener.LbListenerDefaultActionRedirect{
				Protocol:   jsii.String("HTTPS"),
				Port:       jsii.String("443"),
				StatusCode: jsii.String("HTTP_301"),
			},
		}},
	})
	l.HTTPS = lblistener.NewLbListener(c, jsii.String("Https"), &lblistener.LbListenerConfig{
		LoadBalancerArn: l.Resource.Arn(),
		Port:            jsii.Number(443),
		Protocol:        jsii.String("HTTPS"),
		SslPolicy:       jsii.String(SSLPolicy),
		CertificateArn:  props.Certificate.CertificateArn(),
		DefaultAction:   forward,
		Lifecycle:       trafficLifecycle,
	})
	return l
}

func newTargetGroup(scope constructs.Construct, id, name string, props *LoadBalancerProps) *TargetGroup {
	tg := lbtargetgroup.NewLbTargetGroup(scope, jsii.String(id), &lbtargetgroup.LbTargetGroupConfig{
		Name:       jsii.String(name),
		TargetType: jsii.String("ip"), // Fargate tasks (awsvpc) register by IP
		Port:       jsii.Number(float64(props.TargetPort)),
		Protocol:   jsii.String("HTTP"),
		VpcId:      props.Network.VpcID(),
		HealthCheck: &lbtargetgroup.LbTargetGroupHealthCheck{
			Enabled:            jsii.Bool(true),
			Path:               jsii.String(props.HealthCheckPath),
			Protocol:           jsii.String("HTTP"),
			Port:               jsii.String("traffic-port"),
			Matcher:            jsii.String("200"),
			HealthyThreshold:   jsii.Number(HealthyThreshold),
			UnhealthyThreshold: jsii.Number(UnhealthyThreshold),
			Interval:           jsii.Number(HealthCheckInterval),
			Timeout:            jsii.Number(5),
		},
	})
	return &TargetGroup{Resource: tg}
}

// ProductionListener is the listener that carries user traffic: HTTPS when
// there is a certificate, else HTTP. CodeDeploy shifts traffic on it.
func (l *LoadBalancer) ProductionListener() lblistener.LbListener {
	if l.HTTPS != nil {
		return l.HTTPS
	}
	return l.HTTP
}

// Arn is the load balancer's ARN.
func (l *LoadBalancer) Arn() *string { return l.Resource.Arn() }

// ArnSuffix is "app/<name>/<id>", the LoadBalancer dimension of its
// CloudWatch metrics.
func (l *LoadBalancer) ArnSuffix() *string { return l.Resource.ArnSuffix() }

// DNSName is the load balancer's public DNS name.
func (l *LoadBalancer) DNSName() *string { return l.Resource.DnsName() }

// AliasDNSName is what a Route 53 alias record points at (route53.AliasTarget).
func (l *LoadBalancer) AliasDNSName() *string { return l.Resource.DnsName() }

// AliasZoneID is the load balancer's canonical hosted zone, for alias records.
func (l *LoadBalancer) AliasZoneID() *string { return l.Resource.ZoneId() }

// DualStack is false: the load balancer has IPv4 addresses only (the
// provider's default ip_address_type), so a domain gets an A record and
// no AAAA.
func (l *LoadBalancer) DualStack() bool { return false }
