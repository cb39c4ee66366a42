package scheduler

import (
	"fmt"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
)

// schedulesARN matches the schedules of the stack's group.
func schedulesARN(n core.Names, p core.Platform) string {
	return fmt.Sprintf("arn:aws:scheduler:%s:%s:schedule/%s/*", p.Region, p.AccountID, GroupName(n))
}

// groupARN is the stack's schedule group.
func groupARN(n core.Names, p core.Platform) string {
	return fmt.Sprintf("arn:aws:scheduler:%s:%s:schedule-group/%s", p.Region, p.AccountID, GroupName(n))
}

func queuesARN(n core.Names, p core.Platform) string {
	return fmt.Sprintf("arn:aws:sqs:%s:%s:%s-*", p.Region, p.AccountID, n.Prefix())
}

// GrantApply lets grantee create, change and delete the schedule group,
// the schedules and the dead-letter queue of the stack named n, as
// `terraform apply` does.
//
// Actions: scheduler:CreateScheduleGroup, DeleteScheduleGroup,
// GetScheduleGroup, ListTagsForResource, TagResource, UntagResource on the
// group "<project>-<env>"; scheduler:CreateSchedule, DeleteSchedule,
// GetSchedule, UpdateSchedule on the schedules in it;
// sqs:CreateQueue, DeleteQueue, GetQueueAttributes, SetQueueAttributes,
// GetQueueUrl, ListQueueTags, TagQueue, UntagQueue on "<project>-<env>-*"
// queues.
func GrantApply(grantee iam.Grantable, n core.Names, p core.Platform) {
	grantee.AddToPolicy(
		iam.Allow("ScheduleGroup", []string{
			"scheduler:CreateScheduleGroup", "scheduler:DeleteScheduleGroup", "scheduler:GetScheduleGroup",
			"scheduler:ListTagsForResource", "scheduler:TagResource", "scheduler:UntagResource",
		}, groupARN(n, p)),
		iam.Allow("Schedules", []string{
			"scheduler:CreateSchedule", "scheduler:DeleteSchedule", "scheduler:GetSchedule", "scheduler:UpdateSchedule",
		}, schedulesARN(n, p)),
		iam.Allow("DeadLetterQueue", []string{
			"sqs:CreateQueue", "sqs:DeleteQueue", "sqs:GetQueueAttributes", "sqs:SetQueueAttributes", "sqs:GetQueueUrl",
			"sqs:ListQueueTags", "sqs:TagQueue", "sqs:UntagQueue",
		}, queuesARN(n, p)),
	)
}

// GrantPlan lets grantee read what refreshing them reads (`terraform
// plan`): scheduler:GetScheduleGroup, ListTagsForResource on the group;
// scheduler:GetSchedule; sqs:GetQueueAttributes, GetQueueUrl,
// ListQueueTags.
func GrantPlan(grantee iam.Grantable, n core.Names, p core.Platform) {
	grantee.AddToPolicy(
		iam.Allow("ReadScheduleGroup", []string{"scheduler:GetScheduleGroup", "scheduler:ListTagsForResource"}, groupARN(n, p)),
		iam.Allow("ReadSchedules", []string{"scheduler:GetSchedule"}, schedulesARN(n, p)),
		iam.Allow("ReadDeadLetterQueue", []string{"sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags"}, queuesARN(n, p)),
	)
}
