package alarms

import (
	"fmt"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchmetricalarm"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
)

// Metric is one CloudWatch metric and how to aggregate it.
type Metric struct {
	// Namespace and Name, e.g. "AWS/Lambda" and "Errors". Required.
	Namespace, Name string
	// Dimensions single out the resource, e.g. {"FunctionName": ...}.
	Dimensions map[string]*string
	// Statistic is "Sum", "Average", "Maximum", ... or a percentile such as
	// "p95". Required.
	Statistic string
	// PeriodSeconds is the length of one datapoint. Required: 60 or a
	// multiple of 60 (standard-resolution metrics).
	PeriodSeconds int
}

// percentile reports whether the statistic is a percentile ("p95"), which
// CloudWatch takes as an extended statistic.
func (m Metric) percentile() bool {
	return len(m.Statistic) > 1 && m.Statistic[0] == 'p' && strings.Trim(m.Statistic[1:], "0123456789.") == ""
}

// ActionTarget is what an alarm notifies: the stack's Topic.
type ActionTarget interface {
	Arn() *string
}

// AlarmProps configure an Alarm. Every alarm here fires when its metric is
// at or above the threshold in DatapointsToAlarm of the last
// EvaluationPeriods periods, and a period without data counts as fine
// (treat_missing_data "notBreaching"): the load balancer and Lambda publish
// no error count while there are no errors.
type AlarmProps struct {
	// Suffix names the alarm "<project>-<env>-<Suffix>". Required.
	Suffix string
	// Description says what the alarm means and where to look. Required.
	Description string
	Metric      Metric
	// Threshold is the value at or above which a datapoint breaches.
	Threshold float64
	// EvaluationPeriods and DatapointsToAlarm: "M of N". Both default to 1.
	EvaluationPeriods, DatapointsToAlarm int
	// Notify gets the ALARM and OK notifications. Required.
	Notify ActionTarget
}

func (p *AlarmProps) validate(n core.Names) error {
	if p.EvaluationPeriods == 0 {
		p.EvaluationPeriods = 1
	}
	if p.DatapointsToAlarm == 0 {
		p.DatapointsToAlarm = 1
	}
	var errs []error
	errs = append(errs, core.ValidateResourceName("Suffix", p.Suffix), core.CheckLength("Suffix", "alarm", n.Resource(p.Suffix), MaxAlarmName))
	if p.Metric.Namespace == "" || p.Metric.Name == "" || p.Metric.Statistic == "" || p.Description == "" || p.Notify == nil {
		errs = append(errs, fmt.Errorf("alarms.AlarmProps %s: Metric.Namespace, Metric.Name, Metric.Statistic, Description and Notify are required", p.Suffix))
	}
	if p.Metric.PeriodSeconds < 60 || p.Metric.PeriodSeconds%60 != 0 {
		errs = append(errs, core.Errorf("Metric.PeriodSeconds", "use 60 or a multiple of 60", "%d s is not a standard-resolution period", p.Metric.PeriodSeconds))
	}
	if p.DatapointsToAlarm > p.EvaluationPeriods {
		errs = append(errs, core.Errorf("DatapointsToAlarm", "use at most EvaluationPeriods", "%d of %d periods", p.DatapointsToAlarm, p.EvaluationPeriods))
	}
	return core.Join(errs...)
}

// MaxAlarmName is CloudWatch's limit on an alarm's name.
const MaxAlarmName = 255

// Alarm is a CloudWatch metric alarm.
type Alarm struct {
	constructs.Construct
	Resource cloudwatchmetricalarm.CloudwatchMetricAlarm
	name     string
}

// NewAlarm creates the alarm.
func NewAlarm(scope constructs.Construct, id string, props *AlarmProps) *Alarm {
	n := stack.Of(scope).Names
	if err := props.validate(n); err != nil {
		panic(err)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	name := n.Resource(props.Suffix)
	m := props.Metric
	cfg := &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
		AlarmName:          jsii.String(name),
		AlarmDescription:   jsii.String(props.Description),
		Namespace:          jsii.String(m.Namespace),
		MetricName:         jsii.String(m.Name),
		Period:             jsii.Number(float64(m.PeriodSeconds)),
		ComparisonOperator: jsii.String("GreaterThanOrEqualToThreshold"),
		Threshold:          jsii.Number(props.Threshold),
		EvaluationPeriods:  jsii.Number(float64(props.EvaluationPeriods)),
		DatapointsToAlarm:  jsii.Number(float64(props.DatapointsToAlarm)),
		TreatMissingData:   jsii.String("notBreaching"),
		AlarmActions:       &[]*string{props.Notify.Arn()},
		OkActions:          &[]*string{props.Notify.Arn()},
	}
	if len(m.Dimensions) > 0 {
		dims := m.Dimensions
		cfg.Dimensions = &dims
	}
	if m.percentile() {
		cfg.ExtendedStatistic = jsii.String(m.Statistic)
		// Too few requests for a percentile to mean anything (fewer than
		// 20 for p95) leave the alarm as it is instead of letting one slow
		// request of a quiet minute decide.
		cfg.EvaluateLowSampleCountPercentiles = jsii.String("ignore")
	} else {
		cfg.Statistic = jsii.String(m.Statistic)
	}
	a := &Alarm{Construct: c, name: name}
	a.Resource = cloudwatchmetricalarm.NewCloudwatchMetricAlarm(c, jsii.String("Resource"), cfg)
	return a
}

// Name is the alarm's name, "<project>-<env>-<suffix>".
func (a *Alarm) Name() string { return a.name }

// AlarmName is the name as a reference: what refers to the alarm through it
// is created after it (CodeDeploy refuses an alarm that does not exist).
func (a *Alarm) AlarmName() *string { return a.Resource.AlarmName() }
