package cost

import (
	"flag"
	"fmt"
	"time"
)

// Assumptions are the usage figures the synthesized JSON cannot tell: how
// long a function runs, how much traffic passes. Each is a flag of
// `go run . cost` (and `make cost COST_FLAGS=...`); the defaults describe a
// small, low-traffic service and are documented in the README.
type Assumptions struct {
	// LambdaDuration is a typical invocation's billed duration. Defaults to
	// 1 s: the handlers here make one HTTP call with a timeout.
	LambdaDuration time.Duration
	// LambdaLogBytes is what one invocation writes to CloudWatch Logs.
	// Defaults to 2 KB (START/END/REPORT lines plus a few JSON log lines).
	LambdaLogBytes float64
	// LogGBPerGroup is the monthly ingestion of every log group that is not
	// a Lambda function's (ECS tasks, VPC flow logs). Defaults to 1 GB.
	LogGBPerGroup float64
	// ALBGBPerMonth is the data an ALB processes a month. Defaults to 50 GB.
	ALBGBPerMonth float64
	// ALBNewConnsPerSecond is the average rate of new connections to an ALB.
	// Defaults to 1 per second.
	ALBNewConnsPerSecond float64
	// NATGBPerMonth is the data each NAT gateway processes a month (image
	// pulls, calls to outside APIs). Defaults to 20 GB.
	NATGBPerMonth float64
	// EndpointGBPerMonth is the data each interface VPC endpoint processes a
	// month. Defaults to 1 GB.
	EndpointGBPerMonth float64
	// SecretCallsPerMonth is the GetSecretValue calls per secret a month
	// (ECS reads each secret at task start). Defaults to 1,000.
	SecretCallsPerMonth float64
	// RequestsPerMonth is the web requests a WAF web ACL inspects a month.
	// Defaults to 1,000,000.
	RequestsPerMonth float64
	// ECRGBPerRepository is the image storage each repository keeps (its
	// lifecycle policy bounds it). Defaults to 1 GB.
	ECRGBPerRepository float64
	// AlarmNotificationsPerMonth is how many messages each alarm topic
	// publishes a month (an alarm's ALARM and its OK are two). Defaults
	// to 60: a few incidents a month across the stack's alarms.
	AlarmNotificationsPerMonth float64
	// DNSQueriesPerMonth is the queries a month each DNS record that is not
	// an alias answers (a certificate's validation record: ACM checks it
	// when it renews). Defaults to 1,000.
	DNSQueriesPerMonth float64
}

// DefaultAssumptions returns the documented defaults.
func DefaultAssumptions() Assumptions {
	return Assumptions{
		LambdaDuration:             time.Second,
		LambdaLogBytes:             2048,
		LogGBPerGroup:              1,
		ALBGBPerMonth:              50,
		ALBNewConnsPerSecond:       1,
		NATGBPerMonth:              20,
		EndpointGBPerMonth:         1,
		SecretCallsPerMonth:        1000,
		RequestsPerMonth:           1_000_000,
		ECRGBPerRepository:         1,
		AlarmNotificationsPerMonth: 60,
		DNSQueriesPerMonth:         1000,
	}
}

// RegisterFlags binds each assumption to a flag whose default is a's value.
func (a *Assumptions) RegisterFlags(fs *flag.FlagSet) {
	fs.DurationVar(&a.LambdaDuration, "lambda-duration", a.LambdaDuration, "typical billed duration of one Lambda invocation")
	fs.Float64Var(&a.LambdaLogBytes, "lambda-log-bytes", a.LambdaLogBytes, "bytes one Lambda invocation writes to CloudWatch Logs")
	fs.Float64Var(&a.LogGBPerGroup, "log-gb", a.LogGBPerGroup, "GB a month ingested by each log group that is not a Lambda function's")
	fs.Float64Var(&a.ALBGBPerMonth, "alb-gb", a.ALBGBPerMonth, "GB a month processed by each application load balancer")
	fs.Float64Var(&a.ALBNewConnsPerSecond, "alb-new-conns", a.ALBNewConnsPerSecond, "average new connections per second to each load balancer")
	fs.Float64Var(&a.NATGBPerMonth, "nat-gb", a.NATGBPerMonth, "GB a month processed by each NAT gateway")
	fs.Float64Var(&a.EndpointGBPerMonth, "endpoint-gb", a.EndpointGBPerMonth, "GB a month processed by each interface VPC endpoint")
	fs.Float64Var(&a.SecretCallsPerMonth, "secret-calls", a.SecretCallsPerMonth, "GetSecretValue calls a month per secret")
	fs.Float64Var(&a.RequestsPerMonth, "requests", a.RequestsPerMonth, "web requests a month inspected by each WAF web ACL")
	fs.Float64Var(&a.ECRGBPerRepository, "ecr-gb", a.ECRGBPerRepository, "GB of images stored in each ECR repository")
	fs.Float64Var(&a.AlarmNotificationsPerMonth, "alarm-notifications", a.AlarmNotificationsPerMonth, "messages a month each alarm topic publishes (ALARM and OK are two)")
	fs.Float64Var(&a.DNSQueriesPerMonth, "dns-queries", a.DNSQueriesPerMonth, "queries a month each DNS record that is not an alias answers")
}

func (a Assumptions) validate() error {
	for name, v := range map[string]float64{
		"-lambda-duration": a.LambdaDuration.Seconds(), "-lambda-log-bytes": a.LambdaLogBytes, "-log-gb": a.LogGBPerGroup,
		"-alb-gb": a.ALBGBPerMonth, "-alb-new-conns": a.ALBNewConnsPerSecond, "-nat-gb": a.NATGBPerMonth,
		"-endpoint-gb": a.EndpointGBPerMonth, "-secret-calls": a.SecretCallsPerMonth, "-requests": a.RequestsPerMonth,
		"-ecr-gb": a.ECRGBPerRepository, "-alarm-notifications": a.AlarmNotificationsPerMonth, "-dns-queries": a.DNSQueriesPerMonth,
	} {
		if v < 0 {
			return fmt.Errorf("%s: %v is negative; use zero or more", name, v)
		}
	}
	return nil
}

// String lists the assumptions as the report prints them.
func (a Assumptions) String() string {
	return fmt.Sprintf("Lambda %v and %.0f log bytes per invocation; %.3g GB/month per other log group; "+
		"ALB %.3g GB/month and %.3g new connections/s; NAT %.3g GB/month per gateway; %.3g GB/month per interface endpoint; "+
		"%s secret reads/month per secret; %s WAF requests/month; %.3g GB per ECR repository; %s notifications/month per alarm topic; %s queries/month per non-alias DNS record",
		a.LambdaDuration, a.LambdaLogBytes, a.LogGBPerGroup, a.ALBGBPerMonth, a.ALBNewConnsPerSecond, a.NATGBPerMonth,
		a.EndpointGBPerMonth, count(a.SecretCallsPerMonth), count(a.RequestsPerMonth), a.ECRGBPerRepository,
		count(a.AlarmNotificationsPerMonth), count(a.DNSQueriesPerMonth))
}
