package constructs_test

import (
	"strings"
	"testing"
	"time"

	"github.com/fractallabsdev/talkwise-infra/constructs/alarms"
	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/patterns/ecsservice"
	"github.com/fractallabsdev/talkwise-infra/constructs/patterns/scheduledlambda"
	"github.com/fractallabsdev/talkwise-infra/constructs/ssm"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	. "github.com/fractallabsdev/talkwise-infra/internal/synthtest"
)

// The alarm topic: "<project>-<env>-alarms", encrypted with the platform's
// customer managed key (CloudWatch cannot publish to a topic under the AWS
// managed alias/aws/sns), publishable only by this stack's alarms of this
// account, one email subscription per address, keyed by the address.
func TestAlarmTopic(t *testing.T) {
	st := Synth(t, core.Production, func(s *stack.Stack) {
		alarms.NewTopic(s.Scope, "Alarms", &alarms.TopicProps{Emails: []string{"ops@talkwise.ai", "oncall@talkwise.ai"}})
	})
	topic := st.One(t, "aws_sns_topic")
	topic.Expect(t, map[string]any{"name": "test-production-alarms", "kms_master_key_id": "alias/infra-platform-alarms"})
	policy := st.One(t, "aws_sns_topic_policy")
	policy.Expect(t, map[string]any{"arn": topic.Ref("arn")})
	ExpectValue(t, "topic policy", policy.JSON(t, "policy"), map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Sid": "StackAlarmsPublish", "Effect": "Allow",
			"Principal": map[string]any{"Service": "cloudwatch.amazonaws.com"},
			"Action":    []string{"sns:Publish"},
			"Resource":  []string{"arn:aws:sns:us-east-2:427479925030:test-production-alarms"},
			"Condition": map[string]any{
				"ArnLike":      map[string]any{"aws:SourceArn": "arn:aws:cloudwatch:us-east-2:427479925030:alarm:test-production-*"},
				"StringEquals": map[string]any{"aws:SourceAccount": "427479925030"},
			},
		}},
	})
	subs := st.Resources("aws_sns_topic_subscription")
	if len(subs) != 2 {
		t.Fatalf("%d subscriptions; want 2", len(subs))
	}
	for _, addr := range []string{"ops@talkwise.ai", "oncall@talkwise.ai"} {
		sub := st.One(t, "aws_sns_topic_subscription", Where("endpoint", addr))
		sub.Expect(t, map[string]any{"protocol": "email", "topic_arn": topic.Ref("arn")})
		if path := sub.String("//.metadata.path"); !strings.HasSuffix(path, "/Email-"+addr) {
			t.Errorf("subscription %s at %s: keyed by its address, removing another must not replace it", addr, path)
		}
	}
}

// alarmsByName indexes a stack's alarms by name.
func alarmsByName(st *Stack) map[string]Resource {
	out := map[string]Resource{}
	for _, a := range st.Resources("aws_cloudwatch_metric_alarm") {
		out[a.String("alarm_name")] = a
	}
	return out
}

