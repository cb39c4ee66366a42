package networking

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupegressrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// anywhere is every IPv4 address.
const anywhere = "0.0.0.0/0"

// SecurityGroup is a VPC security group whose rules are separate
// aws_vpc_security_group_*_rule resources, one per rule, each described: the
// provider's recommended form, where a rule changes without replacing the group.
type SecurityGroup struct {
	constructs.Construct
	Resource securitygroup.SecurityGroup
}

func newSecurityGroup(scope constructs.Construct, id string, v *Vpc, name, description string) *SecurityGroup {
	c := constructs.NewConstruct(scope, jsii.String(id))
	sg := securitygroup.NewSecurityGroup(c, jsii.String("Resource"), &securitygroup.SecurityGroupConfig{
		Name:        jsii.String(name),
		Description: jsii.String(description),
		VpcId:       v.Resource.Id(),
		Tags:        nameTag(name),
	})
	return &SecurityGroup{Construct: c, Resource: sg}
}

// tcpIn admits TCP on port from a CIDR block or another security group.
func (g *SecurityGroup) tcpIn(id, description string, port int, cidr string, from *SecurityGroup) {
	cfg := &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
		SecurityGroupId: g.Resource.Id(),
		Description:     jsii.String(description),
		IpProtocol:      jsii.String("tcp"),
		FromPort:        jsii.Number(float64(port)),
		ToPort:          jsii.Number(float64(port)),
	}
	if from != nil {
		cfg.ReferencedSecurityGroupId = from.Resource.Id()
	} else {
		cfg.CidrIpv4 = jsii.String(cidr)
	}
	vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(g.Construct, jsii.String(id), cfg)
}

// allOut allows all outbound IPv4 traffic.
func (g *SecurityGroup) allOut(description string) {
	vpcsecuritygroupegressrule.NewVpcSecurityGroupEgressRule(g.Construct, jsii.String("AllOut"), &vpcsecuritygroupegressrule.VpcSecurityGroupEgressRuleConfig{
		SecurityGroupId: g.Resource.Id(),
		Description:     jsii.String(description),
		IpProtocol:      jsii.String("-1"),
		CidrIpv4:        jsii.String(anywhere),
	})
}

// newSecurityGroups creates the spec's two groups: the ALB's (80 and 443 from
// anywhere) and the service's (the container port from the ALB's group only,
// all out). The ALB's egress is narrower than the spec's "all out": a load
// balancer only ever connects to its targets, so it may reach the service's
// group on the container port (traffic and health checks) and nothing else
// (Trivy AWS-0104, docs/security.md).
func newSecurityGroups(scope constructs.Construct, v *Vpc, n core.Names, servicePort int) (alb, service *SecurityGroup) {
	alb = newSecurityGroup(scope, "AlbSecurityGroup", v, n.Resource("alb"), "Load balancer of "+n.Prefix()+": HTTP and HTTPS from anywhere")
	alb.tcpIn("HttpIn", "HTTP from anywhere (redirected to HTTPS when a certificate is set)", 80, anywhere, nil)
	alb.tcpIn("HttpsIn", "HTTPS from anywhere", 443, anywhere, nil)

	service = newSecurityGroup(scope, "ServiceSecurityGroup", v, n.Resource("ecs"), "ECS tasks of "+n.Prefix()+": container port from the load balancer only")
	service.tcpIn("FromAlb", "Container port from the load balancer only", servicePort, "", alb)
	service.allOut("All outbound: image pulls, secrets, logs and the APIs the service calls")

	alb.tcpOutTo("ToService", "Traffic and health checks to the container port of the tasks only", servicePort, service)
	return alb, service
}

// tcpOutTo allows TCP on port to another security group only.
func (g *SecurityGroup) tcpOutTo(id, description string, port int, to *SecurityGroup) {
	vpcsecuritygroupegressrule.NewVpcSecurityGroupEgressRule(g.Construct, jsii.String(id), &vpcsecuritygroupegressrule.VpcSecurityGroupEgressRuleConfig{
		SecurityGroupId:           g.Resource.Id(),
		Description:               jsii.String(description),
		IpProtocol:                jsii.String("tcp"),
		FromPort:                  jsii.Number(float64(port)),
		ToPort:                    jsii.Number(float64(port)),
		ReferencedSecurityGroupId: to.Resource.Id(),
	})
}
