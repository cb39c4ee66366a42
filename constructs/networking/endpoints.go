package networking

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcendpoint"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
)

// InterfaceEndpointServices are what a Fargate task with no NAT needs to
// start: ECR's API (auth token, manifests) and registry (docker pulls),
// CloudWatch Logs for awslogs, and Secrets Manager for the secrets injected
// at start. Image layers come from S3, through the gateway endpoint.
var InterfaceEndpointServices = []string{"ecr.api", "ecr.dkr", "logs", "secretsmanager"}

// endpointIDs are the construct IDs of the interface endpoints, by service.
var endpointIDs = map[string]string{
	"ecr.api":        "EcrApiEndpoint",
	"ecr.dkr":        "EcrDkrEndpoint",
	"logs":           "LogsEndpoint",
	"secretsmanager": "SecretsManagerEndpoint",
}

// ServiceName is the endpoint service name of an AWS service in region.
func ServiceName(region, service string) string {
	return fmt.Sprintf("com.amazonaws.%s.%s", region, service)
}

// newEndpoints adds the S3 gateway endpoint to every private route table
// (free, and it keeps image-layer downloads off the NAT's per-GB charge) and,
// when there is no NAT, the interface endpoints a task needs to start,
// reachable on 443 from the service's security group only.
func newEndpoints(scope constructs.Construct, v *Vpc, st *stack.Stack, props *VpcProps) {
	n, region := st.Names, st.Platform.Region
	routeTables := make([]*string, len(v.PrivateRouteTables))
	for i, rt := range v.PrivateRouteTables {
		routeTables[i] = rt.Id()
	}
	vpcendpoint.NewVpcEndpoint(scope, jsii.String("S3Endpoint"), &vpcendpoint.VpcEndpointConfig{
		VpcId:           v.Resource.Id(),
		ServiceName:     jsii.String(ServiceName(region, "s3")),
		VpcEndpointType: jsii.String("Gateway"),
		RouteTableIds:   &routeTables,
		Tags:            nameTag(n.Resource("s3")),
	})
	if props.NAT != NatNone {
		return
	}
	sg := newSecurityGroup(scope, "EndpointSecurityGroup", v, n.Resource("endpoints"),
		"VPC endpoints of "+n.Prefix()+": HTTPS from the ECS tasks only")
	sg.tcpIn("HttpsFromService", "HTTPS from the ECS tasks only", 443, "", v.serviceSG)
	for _, service := range InterfaceEndpointServices {
		vpcendpoint.NewVpcEndpoint(scope, jsii.String(endpointIDs[service]), &vpcendpoint.VpcEndpointConfig{
			VpcId:             v.Resource.Id(),
			ServiceName:       jsii.String(ServiceName(region, service)),
			VpcEndpointType:   jsii.String("Interface"),
			SubnetIds:         v.PrivateSubnetIDs(),
			SecurityGroupIds:  &[]*string{sg.Resource.Id()},
			PrivateDnsEnabled: jsii.Bool(true),
			Tags:              nameTag(n.Resource(service)),
		})
	}
}