// A service's alarms watch what AWS publishes for it (ALB and ECS
// metrics, with the dimensions CloudWatch names them by), notify the
// stack's topic on ALARM and OK, and stop and roll back a CodeDeploy
// deployment that raises any of them.
func TestServiceAlarmsRollBackBlueGreenDeployments(t *testing.T) {
	stacks, err := SynthProjects(t, []stack.Project{ecsservice.Project("api", ecsservice.Settings{GitHubRepository: "o/r",
		Environments: map[core.Environment]ecsservice.EnvironmentSettings{core.Production: {AllowHTTPWithoutCertificate: true,
			AlarmEmails: []string{"ops@talkwise.ai"}}}})}, "")
	if err != nil {
		t.Fatal(err)
	}
	st := stacks["api-production"]
	lb := st.One(t, "aws_lb").Ref("arn_suffix")
	blue := st.One(t, "aws_lb_target_group", Where("name", "api-production-blue")).Ref("arn_suffix")
	green := st.One(t, "aws_lb_target_group", Where("name", "api-production-green")).Ref("arn_suffix")
	topic := st.One(t, "aws_sns_topic", Where("name", "api-production-alarms"))
	ecsDims := map[string]any{"ClusterName": "api-production-cluster", "ServiceName": "api-production-api"}
	type want struct {
		namespace, metric, statistic string
		dims                         map[string]any
		threshold                    float64
		datapoints, periods          int
	}
	wants := map[string]want{
		"api-production-alb-5xx":                 {"AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", map[string]any{"LoadBalancer": lb}, 10, 2, 3},
		"api-production-api-5xx":                 {"AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", map[string]any{"LoadBalancer": lb}, 10, 2, 3},
		"api-production-blue-unhealthy-targets":  {"AWS/ApplicationELB", "UnHealthyHostCount", "Maximum", map[string]any{"LoadBalancer": lb, "TargetGroup": blue}, 1, 2, 3},
		"api-production-green-unhealthy-targets": {"AWS/ApplicationELB", "UnHealthyHostCount", "Maximum", map[string]any{"LoadBalancer": lb, "TargetGroup": green}, 1, 2, 3},
		"api-production-api-p95-response-time":   {"AWS/ApplicationELB", "TargetResponseTime", "", map[string]any{"LoadBalancer": lb}, 3, 3, 3},
		"api-production-api-cpu-high":            {"AWS/ECS", "CPUUtilization", "Average", ecsDims, 90, 3, 3},
		"api-production-api-memory-high":         {"AWS/ECS", "MemoryUtilization", "Average", ecsDims, 90, 3, 3},
	}
	got := alarmsByName(st)
	if len(got) != len(wants) {
		t.Errorf("%d alarms; want %d", len(got), len(wants))
	}
	for name, w := range wants {
		a, ok := got[name]
		if !ok {
			t.Errorf("no alarm %s", name)
			continue
		}
		a.Expect(t, map[string]any{
			"namespace": w.namespace, "metric_name": w.metric, "dimensions": w.dims, "period": 60,
			"comparison_operator": "GreaterThanOrEqualToThreshold", "threshold": w.threshold,
			"datapoints_to_alarm": w.datapoints, "evaluation_periods": w.periods, "treat_missing_data": "notBreaching",
			"alarm_actions": []string{topic.Ref("arn")}, "ok_actions": []string{topic.Ref("arn")},
		})
		if w.statistic == "" {
			// A percentile is an extended statistic; minutes too quiet for a
			// p95 to mean anything keep the alarm's state.
			a.Expect(t, map[string]any{"extended_statistic": "p95", "statistic": nil, "evaluate_low_sample_count_percentiles": "ignore"})
		} else {
			a.Expect(t, map[string]any{"statistic": w.statistic, "extended_statistic": nil})
		}
		if a.String("alarm_description") == "" {
			t.Errorf("%s has no description", name)
		}
	}
	var refs []string
	for _, name := range []string{"alb-5xx", "api-5xx", "blue-unhealthy-targets", "green-unhealthy-targets", "api-p95-response-time", "api-cpu-high", "api-memory-high"} {
		refs = append(refs, got["api-production-"+name].Ref("alarm_name"))
	}
	st.One(t, "aws_codedeploy_deployment_group").Expect(t, map[string]any{
		"alarm_configuration":         map[string]any{"alarms": refs, "enabled": true, "ignore_poll_alarm_failure": false},
		"auto_rollback_configuration": map[string]any{"enabled": true, "events": []string{"DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"}},
	})
	// Blue/green: CodeDeploy rolls back, ECS's own deployment alarms stay off.
	st.One(t, "aws_ecs_service").Expect(t, map[string]any{"alarms": nil})
	st.One(t, "aws_sns_topic_subscription").Expect(t, map[string]any{"endpoint": "ops@talkwise.ai", "protocol": "email"})
	if got := st.Output("alarm_topic_arn"); got != topic.Ref("arn") {
		t.Errorf("output alarm_topic_arn = %v", got)
	}
	// Container Insights stays on (per-task metrics beside the alarms).
	st.One(t, "aws_ecs_cluster").Expect(t, map[string]any{"setting": []any{map[string]any{"name": "containerInsights", "value": "enabled"}}})
}

