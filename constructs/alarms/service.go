package alarms

import (
	"fmt"
	"time"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// ServiceThresholds are the thresholds of a load-balanced service's alarms.
// Each is compared per minute; a zero field takes its default. The error
// and host alarms fire on 2 of the last 3 minutes (one bad minute is a
// blip, two are a trend, and CodeDeploy hears of it within its 5-minute
// wait before the old tasks go); the latency and saturation alarms on 3 of
// 3 (they move more slowly and a short peak is normal).
type ServiceThresholds struct {
	// LoadBalancer5xxPerMinute is how many 5xx responses the load balancer
	// itself answers in a minute (HTTPCode_ELB_5XX_Count: no healthy
	// target, a target timing out or resetting) that count as breaching.
	// Defaults to 10.
	LoadBalancer5xxPerMinute int
	// Target5xxPerMinute is how many 5xx responses the service's tasks
	// answer in a minute (HTTPCode_Target_5XX_Count) that count as
	// breaching. Defaults to 10.
	Target5xxPerMinute int
	// UnhealthyTargets is how many tasks failing the load balancer's health
	// check (UnHealthyHostCount, per target group) count as breaching.
	// Defaults to 1: the health check already waited 3 failures (90 s).
	UnhealthyTargets int
	// ResponseTimeP95 is the 95th percentile of the tasks' response time
	// (TargetResponseTime) that counts as breaching; minutes with fewer than
	// 20 requests are not judged. Defaults to 3 s. A service whose normal
	// requests are slower (waiting on a model's output, say) must raise it,
	// or every deployment is rolled back.
	ResponseTimeP95 time.Duration
	// CPUPercent and MemoryPercent are the service's average CPU and memory
	// utilization (AWS/ECS) that count as breaching: above autoscaling's
	// targets, so reaching them means scaling is not keeping up. Both
	// default to 90.
	CPUPercent, MemoryPercent int
}

// Defaults of ServiceThresholds.
const (
	DefaultLoadBalancer5xxPerMinute = 10
	DefaultTarget5xxPerMinute       = 10
	DefaultUnhealthyTargets         = 1
	DefaultResponseTimeP95          = 3 * time.Second
	DefaultCPUPercent               = 90
	DefaultMemoryPercent            = 90
)

// WithDefaults fills every zero field.
func (t ServiceThresholds) WithDefaults() ServiceThresholds {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&t.LoadBalancer5xxPerMinute, DefaultLoadBalancer5xxPerMinute)
	def(&t.Target5xxPerMinute, DefaultTarget5xxPerMinute)
	def(&t.UnhealthyTargets, DefaultUnhealthyTargets)
	def(&t.CPUPercent, DefaultCPUPercent)
	def(&t.MemoryPercent, DefaultMemoryPercent)
	if t.ResponseTimeP95 == 0 {
		t.ResponseTimeP95 = DefaultResponseTimeP95
	}
	return t
}

// Validate checks the thresholds after defaults, naming field.
func (t ServiceThresholds) Validate(field string) error {
	t = t.WithDefaults()
	var errs []error
	for _, c := range []struct {
		name      string
		v, lo, hi int
	}{
		{"LoadBalancer5xxPerMinute", t.LoadBalancer5xxPerMinute, 1, 1 << 30},
		{"Target5xxPerMinute", t.Target5xxPerMinute, 1, 1 << 30},
		{"UnhealthyTargets", t.UnhealthyTargets, 1, 1 << 30},
		{"CPUPercent", t.CPUPercent, 1, 100},
		{"MemoryPercent", t.MemoryPercent, 1, 100},
	} {
		if c.v < c.lo || c.v > c.hi {
			errs = append(errs, core.Errorf(field+"."+c.name, fmt.Sprintf("use %d-%d (0 takes the default)", c.lo, c.hi), "%d is out of range", c.v))
		}
	}
	// The load balancer closes a request after its 60 s idle timeout, so a
	// longer response time is never measured.
	if t.ResponseTimeP95 < time.Millisecond || t.ResponseTimeP95 > 60*time.Second {
		errs = append(errs, core.Errorf(field+".ResponseTimeP95", "use 1ms-60s (0 takes the default)", "%v is out of range", t.ResponseTimeP95))
	}
	return core.Join(errs...)
}

// LoadBalancer is what the load balancer alarms watch (alb.LoadBalancer).
type LoadBalancer interface {
	// ArnSuffix is the "app/<name>/<id>" CloudWatch names it by.
	ArnSuffix() *string
}

// TargetGroup is a target group whose unhealthy tasks are counted.
type TargetGroup interface {
	ArnSuffix() *string
}

// Service is the ECS service whose CPU and memory are watched
// (ecs.FargateService).
type Service interface {
	// Name and ClusterName are the service's and its cluster's names.
	Name() string
	ClusterName() string
	// ContainerName is the service's short name ("api", the suffix of
	// "<project>-<env>-api"), which names its alarms.
	ContainerName() string
}

