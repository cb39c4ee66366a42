// Package scheduler creates EventBridge Scheduler schedules from a project's
// schedules.yaml, with one least-privilege role per stack and an optional
// dead-letter queue.
package scheduler

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/schedulerschedule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/schedulerschedulegroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/sqsqueue"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
)

// Target is what a schedule invokes: a Lambda function.
type Target interface {
	FunctionName() string
	Arn() *string
	GrantInvoke(iam.Grantable)
}

// SchedulesProps configure Schedules.
type SchedulesProps struct {
	// Schedules are the validated schedules of this environment (see Load).
	Schedules []Schedule
	// Targets maps each function's short name to the function.
	Targets map[string]Target
	// DeadLetterQueue, when true, sends events that exhaust their retries to
	// an SQS queue "<project>-<env>-scheduler-dlq" (SSE on, 14 days'
	// retention). Defaults to false: failed invocations are dropped after the
	// retry policy, as with AWS CDK's default.
	DeadLetterQueue bool
}

// Schedules is the stack's schedule group, the scheduler role, the
// schedules and the optional DLQ.
type Schedules struct {
	constructs.Construct
	// Group holds the stack's schedules. EventBridge Scheduler publishes its
	// metrics (failed invocations, dropped events) per schedule group only,
	// so a stack watches its own schedules through a group of its own; the
	// shared "default" group would mix every project's.
	Group     schedulerschedulegroup.SchedulerScheduleGroup
	Role      *iam.Role
	Resources map[string]schedulerschedule.SchedulerSchedule
	DLQ       sqsqueue.SqsQueue
	groupName string
}

// ScheduleName is the deployed name, "<project>-<env>-<schedule>".
func ScheduleName(n core.Names, schedule string) string { return n.Resource(schedule) }

// GroupName is the stack's schedule group, "<project>-<env>".
func GroupName(n core.Names) string { return n.Prefix() }

// MaxGroupName is EventBridge Scheduler's limit on a group's name.
const MaxGroupName = 64

// GroupName is the name of the stack's schedule group ("" without schedules).
func (s *Schedules) GroupName() string { return s.groupName }

// DeadLetterQueueName is "<project>-<env>-scheduler-dlq".
func DeadLetterQueueName(n core.Names) string { return n.Resource("scheduler-dlq") }

// ValidateNames checks deployed schedule names against AWS's 64 characters.
func ValidateNames(n core.Names, schedules []Schedule) error {
	errs := []error{core.CheckLength("project name (schedule group)", "schedule group", GroupName(n), MaxGroupName)}
	for _, s := range schedules {
		errs = append(errs, core.CheckLength("schedules."+s.Name+".name", "schedule", ScheduleName(n, s.Name), core.MaxScheduleName))
	}
	return core.Join(errs...)
}

// NewSchedules creates the stack's scheduler role and one schedule per entry.
// It creates nothing when there are no schedules.
func NewSchedules(scope constructs.Construct, id string, props *SchedulesProps) *Schedules {
	st := stack.Of(scope)
	n := st.Names
	c := constructs.NewConstruct(scope, jsii.String(id))
	out := &Schedules{Construct: c, Resources: map[string]schedulerschedule.SchedulerSchedule{}}
	if len(props.Schedules) == 0 {
		return out
	}
	if err := ValidateNames(n, props.Schedules); err != nil {
		panic(err)
	}
	out.groupName = GroupName(n)
	out.Group = schedulerschedulegroup.NewSchedulerScheduleGroup(c, jsii.String("Group"), &schedulerschedulegroup.SchedulerScheduleGroupConfig{
		Name: jsii.String(out.groupName),
	})
	out.Role = iam.NewRole(c, "Role", &iam.RoleProps{
		Name:        n.Resource("scheduler"),
		Description: "EventBridge Scheduler role of " + n.Prefix(),
		Trust:       []iam.Statement{iam.ServicePrincipal("scheduler.amazonaws.com", st.Platform.AccountID)},
	})
	var dlq *schedulerschedule.SchedulerScheduleTargetDeadLetterConfig
	if props.DeadLetterQueue {
		out.DLQ = sqsqueue.NewSqsQueue(c, jsii.String("DeadLetterQueue"), &sqsqueue.SqsQueueConfig{
			Name:                    jsii.String(DeadLetterQueueName(n)),
			SqsManagedSseEnabled:    jsii.Bool(true),
			MessageRetentionSeconds: jsii.Number(14 * 24 * 3600),
		})
		dlq = &schedulerschedule.SchedulerScheduleTargetDeadLetterConfig{Arn: out.DLQ.Arn()}
		out.Role.AddToPolicy(iam.Allow("SendToDeadLetterQueue", []string{"sqs:SendMessage"}, *out.DLQ.Arn()))
	}
	granted := map[string]bool{}
	for _, s := range props.Schedules {
		target, ok := props.Targets[s.LambdaName]
		if !ok {
			panic(core.Errorf("schedules."+s.Name+".lambda_name", "declare the function in the project", "no function %q", s.LambdaName))
		}
		if !granted[s.LambdaName] {
			target.GrantInvoke(out.Role)
			granted[s.LambdaName] = true
		}
		state := "ENABLED"
		if !s.Enabled {
			state = "DISABLED"
		}
		t := &schedulerschedule.SchedulerScheduleTarget{
			Arn:     target.Arn(),
			RoleArn: out.Role.Arn(),
			RetryPolicy: &schedulerschedule.SchedulerScheduleTargetRetryPolicy{
				MaximumRetryAttempts:     jsii.Number(float64(s.Retry.MaximumAttempts)),
				MaximumEventAgeInSeconds: jsii.Number(float64(s.Retry.MaximumEventAgeSeconds)),
			},
			DeadLetterConfig: dlq,
		}
		if s.Input != "" {
			t.Input = jsii.String(s.Input)
		}
		out.Resources[s.Name] = schedulerschedule.NewSchedulerSchedule(c, jsii.String(fmt.Sprintf("Schedule-%s", s.Name)), &schedulerschedule.SchedulerScheduleConfig{
			Name:                       jsii.String(ScheduleName(n, s.Name)),
			GroupName:                  out.Group.Name(),
			Description:                jsii.String(s.Description),
			ScheduleExpression:         jsii.String(s.Expression),
			ScheduleExpressionTimezone: jsii.String(s.Timezone),
			State:                      jsii.String(state),
			FlexibleTimeWindow:         &schedulerschedule.SchedulerScheduleFlexibleTimeWindow{Mode: jsii.String("OFF")},
			Target:                     t,
		})
	}
	return out
}
