package networking

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/flowlog"

	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
	"github.com/fractallabsdev/talkwise-infra/constructs/logs"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
)

// FlowLogGroupPrefix starts the name of every VPC flow-log group. `make logs`
// leaves these groups out: they are network records, not service output.
const FlowLogGroupPrefix = "/aws/vpc/flow-logs/"

// newFlowLogs records all accepted and rejected traffic of the VPC in a
// CloudWatch log group with a retention, delivered by a role that can write
// to that group only.
func newFlowLogs(scope constructs.Construct, v *Vpc, st *stack.Stack, props *VpcProps) {
	n, p := st.Names, st.Platform
	c := constructs.NewConstruct(scope, jsii.String("FlowLogs"))
	group := logs.NewLogGroup(c, "Logs", &logs.LogGroupProps{
		Name:          FlowLogGroupPrefix + n.Prefix(),
		RetentionDays: props.FlowLogRetentionDays,
	})
	role := iam.NewRole(c, "Role", &iam.RoleProps{
		Name:        n.Resource("vpc-flow-logs"),
		Description: "Delivers VPC flow logs of " + n.Prefix() + " to CloudWatch Logs",
		Trust:       []iam.Statement{iam.ServicePrincipal("vpc-flow-logs.amazonaws.com", p.AccountID)},
	})
	group.GrantWrite(role, "WriteFlowLogs")
	role.AddToPolicy(iam.Allow("DescribeFlowLogGroup",
		[]string{"logs:DescribeLogGroups", "logs:DescribeLogStreams"},
		fmt.Sprintf("arn:aws:logs:%s:%s:log-group:*", p.Region, p.AccountID)))
	flowlog.NewFlowLog(c, jsii.String("Resource"), &flowlog.FlowLogConfig{
		VpcId:              v.Resource.Id(),
		TrafficType:        jsii.String("ALL"),
		LogDestinationType: jsii.String("cloud-watch-logs"),
		LogDestination:     group.Arn(),
		IamRoleArn:         role.Arn(),
		// One-minute aggregation: records arrive quickly enough to debug with.
		MaxAggregationInterval: jsii.Number(60),
		Tags:                   nameTag(n.Resource("vpc")),
	})
}
