package constructs_test

import (
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/lambda"
	"github.com/fractallabsdev/talkwise-infra/constructs/scheduler"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"
)

func TestSchedulesSynthesize(t *testing.T) {
	root := synthtest.RepoRoot(t)
	s := synthtest.Synth(t, core.Dev, func(s *stack.Stack) {
		code, err := lambda.Build(root, "lambdas/project-x/project-x-task", s.BuildDir)
		if err != nil {
			t.Fatal(err)
		}
		targets := map[string]scheduler.Target{}
		for _, name := range []string{"job-a", "job-b", "job-unscheduled"} {
			targets[name] = lambda.NewFunction(s.Scope, "Fn-"+name, &lambda.FunctionProps{Name: name, Code: code})
		}
		scheduler.NewSchedules(s.Scope, "Schedules", &scheduler.SchedulesProps{
			Targets: targets, DeadLetterQueue: true,
			Schedules: []scheduler.Schedule{
				{Name: "hourly-a", LambdaName: "job-a", Expression: "rate(1 hour)", Timezone: "UTC", Enabled: true,
					Description: "a", Retry: scheduler.DefaultRetry},
				{Name: "paused-b", LambdaName: "job-b", Expression: "cron(0 9 ? * MON *)", Timezone: "Europe/London", Enabled: false,
					Input: `{"job":"x"}`, Description: "b", Retry: scheduler.Retry{MaximumAttempts: 0, MaximumEventAgeSeconds: 60}},
				{Name: "again-a", LambdaName: "job-a", Expression: "rate(15 minutes)", Timezone: "UTC", Enabled: true,
					Description: "c", Retry: scheduler.DefaultRetry},
			},
		})
	})

	fnA := s.One(t, "aws_lambda_function", synthtest.Where("function_name", "test-dev-job-a"))
	fnB := s.One(t, "aws_lambda_function", synthtest.Where("function_name", "test-dev-job-b"))
	role := s.One(t, "aws_iam_role", synthtest.Where("name", "test-dev-scheduler"))
	dlq := s.One(t, "aws_sqs_queue")

	dlq.Expect(t, map[string]any{
		"name":                      "test-dev-scheduler-dlq",
		"sqs_managed_sse_enabled":   true,
		"message_retention_seconds": 14 * 24 * 3600,
	})

	// The stack's own group: Scheduler's metrics exist per group only.
	group := s.One(t, "aws_scheduler_schedule_group")
	group.Expect(t, map[string]any{"name": "test-dev"})
	for _, sch := range s.Resources("aws_scheduler_schedule") {
		sch.Expect(t, map[string]any{"group_name": group.Ref("name")})
	}
	paused := s.One(t, "aws_scheduler_schedule", synthtest.Where("name", "test-dev-paused-b"))
	paused.Expect(t, map[string]any{
		"schedule_expression":          "cron(0 9 ? * MON *)",
		"schedule_expression_timezone": "Europe/London",
		"state":                        "DISABLED",
		"flexible_time_window":         map[string]any{"mode": "OFF"},
		"target": map[string]any{
			"arn":                fnB.Ref("arn"),
			"role_arn":           role.Ref("arn"),
			"input":              `{"job":"x"}`,
			"retry_policy":       map[string]any{"maximum_retry_attempts": 0, "maximum_event_age_in_seconds": 60},
			"dead_letter_config": map[string]any{"arn": dlq.Ref("arn")},
		},
	})
	hourly := s.One(t, "aws_scheduler_schedule", synthtest.Where("name", "test-dev-hourly-a"))
	hourly.Expect(t, map[string]any{
		"schedule_expression": "rate(1 hour)",
		"state":               "ENABLED",
		"target.arn":          fnA.Ref("arn"),
		"target.retry_policy": map[string]any{"maximum_retry_attempts": 2, "maximum_event_age_in_seconds": 3600},
	})
	if n := len(s.Resources("aws_scheduler_schedule")); n != 3 {
		t.Errorf("%d schedules; want 3", n)
	}

	// Trusted by EventBridge Scheduler of this account only.
	synthtest.ExpectValue(t, "scheduler trust", role.JSON(t, "assume_role_policy"), map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect": "Allow", "Principal": map[string]any{"Service": "scheduler.amazonaws.com"},
			"Action":    []any{"sts:AssumeRole"},
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": "427479925030"}},
		}},
	})
	// May invoke exactly the scheduled functions (not job-unscheduled), once each.
	policy := s.One(t, "aws_iam_role_policy", synthtest.Where("role", role.Ref("name")))
	synthtest.ExpectValue(t, "scheduler policy", policy.JSON(t, "policy"), map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{
			map[string]any{"Sid": "InvokeTestDevJobA", "Effect": "Allow", "Action": []any{"lambda:InvokeFunction"}, "Resource": []any{fnA.Ref("arn")}},
			map[string]any{"Sid": "InvokeTestDevJobB", "Effect": "Allow", "Action": []any{"lambda:InvokeFunction"}, "Resource": []any{fnB.Ref("arn")}},
			map[string]any{"Sid": "SendToDeadLetterQueue", "Effect": "Allow", "Action": []any{"sqs:SendMessage"}, "Resource": []any{dlq.Ref("arn")}},
		},
	})
}

func TestScheduleNameLimit(t *testing.T) {
	n := core.Names{Project: "practice-interviews", Environment: core.Production}
	long := scheduler.Schedule{Name: "customerio-trial-ended-every-quarter-hour-check"}
	err := scheduler.ValidateNames(n, []scheduler.Schedule{long})
	if err == nil {
		t.Fatal("a 78-character schedule name must be refused (AWS allows 64)")
	}
	if err := scheduler.ValidateNames(n, []scheduler.Schedule{{Name: "trial-ended"}}); err != nil {
		t.Error(err)
	}
}
