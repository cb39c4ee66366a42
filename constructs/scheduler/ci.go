package scheduler

import (
	"fmt"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
)

func schedulesARN(n core.Names, p core.Platform) string {
	return fmt.Sprintf("arn:aws:scheduler:%s:%s:schedule/default/%s-*", p.Region, p.AccountID, n.Prefix())
}

func queuesARN(n core.Names, p core.Platform) string {
	return fmt.Sprintf("arn:aws:sqs:%s:%s:%s-*", p.Region, p.AccountID, n.Prefix())
}

// GrantApply lets grantee create, change and delete the schedules and the
// dead-letter queue of the stack named n, as `terraform apply` does.
//
// Actions: scheduler:CreateSchedule, DeleteSchedule, GetSchedule,
// UpdateSchedule on "<project>-<env>-*" schedules of the default group;
// sqs:CreateQueue, DeleteQueue, GetQueueAttributes, SetQueueAttributes,
// GetQueueUrl, ListQueueTags, TagQueue, UntagQueue on "<project>-<env>-*"
// queues.
func GrantApply(grantee iam.Grantable, n core.Names, p core.Platform) {
	grantee.AddToPolicy(
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
// plan`): scheduler:GetSchedule; sqs:GetQueueAttributes, GetQueueUrl,
// ListQueueTags.
func GrantPlan(grantee iam.Grantable, n core.Names, p core.Platform) {
	grantee.AddToPolicy(
		iam.Allow("ReadSchedules", []string{"scheduler:GetSchedule"}, schedulesARN(n, p)),
		iam.Allow("ReadDeadLetterQueue", []string{"sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags"}, queuesARN(n, p)),
	)
}
