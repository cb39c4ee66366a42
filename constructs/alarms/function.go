package alarms

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// FunctionThresholds are the thresholds of a scheduled function's alarms.
// Each is compared over 5 minutes, and one breaching period raises the
// alarm: a job that runs hourly produces one datapoint an hour, and one
// failure is already worth a look. A zero field takes its default.
type FunctionThresholds struct {
	// Errors is how many failed invocations (AWS/Lambda Errors: the handler
	// threw or timed out) in 5 minutes raise the alarm. Defaults to 1.
	Errors int
	// Throttles is how many invocations Lambda refused for lack of
	// concurrency (Throttles) in 5 minutes raise the alarm. Defaults to 1.
	Throttles int
	// DurationPercentOfTimeout is the longest invocation of 5 minutes
	// (Duration, Maximum), as a percentage of the function's timeout, that
	// raises the alarm: the job is close to being killed. Defaults to 80.
	DurationPercentOfTimeout int
	// SchedulerFailedInvocations is how many times in 5 minutes EventBridge
	// Scheduler failed to invoke a target of the stack's schedule group
	// (AWS/Scheduler TargetErrorCount: permission, throttling, a missing
	// function) that raise the alarm. Defaults to 1.
	SchedulerFailedInvocations int
	// DeadLetterMessages is how many messages waiting in the stack's
	// dead-letter queue (events whose retries ran out) raise the alarm,
	// where the stack has one. Defaults to 1.
	DeadLetterMessages int
}

// Defaults of FunctionThresholds.
const (
	DefaultErrors                     = 1
	DefaultThrottles                  = 1
	DefaultDurationPercentOfTimeout   = 80
	DefaultSchedulerFailedInvocations = 1
	DefaultDeadLetterMessages         = 1
)

// functionPeriod is the 5 minutes every scheduled-function alarm compares.
const functionPeriod = 300

// WithDefaults fills every zero field.
func (t FunctionThresholds) WithDefaults() FunctionThresholds {
	for _, f := range []struct {
		v *int
		d int
	}{
		{&t.Errors, DefaultErrors}, {&t.Throttles, DefaultThrottles},
		{&t.DurationPercentOfTimeout, DefaultDurationPercentOfTimeout},
		{&t.SchedulerFailedInvocations, DefaultSchedulerFailedInvocations},
		{&t.DeadLetterMessages, DefaultDeadLetterMessages},
	} {
		if *f.v == 0 {
			*f.v = f.d
		}
	}
	return t
}

// Validate checks the thresholds after defaults, naming field.
func (t FunctionThresholds) Validate(field string) error {
	t = t.WithDefaults()
	var errs []error
	for _, c := range []struct {
		name      string
		v, lo, hi int
	}{
		{"Errors", t.Errors, 1, 1 << 30},
		{"Throttles", t.Throttles, 1, 1 << 30},
		// 100 % is the timeout itself: Lambda stops the function there, so
		// a higher threshold could never be reached.
		{"DurationPercentOfTimeout", t.DurationPercentOfTimeout, 1, 100},
		{"SchedulerFailedInvocations", t.SchedulerFailedInvocations, 1, 1 << 30},
		{"DeadLetterMessages", t.DeadLetterMessages, 1, 1 << 30},
	} {
		if c.v < c.lo || c.v > c.hi {
			errs = append(errs, core.Errorf(field+"."+c.name, fmt.Sprintf("use %d-%d (0 takes the default)", c.lo, c.hi), "%d is out of range", c.v))
		}
	}
	return core.Join(errs...)
}

// Function is the Lambda function watched (lambda.Function).
type Function interface {
	// FunctionName is the deployed name CloudWatch's FunctionName dimension holds.
	FunctionName() string
	// TimeoutSeconds is the function's timeout.
	TimeoutSeconds() int
}

// FunctionAlarmsProps configure FunctionAlarms.
type FunctionAlarmsProps struct {
	Function Function
	// Name is the function's short name, which names the alarms
	// "<project>-<env>-<Name>-errors", "-throttles" and "-duration" (the
	// deployed name may be an adopted one without the prefix). Required.
	Name string
	// Notify gets the notifications (the stack's Topic). Required.
	Notify     ActionTarget
	Thresholds FunctionThresholds
}

// FunctionAlarms are a function's errors, throttles and duration alarms.
type FunctionAlarms struct {
	constructs.Construct
	Alarms []*Alarm
}

