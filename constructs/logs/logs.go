// Package logs creates CloudWatch log groups with a retention and grants
// write access to exactly one group.
package logs

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
)

// RetentionDays are the values CloudWatch Logs accepts for retention_in_days.
var RetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// ValidateRetention checks days against CloudWatch's allowed values. Zero
// ("never expire") is refused: logs must not grow without bound.
func ValidateRetention(field string, days int) error {
	for _, d := range RetentionDays {
		if d == days {
			return nil
		}
	}
	return core.Errorf(field, fmt.Sprintf("use one of %v", RetentionDays), "%d days is not a CloudWatch Logs retention", days)
}

// LogGroupProps configure a LogGroup.
type LogGroupProps struct {
	// Name is the full log group name, e.g. /aws/lambda/<function>.
	Name string
	// RetentionDays must be one of RetentionDays.
	RetentionDays int
}

// LogGroup is a CloudWatch log group.
type LogGroup struct {
	constructs.Construct
	Resource cloudwatchloggroup.CloudwatchLogGroup
	name     string
}

// NewLogGroup creates the group.
func NewLogGroup(scope constructs.Construct, id string, props *LogGroupProps) *LogGroup {
	if err := ValidateRetention("log retention of "+props.Name, props.RetentionDays); err != nil {
		panic(err)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	g := cloudwatchloggroup.NewCloudwatchLogGroup(c, jsii.String("Resource"), &cloudwatchloggroup.CloudwatchLogGroupConfig{
		Name:            jsii.String(props.Name),
		RetentionInDays: jsii.Number(float64(props.RetentionDays)),
	})
	return &LogGroup{Construct: c, Resource: g, name: props.Name}
}

// Name is the group's name.
func (g *LogGroup) Name() string { return g.name }

// Arn is the group's ARN without the trailing ":*".
func (g *LogGroup) Arn() *string { return g.Resource.Arn() }

// GrantWrite lets grantee create streams in and write events to this group
// only. Actions: logs:CreateLogStream, logs:PutLogEvents on
// <group arn>:log-stream:*.
func (g *LogGroup) GrantWrite(grantee iam.Grantable, sid string) {
	grantee.AddToPolicy(iam.Allow(sid,
		[]string{"logs:CreateLogStream", "logs:PutLogEvents"},
		*g.Arn()+":log-stream:*"))
}

// groupsARN matches the log groups whose names start with prefix, plus the
// groups named exactly in names (as "<name>" and "<name>:*", the two forms
// CloudWatch Logs' actions are authorized against).
func groupsARN(p core.Platform, prefix string, names []string) []string {
	out := []string{fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s*", p.Region, p.AccountID, prefix)}
	for _, name := range names {
		arn := fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", p.Region, p.AccountID, name)
		out = append(out, arn, arn+":*")
	}
	return out
}

// GrantApply lets grantee create, change and delete the log groups whose
// names start with prefix, and those named exactly in names (the log
// groups of adopted functions), as `terraform apply` does.
//
// Actions: logs:CreateLogGroup, DeleteLogGroup, PutRetentionPolicy,
// DeleteRetentionPolicy, ListTagsForResource, ListTagsLogGroup,
// TagResource, UntagResource on those groups; logs:DescribeLogGroups on "*"
// (it cannot be scoped to a resource).
func GrantApply(grantee iam.Grantable, p core.Platform, prefix string, names ...string) {
	grantee.AddToPolicy(
		iam.Allow("LogGroups", []string{
			"logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy",
			"logs:ListTagsForResource", "logs:ListTagsLogGroup", "logs:TagResource", "logs:UntagResource",
		}, groupsARN(p, prefix, names)...),
		iam.Allow("DescribeLogGroups", []string{"logs:DescribeLogGroups"}, "*"),
	)
}

// GrantPlan lets grantee read what refreshing those log groups reads
// (`terraform plan`): logs:ListTagsForResource and ListTagsLogGroup on
// them, logs:DescribeLogGroups on "*".
func GrantPlan(grantee iam.Grantable, p core.Platform, prefix string, names ...string) {
	grantee.AddToPolicy(
		iam.Allow("ReadLogGroups", []string{"logs:ListTagsForResource", "logs:ListTagsLogGroup"}, groupsARN(p, prefix, names)...),
		iam.Allow("DescribeLogGroups", []string{"logs:DescribeLogGroups"}, "*"),
	)
}
