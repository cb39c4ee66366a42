package alarms

import (
	"fmt"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
)

// topicsARN matches the stack's topics, "<project>-<env>-*", and their
// subscriptions ("<topic ARN>:<id>").
func topicsARN(n core.Names, p core.Platform) string {
	return fmt.Sprintf("arn:aws:sns:%s:%s:%s-*", p.Region, p.AccountID, n.Prefix())
}

// GrantApply lets grantee create, change and delete the stack's alarms and
// its alarm topic, with the topic's policy and subscriptions, as `terraform
// apply` does. The topic's key belongs to the platform stack: SNS only
// records which key to use, so no KMS right is granted.
//
// Actions: cloudwatch:PutMetricAlarm, DeleteAlarms, DescribeAlarms,
// ListTagsForResource, TagResource, UntagResource on "<project>-<env>-*"
// alarms; sns:CreateTopic, DeleteTopic, GetTopicAttributes,
// SetTopicAttributes, ListTagsForResource, TagResource, UntagResource,
// Subscribe, Unsubscribe, GetSubscriptionAttributes,
// SetSubscriptionAttributes on "<project>-<env>-*" topics and their
// subscriptions.
func GrantApply(grantee iam.Grantable, n core.Names, p core.Platform) {
	grantee.AddToPolicy(
		iam.Allow("Alarms", []string{
			"cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource", "cloudwatch:PutMetricAlarm",
			"cloudwatch:TagResource", "cloudwatch:UntagResource",
		}, AlarmARN(n, p, "*")),
		iam.Allow("AlarmTopic", []string{
			"sns:CreateTopic", "sns:DeleteTopic", "sns:GetSubscriptionAttributes", "sns:GetTopicAttributes", "sns:ListTagsForResource",
			"sns:SetSubscriptionAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:TagResource", "sns:Unsubscribe", "sns:UntagResource",
		}, topicsARN(n, p)),
	)
}

// GrantPlan lets grantee read what refreshing them reads (`terraform
// plan`): cloudwatch:DescribeAlarms, ListTagsForResource on the alarms;
// sns:GetTopicAttributes, GetSubscriptionAttributes, ListTagsForResource
// on the topics and subscriptions.
func GrantPlan(grantee iam.Grantable, n core.Names, p core.Platform) {
	grantee.AddToPolicy(
		iam.Allow("ReadAlarms", []string{"cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"}, AlarmARN(n, p, "*")),
		iam.Allow("ReadAlarmTopic", []string{"sns:GetSubscriptionAttributes", "sns:GetTopicAttributes", "sns:ListTagsForResource"}, topicsARN(n, p)),
	)
}