// Rolling deployments roll back through ECS's deployment alarms; the
// thresholds are settings.
func TestServiceAlarmsRollBackRollingDeploymentsWithTheirThresholds(t *testing.T) {
	stacks, err := SynthProjects(t, []stack.Project{ecsservice.Project("api", ecsservice.Settings{GitHubRepository: "o/r",
		Environments: map[core.Environment]ecsservice.EnvironmentSettings{core.Dev: {Deployment: core.Rolling,
			Alarms: alarms.ServiceThresholds{Target5xxPerMinute: 50, ResponseTimeP95: 20 * time.Second, CPUPercent: 95}},
			core.Production: {AllowHTTPWithoutCertificate: true}}})}, "")
	if err != nil {
		t.Fatal(err)
	}
	st := stacks["api-dev"]
	got := alarmsByName(st)
	got["api-dev-api-5xx"].Expect(t, map[string]any{"threshold": 50})
	got["api-dev-api-p95-response-time"].Expect(t, map[string]any{"threshold": 20})
	got["api-dev-api-cpu-high"].Expect(t, map[string]any{"threshold": 95})
	got["api-dev-alb-5xx"].Expect(t, map[string]any{"threshold": 10})
	if _, ok := got["api-dev-green-unhealthy-targets"]; ok || len(got) != 6 {
		t.Errorf("alarms %v; a rolling service has one target group, so 6 alarms", len(got))
	}
	var names []string
	for _, n := range []string{"alb-5xx", "api-5xx", "blue-unhealthy-targets", "api-p95-response-time", "api-cpu-high", "api-memory-high"} {
		names = append(names, got["api-dev-"+n].Ref("alarm_name"))
	}
	st.One(t, "aws_ecs_service").Expect(t, map[string]any{
		"alarms":                     map[string]any{"alarm_names": names, "enable": true, "rollback": true},
		"deployment_circuit_breaker": map[string]any{"enable": true, "rollback": true},
	})
	if n := len(st.Resources("aws_codedeploy_deployment_group")); n != 0 {
		t.Errorf("%d deployment groups for a rolling service", n)
	}
}

func TestAlarmSettingsRejectBadValues(t *testing.T) {
	_, err := SynthProjects(t, []stack.Project{ecsservice.Project("api", ecsservice.Settings{GitHubRepository: "o/r",
		Environments: map[core.Environment]ecsservice.EnvironmentSettings{core.Production: {AllowHTTPWithoutCertificate: true,
			AlarmEmails: []string{"ops@talkwise.ai", "ops team"}, Alarms: alarms.ServiceThresholds{CPUPercent: 120, ResponseTimeP95: 2 * time.Minute}}}})}, "")
	for _, want := range []string{
		`stack api-production: Environments[production].AlarmEmails[1]: "ops team" is not an email address`,
		"Environments[production].Alarms.CPUPercent: 120 is out of range; use 1-100",
		"Environments[production].Alarms.ResponseTimeP95: 2m0s is out of range; use 1ms-60s",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v\nwant %q", err, want)
		}
	}
	_, err = SynthProjects(t, []stack.Project{scheduledlambda.Project("ruk-scheduler", scheduledlambda.Settings{
		Functions:   []scheduledlambda.Function{{Name: "message-hub-dispatch", Parameters: []ssm.Parameter{{Key: "message-hub-url"}}}},
		AlarmEmails: map[core.Environment][]string{"staging": {"ops@talkwise.ai"}, core.Dev: {"a@b.c", "a@b.c"}},
		Alarms:      alarms.FunctionThresholds{DurationPercentOfTimeout: 150},
	})}, "")
	for _, want := range []string{
		// Project-wide settings: reported once, for both stacks, in the project's file.
		`stacks ruk-scheduler-dev, ruk-scheduler-production: projects/ruk-scheduler/project.go: Alarms.DurationPercentOfTimeout: 150 is out of range; use 1-100`,
		`AlarmEmails[dev][1]: duplicate address "a@b.c"`,
		`AlarmEmails[staging]: unknown environment "staging"; use one of dev, production`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v\nwant %q", err, want)
		}
	}
}

