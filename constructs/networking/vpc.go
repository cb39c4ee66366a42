package networking

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eip"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/internetgateway"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/natgateway"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/routetable"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/routetableassociation"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/subnet"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpc"
	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Vpc is the network of one project environment.
type Vpc struct {
	constructs.Construct
	Resource vpc.Vpc
	// Private route tables, one per AZ, in AZ order.
	PrivateRouteTables []routetable.RouteTable
	public, private    []subnet.Subnet
	natGateways        []natgateway.NatGateway
	albSG, serviceSG   *SecurityGroup
	nat                NatStrategy
}

// NewVpc creates the VPC, its subnets, routes, NAT gateways or endpoints,
// security groups and flow logs. Bad props panic with a *core.ConfigError.
func NewVpc(scope constructs.Construct, id string, props *VpcProps) *Vpc {
	st := stack.Of(scope)
	if err := props.validate(st); err != nil {
		panic(err)
	}
	n := st.Names
	c := constructs.NewConstruct(scope, jsii.String(id))
	v := &Vpc{Construct: c, nat: props.NAT}
	v.Resource = vpc.NewVpc(c, jsii.String("Resource"), &vpc.VpcConfig{
		CidrBlock:          jsii.String(props.CIDR),
		EnableDnsHostnames: jsii.Bool(true),
		EnableDnsSupport:   jsii.Bool(true),
		Tags:               nameTag(n.Resource("vpc")),
	})
	igw := internetgateway.NewInternetGateway(c, jsii.String("InternetGateway"), &internetgateway.InternetGatewayConfig{
		VpcId: v.Resource.Id(),
		Tags:  nameTag(n.Resource("igw")),
	})
	v.addPublicSubnets(n, props, igw)
	v.addNatGateways(n, props, igw)
	v.addPrivateSubnets(n, props)
	v.albSG, v.serviceSG = newSecurityGroups(c, v, n, props.ServicePort)
	newEndpoints(c, v, st, props)
	newFlowLogs(c, v, st, props)
	return v
}

// addPublicSubnets creates one public subnet per AZ, routed to the internet
// gateway and giving instances public IPs.
func (v *Vpc) addPublicSubnets(n core.Names, props *VpcProps, igw internetgateway.InternetGateway) {
	routes := routetable.NewRouteTable(v.Construct, jsii.String("PublicRoutes"), &routetable.RouteTableConfig{
		VpcId: v.Resource.Id(),
		Tags:  nameTag(n.Resource("public")),
	})
	route.NewRoute(v.Construct, jsii.String("PublicDefaultRoute"), &route.RouteConfig{
		RouteTableId:         routes.Id(),
		DestinationCidrBlock: jsii.String("0.0.0.0/0"),
		GatewayId:            igw.Id(),
	})
	for i, az := range props.AvailabilityZones {
		s := subnet.NewSubnet(v.Construct, jsii.String(fmt.Sprintf("PublicSubnet%d", i)), &subnet.SubnetConfig{
			VpcId:               v.Resource.Id(),
			CidrBlock:           jsii.String(props.PublicSubnetCIDRs[i]),
			AvailabilityZone:    jsii.String(az),
			MapPublicIpOnLaunch: jsii.Bool(true),
			Tags:                nameTag(n.Resource("public-" + az)),
		})
		routetableassociation.NewRouteTableAssociation(v.Construct, jsii.String(fmt.Sprintf("PublicSubnet%dRoutes", i)), &routetableassociation.RouteTableAssociationConfig{
			SubnetId:     s.Id(),
			RouteTableId: routes.Id(),
		})
		v.public = append(v.public, s)
	}
}

