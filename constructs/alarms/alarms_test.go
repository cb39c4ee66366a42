package alarms

import (
	"strings"
	"testing"
	"time"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// The defaults the README's alarm table documents.
func TestDefaults(t *testing.T) {
	s := ServiceThresholds{}.WithDefaults()
	if s != (ServiceThresholds{LoadBalancer5xxPerMinute: 10, Target5xxPerMinute: 10, UnhealthyTargets: 1,
		ResponseTimeP95: 3 * time.Second, CPUPercent: 90, MemoryPercent: 90}) {
		t.Errorf("service defaults %+v", s)
	}
	if got := (ServiceThresholds{CPUPercent: 75}).WithDefaults(); got.CPUPercent != 75 || got.MemoryPercent != 90 {
		t.Errorf("a set field is kept, the others defaulted: %+v", got)
	}
	f := FunctionThresholds{}.WithDefaults()
	if f != (FunctionThresholds{Errors: 1, Throttles: 1, DurationPercentOfTimeout: 80, SchedulerFailedInvocations: 1, DeadLetterMessages: 1}) {
		t.Errorf("function defaults %+v", f)
	}
}

func TestThresholdsRejectWhatCanNeverFire(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{ServiceThresholds{MemoryPercent: 101}.Validate("Alarms"), "Alarms.MemoryPercent: 101 is out of range; use 1-100"},
		{ServiceThresholds{Target5xxPerMinute: -1}.Validate("Alarms"), "Alarms.Target5xxPerMinute: -1 is out of range"},
		// The load balancer gives up on a request after 60 s.
		{ServiceThresholds{ResponseTimeP95: 61 * time.Second}.Validate("Alarms"), "Alarms.ResponseTimeP95: 1m1s is out of range; use 1ms-60s"},
		// Lambda stops a function at its timeout: 100 % is the most it runs.
		{FunctionThresholds{DurationPercentOfTimeout: 101}.Validate("Alarms"), "Alarms.DurationPercentOfTimeout: 101 is out of range; use 1-100"},
		{FunctionThresholds{Errors: -2}.Validate("Alarms"), "Alarms.Errors: -2 is out of range"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("error %v; want %q", c.err, c.want)
		}
	}
	if err := (ServiceThresholds{ResponseTimeP95: 60 * time.Second, CPUPercent: 100}).Validate("Alarms"); err != nil {
		t.Errorf("limits accepted: %v", err)
	}
}

func TestValidateEmails(t *testing.T) {
	if err := ValidateEmails("Emails", []string{"ops@talkwise.ai", "a.b+alerts@sub.example.com"}); err != nil {
		t.Error(err)
	}
	err := ValidateEmails("Emails", []string{"ops@talkwise.ai", "ops", "a@b.c, d@e.f", "ops@talkwise.ai"})
	for _, want := range []string{`Emails[1]: "ops" is not an email address`, `Emails[2]: "a@b.c, d@e.f" is not an email address; give one address per entry`,
		`Emails[3]: duplicate address "ops@talkwise.ai"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v; want %q", err, want)
		}
	}
}

func TestPercentileStatistics(t *testing.T) {
	for stat, want := range map[string]bool{"p95": true, "p99.9": true, "Sum": false, "p": false, "Maximum": false, "pfoo": false} {
		if got := (Metric{Statistic: stat}).percentile(); got != want {
			t.Errorf("%s: percentile %v", stat, got)
		}
	}
}

func TestAlarmPropsValidate(t *testing.T) {
	n := core.Names{Project: "p", Environment: core.Dev}
	ok := AlarmProps{Suffix: "x", Description: "d", Metric: Metric{Namespace: "AWS/Lambda", Name: "Errors", Statistic: "Sum", PeriodSeconds: 300}, Notify: &Topic{}}
	if err := ok.validate(n); err != nil || ok.EvaluationPeriods != 1 || ok.DatapointsToAlarm != 1 {
		t.Errorf("%v; defaults %d of %d", err, ok.DatapointsToAlarm, ok.EvaluationPeriods)
	}
	bad := ok
	bad.Metric.PeriodSeconds, bad.DatapointsToAlarm, bad.EvaluationPeriods = 90, 3, 2
	err := bad.validate(n)
	for _, want := range []string{"Metric.PeriodSeconds: 90 s is not a standard-resolution period", "DatapointsToAlarm: 3 of 2 periods"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v; want %q", err, want)
		}
	}
	long := ok
	long.Suffix = strings.Repeat("a", 250)
	if err := long.validate(n); err == nil || !strings.Contains(err.Error(), "AWS allows at most 255") {
		t.Errorf("long name: %v", err)
	}
}