// A scheduled function's alarms: its errors, throttles and duration near
// the timeout (AWS/Lambda, by its deployed name), the failed invocations of
// the stack's own schedule group (Scheduler publishes per group only), and
// the dead-letter queue's depth where there is one; 5-minute periods, one
// breaching period raises them.
func TestScheduledFunctionAlarms(t *testing.T) {
	stacks, err := SynthProjects(t, []stack.Project{scheduledlambda.Project("ruk-scheduler", scheduledlambda.Settings{
		Functions: []scheduledlambda.Function{{Name: "message-hub-dispatch", TimeoutSeconds: 45,
			Parameters: []ssm.Parameter{{Key: "message-hub-url"}}, ExistingNames: map[core.Environment]string{core.Production: "legacy-dispatch"}}},
		DeadLetterQueue: true,
		Alarms:          alarms.FunctionThresholds{Errors: 3},
		AlarmEmails:     map[core.Environment][]string{core.Production: {"ops@talkwise.ai"}},
	})}, "")
	if err != nil {
		t.Fatal(err)
	}
	st := stacks["ruk-scheduler-production"]
	topic := st.One(t, "aws_sns_topic", Where("name", "ruk-scheduler-production-alarms"))
	fn := map[string]any{"FunctionName": "legacy-dispatch"}
	type want struct {
		namespace, metric, statistic string
		dims                         map[string]any
		threshold                    float64
	}
	wants := map[string]want{
		// Named "<project>-<env>-..." though the function keeps its old name.
		"ruk-scheduler-production-message-hub-dispatch-errors":    {"AWS/Lambda", "Errors", "Sum", fn, 3},
		"ruk-scheduler-production-message-hub-dispatch-throttles": {"AWS/Lambda", "Throttles", "Sum", fn, 1},
		// 80 % of the 45 s timeout, in Lambda's unit (milliseconds).
		"ruk-scheduler-production-message-hub-dispatch-duration": {"AWS/Lambda", "Duration", "Maximum", fn, 36000},
		"ruk-scheduler-production-scheduler-failed-invocations":  {"AWS/Scheduler", "TargetErrorCount", "Sum", map[string]any{"ScheduleGroup": "ruk-scheduler-production"}, 1},
		"ruk-scheduler-production-scheduler-dlq-messages":        {"AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", map[string]any{"QueueName": "ruk-scheduler-production-scheduler-dlq"}, 1},
	}
	got := alarmsByName(st)
	if len(got) != len(wants) {
		t.Errorf("%d alarms; want %d", len(got), len(wants))
	}
	for name, w := range wants {
		a, ok := got[name]
		if !ok {
			t.Errorf("no alarm %s", name)
			continue
		}
		a.Expect(t, map[string]any{
			"namespace": w.namespace, "metric_name": w.metric, "statistic": w.statistic, "dimensions": w.dims,
			"threshold": w.threshold, "period": 300, "evaluation_periods": 1, "datapoints_to_alarm": 1,
			"comparison_operator": "GreaterThanOrEqualToThreshold", "treat_missing_data": "notBreaching",
			"alarm_actions": []string{topic.Ref("arn")}, "ok_actions": []string{topic.Ref("arn")},
		})
	}
	// The group the alarm watches is the one the schedules are in.
	group := st.One(t, "aws_scheduler_schedule_group", Where("name", "ruk-scheduler-production"))
	for _, s := range st.Resources("aws_scheduler_schedule") {
		s.Expect(t, map[string]any{"group_name": group.Ref("name")})
	}
	st.One(t, "aws_sns_topic_subscription").Expect(t, map[string]any{"endpoint": "ops@talkwise.ai"})
	if n := len(stacks["ruk-scheduler-dev"].Resources("aws_sns_topic_subscription")); n != 0 {
		t.Errorf("dev has %d subscriptions; the addresses are production's", n)
	}
}