// addNatGateways creates the NAT strategy's gateways, each with its Elastic
// IP, in the public subnets (none, the first AZ's, or one per AZ).
func (v *Vpc) addNatGateways(n core.Names, props *VpcProps, igw internetgateway.InternetGateway) {
	count := map[NatStrategy]int{NatNone: 0, NatSingle: 1, NatOnePerAZ: len(props.AvailabilityZones)}[props.NAT]
	for i := 0; i < count; i++ {
		az := props.AvailabilityZones[i]
		ip := eip.NewEip(v.Construct, jsii.String(fmt.Sprintf("NatIp%d", i)), &eip.EipConfig{
			Domain: jsii.String("vpc"),
			Tags:   nameTag(n.Resource("nat-" + az)),
		})
		gw := natgateway.NewNatGateway(v.Construct, jsii.String(fmt.Sprintf("Nat%d", i)), &natgateway.NatGatewayConfig{
			AllocationId: ip.AllocationId(),
			SubnetId:     v.public[i].Id(),
			Tags:         nameTag(n.Resource("nat-" + az)),
			// A NAT gateway only works once the VPC has its internet gateway.
			DependsOn: &[]cdktf.ITerraformDependable{igw},
		})
		v.natGateways = append(v.natGateways, gw)
	}
}

// addPrivateSubnets creates one private subnet per AZ with its own route
// table, whose default route goes to a NAT gateway when there is one.
func (v *Vpc) addPrivateSubnets(n core.Names, props *VpcProps) {
	for i, az := range props.AvailabilityZones {
		s := subnet.NewSubnet(v.Construct, jsii.String(fmt.Sprintf("PrivateSubnet%d", i)), &subnet.SubnetConfig{
			VpcId:               v.Resource.Id(),
			CidrBlock:           jsii.String(props.PrivateSubnetCIDRs[i]),
			AvailabilityZone:    jsii.String(az),
			MapPublicIpOnLaunch: jsii.Bool(false),
			Tags:                nameTag(n.Resource("private-" + az)),
		})
		rt := routetable.NewRouteTable(v.Construct, jsii.String(fmt.Sprintf("PrivateRoutes%d", i)), &routetable.RouteTableConfig{
			VpcId: v.Resource.Id(),
			Tags:  nameTag(n.Resource("private-" + az)),
		})
		routetableassociation.NewRouteTableAssociation(v.Construct, jsii.String(fmt.Sprintf("PrivateSubnet%dRoutes", i)), &routetableassociation.RouteTableAssociationConfig{
			SubnetId:     s.Id(),
			RouteTableId: rt.Id(),
		})
		if len(v.natGateways) > 0 {
			// Single: every AZ uses gateway 0; OnePerAZ: its own.
			gw := v.natGateways[min(i, len(v.natGateways)-1)]
			route.NewRoute(v.Construct, jsii.String(fmt.Sprintf("PrivateDefaultRoute%d", i)), &route.RouteConfig{
				RouteTableId:         rt.Id(),
				DestinationCidrBlock: jsii.String("0.0.0.0/0"),
				NatGatewayId:         gw.Id(),
			})
		}
		v.private = append(v.private, s)
		v.PrivateRouteTables = append(v.PrivateRouteTables, rt)
	}
}

// VpcID is the VPC's ID.
func (v *Vpc) VpcID() *string { return v.Resource.Id() }

// PublicSubnetIDs are the public subnets' IDs in AZ order.
func (v *Vpc) PublicSubnetIDs() *[]*string { return ids(v.public) }

// PrivateSubnetIDs are the private subnets' IDs in AZ order.
func (v *Vpc) PrivateSubnetIDs() *[]*string { return ids(v.private) }

// AlbSecurityGroupID is the load balancer's security group.
func (v *Vpc) AlbSecurityGroupID() *string { return v.albSG.Resource.Id() }

// ServiceSecurityGroupID is the ECS tasks' security group.
func (v *Vpc) ServiceSecurityGroupID() *string { return v.serviceSG.Resource.Id() }

// NAT is the strategy the VPC was built with.
func (v *Vpc) NAT() NatStrategy { return v.nat }

func ids(subnets []subnet.Subnet) *[]*string {
	out := make([]*string, len(subnets))
	for i, s := range subnets {
		out[i] = s.Id()
	}
	return &out
}

func nameTag(name string) *map[string]*string {
	return &map[string]*string{"Name": jsii.String(name)}
}
