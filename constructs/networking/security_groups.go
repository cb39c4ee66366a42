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
// anywhere, all out) and the service's (the container port from the ALB's
// group only, all out).
func newSecurityGroups(scope constructs.Construct, v *Vpc, n core.Names, servicePort int) (alb, service *SecurityGroup) {
	alb = newSecurityGroup(scope, "AlbSecurityGroup", v, n.Resource("alb"), "Load balancer of "+n.Prefix()+": HTTP and HTTPS from anywhere")
	alb.tcpIn("HttpIn", "HTTP from anywhere (redirected to HTTPS when a certificate is set)", 80, anywhere, nil)
	alb.tcpIn("HttpsIn", "HTTPS from anywhere", 443, anywhere, nil)
	alb.allOut("All outbound: health checks and traffic to the tasks")

	service = newSecurityGroup(scope, "ServiceSecurityGroup", v, n.Resource("ecs"), "ECS tasks of "+n.Prefix()+": container port from the load balancer only")
	service.tcpIn("FromAlb", "Container port from the load balancer only", servicePort, "", alb)
	service.allOut("All outbound: image pulls, secrets, logs and the APIs the service calls")
	return alb, service
}