// ServiceAlarmsProps configure ServiceAlarms.
type ServiceAlarmsProps struct {
	LoadBalancer LoadBalancer
	// TargetGroups by name ("blue", "green"): one unhealthy-targets alarm
	// each, since a deployment moves the tasks from one to the other.
	TargetGroups []NamedTargetGroup
	Service      Service
	// Notify gets the notifications (the stack's Topic). Required.
	Notify     ActionTarget
	Thresholds ServiceThresholds
}

// NamedTargetGroup is a target group and the name its alarm takes.
type NamedTargetGroup struct {
	Name  string
	Group TargetGroup
}

// ServiceAlarms are a load-balanced service's alarms, in a fixed order:
// load balancer 5xx, target 5xx, unhealthy targets per group, p95 response
// time, CPU, memory.
type ServiceAlarms struct {
	constructs.Construct
	Alarms []*Alarm
}

// NewServiceAlarms creates the alarms, named "<project>-<env>-alb-5xx",
// "-<short>-5xx", "-<group>-unhealthy-targets", "-<short>-p95-response-time",
// "-<short>-cpu-high" and "-<short>-memory-high" (short: "api").
func NewServiceAlarms(scope constructs.Construct, id string, props *ServiceAlarmsProps) *ServiceAlarms {
	if err := props.Thresholds.Validate("Thresholds"); err != nil {
		panic(err)
	}
	t := props.Thresholds.WithDefaults()
	c := constructs.NewConstruct(scope, jsii.String(id))
	out := &ServiceAlarms{Construct: c}
	svc, short := props.Service.Name(), props.Service.ContainerName()
	lb := map[string]*string{"LoadBalancer": props.LoadBalancer.ArnSuffix()}
	ecsDims := map[string]*string{"ClusterName": jsii.String(props.Service.ClusterName()), "ServiceName": jsii.String(svc)}
	add := func(id, suffix, description string, m Metric, threshold float64, datapoints, periods int) {
		out.Alarms = append(out.Alarms, NewAlarm(c, id, &AlarmProps{
			Suffix: suffix, Description: description, Metric: m, Threshold: threshold,
			EvaluationPeriods: periods, DatapointsToAlarm: datapoints, Notify: props.Notify,
		}))
	}
	add("LoadBalancer5xx", "alb-5xx",
		fmt.Sprintf("The load balancer answered %d or more 5xx itself (no healthy task, or a task timed out) in 2 of the last 3 minutes. Check the service's tasks and health checks.", t.LoadBalancer5xxPerMinute),
		Metric{Namespace: "AWS/ApplicationELB", Name: "HTTPCode_ELB_5XX_Count", Dimensions: lb, Statistic: "Sum", PeriodSeconds: 60},
		float64(t.LoadBalancer5xxPerMinute), 2, 3)
	add("Target5xx", short+"-5xx",
		fmt.Sprintf("The %s tasks answered %d or more 5xx a minute in 2 of the last 3 minutes. Check the service's logs (make logs).", svc, t.Target5xxPerMinute),
		Metric{Namespace: "AWS/ApplicationELB", Name: "HTTPCode_Target_5XX_Count", Dimensions: lb, Statistic: "Sum", PeriodSeconds: 60},
		float64(t.Target5xxPerMinute), 2, 3)
	for _, g := range props.TargetGroups {
		add("UnhealthyTargets-"+g.Name, g.Name+"-unhealthy-targets",
			fmt.Sprintf("%d or more tasks of target group %s failed the load balancer's health check in 2 of the last 3 minutes.", t.UnhealthyTargets, g.Name),
			Metric{Namespace: "AWS/ApplicationELB", Name: "UnHealthyHostCount", Statistic: "Maximum", PeriodSeconds: 60,
				Dimensions: map[string]*string{"LoadBalancer": props.LoadBalancer.ArnSuffix(), "TargetGroup": g.Group.ArnSuffix()}},
			float64(t.UnhealthyTargets), 2, 3)
	}
	add("ResponseTimeP95", short+"-p95-response-time",
		fmt.Sprintf("The 95th percentile of the %s tasks' response time was %v or more for 3 minutes (minutes with fewer than 20 requests are not judged).", svc, t.ResponseTimeP95),
		Metric{Namespace: "AWS/ApplicationELB", Name: "TargetResponseTime", Dimensions: lb, Statistic: "p95", PeriodSeconds: 60},
		t.ResponseTimeP95.Seconds(), 3, 3)
	add("CPU", short+"-cpu-high",
		fmt.Sprintf("The %s service's average CPU utilization was %d%% or more for 3 minutes: autoscaling is not keeping up, or the service is at its maximum tasks.", svc, t.CPUPercent),
		Metric{Namespace: "AWS/ECS", Name: "CPUUtilization", Dimensions: ecsDims, Statistic: "Average", PeriodSeconds: 60},
		float64(t.CPUPercent), 3, 3)
	add("Memory", short+"-memory-high",
		fmt.Sprintf("The %s service's average memory utilization was %d%% or more for 3 minutes: tasks are close to being stopped for running out of memory.", svc, t.MemoryPercent),
		Metric{Namespace: "AWS/ECS", Name: "MemoryUtilization", Dimensions: ecsDims, Statistic: "Average", PeriodSeconds: 60},
		float64(t.MemoryPercent), 3, 3)
	return out
}