// NewFunctionAlarms creates the alarms.
func NewFunctionAlarms(scope constructs.Construct, id string, props *FunctionAlarmsProps) *FunctionAlarms {
	if err := props.Thresholds.Validate("Thresholds"); err != nil {
		panic(err)
	}
	t := props.Thresholds.WithDefaults()
	c := constructs.NewConstruct(scope, jsii.String(id))
	out := &FunctionAlarms{Construct: c}
	fn := props.Function.FunctionName()
	dims := map[string]*string{"FunctionName": jsii.String(fn)}
	metric := func(name, statistic string) Metric {
		return Metric{Namespace: "AWS/Lambda", Name: name, Dimensions: dims, Statistic: statistic, PeriodSeconds: functionPeriod}
	}
	add := func(id, what, description string, m Metric, threshold float64) {
		out.Alarms = append(out.Alarms, NewAlarm(c, id, &AlarmProps{
			Suffix: props.Name + "-" + what, Description: description, Metric: m, Threshold: threshold, Notify: props.Notify,
		}))
	}
	add("Errors", "errors", fmt.Sprintf("%s failed %d or more times in 5 minutes (the handler threw or timed out). Check its logs: /aws/lambda/%s.", fn, t.Errors, fn),
		metric("Errors", "Sum"), float64(t.Errors))
	add("Throttles", "throttles", fmt.Sprintf("Lambda refused %d or more invocations of %s in 5 minutes for lack of concurrency.", t.Throttles, fn),
		metric("Throttles", "Sum"), float64(t.Throttles))
	timeoutMs := float64(props.Function.TimeoutSeconds()) * 1000
	add("Duration", "duration", fmt.Sprintf("An invocation of %s ran %d%% or more of its %d s timeout: it is close to being stopped.", fn, t.DurationPercentOfTimeout, props.Function.TimeoutSeconds()),
		metric("Duration", "Maximum"), timeoutMs*float64(t.DurationPercentOfTimeout)/100)
	return out
}

// NewScheduleGroupAlarm watches the schedule group groupName: EventBridge
// Scheduler publishes its metrics per group only, which is why each stack
// has a group of its own. The alarm is "<project>-<env>-scheduler-failed-invocations".
func NewScheduleGroupAlarm(scope constructs.Construct, id, groupName string, notify ActionTarget, thresholds FunctionThresholds) *Alarm {
	if err := thresholds.Validate("Thresholds"); err != nil {
		panic(err)
	}
	t := thresholds.WithDefaults()
	return NewAlarm(scope, id, &AlarmProps{
		Suffix: "scheduler-failed-invocations",
		Description: fmt.Sprintf("EventBridge Scheduler failed to invoke a target of schedule group %s %d or more times in 5 minutes (permissions, throttling, a missing function); after its retries the event is dropped, or sent to the dead-letter queue if there is one.",
			groupName, t.SchedulerFailedInvocations),
		Metric: Metric{Namespace: "AWS/Scheduler", Name: "TargetErrorCount", Statistic: "Sum", PeriodSeconds: functionPeriod,
			Dimensions: map[string]*string{"ScheduleGroup": jsii.String(groupName)}},
		Threshold: float64(t.SchedulerFailedInvocations), Notify: notify,
	})
}

// NewQueueDepthAlarm watches the number of messages waiting in a
// dead-letter queue: "<project>-<env>-<suffix>".
func NewQueueDepthAlarm(scope constructs.Construct, id, suffix, queueName string, notify ActionTarget, thresholds FunctionThresholds) *Alarm {
	if err := thresholds.Validate("Thresholds"); err != nil {
		panic(err)
	}
	t := thresholds.WithDefaults()
	return NewAlarm(scope, id, &AlarmProps{
		Suffix: suffix,
		Description: fmt.Sprintf("%d or more events wait in the dead-letter queue %s: their invocations failed after every retry. Read them, fix the cause, and re-run or delete them.",
			t.DeadLetterMessages, queueName),
		Metric: Metric{Namespace: "AWS/SQS", Name: "ApproximateNumberOfMessagesVisible", Statistic: "Maximum", PeriodSeconds: functionPeriod,
			Dimensions: map[string]*string{"QueueName": jsii.String(queueName)}},
		Threshold: float64(t.DeadLetterMessages), Notify: notify,
	})
}
