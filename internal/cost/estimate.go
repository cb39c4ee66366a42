// Package cost estimates what a synthesized stack costs a month, from its
// Terraform JSON (cdktf.out/stacks/<stack>/cdk.tf.json), the dated us-east-2
// price file beside this code, and usage Assumptions the JSON cannot tell.
// It prices what runs by the hour (Fargate tasks, load balancers, NAT
// gateways, interface endpoints, public IPv4 addresses), what a schedule
// implies (Lambda invocations, EventBridge Scheduler), and what is billed per
// item (secrets, log ingestion, WAF, ECR storage). Data transfer to the
// internet and free tiers are left out, and said so.
package cost

import (
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"

	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Line is the estimate for one resource. Low and High differ when the
// resource scales (an ECS service between its autoscaling bounds).
type Line struct {
	Address string // Terraform address, e.g. aws_lambda_function.Fn_1234
	Path    string // construct path inside the stack, e.g. Function-x/Resource
	Service string // e.g. "Lambda", "Fargate"
	Detail  string // how the figure was reached
	Low     float64
	High    float64
}

// StackEstimate is one stack's monthly estimate.
type StackEstimate struct {
	Stack string
	Lines []Line
	// NoCharge counts resources that have no standing monthly charge (IAM,
	// subnets, listeners, ...) or are billed only per use at volumes this
	// estimate treats as nil (the state bucket's few requests).
	NoCharge int
	// NotEstimated lists resource types this estimator has no price for.
	NotEstimated []string
	// Notes say what is knowingly left out.
	Notes []string
}

// Total sums the lines.
func (s StackEstimate) Total() (low, high float64) {
	for _, l := range s.Lines {
		low += l.Low
		high += l.High
	}
	return low, high
}

// block is one resource of the JSON.
type block = tfjson.Block

// constructPath is the block's construct path without the stack name.
func constructPath(b block) string {
	p := b.Path()
	if p == b.Address() {
		return ""
	}
	if i := strings.Index(p, "/"); i >= 0 {
		return p[i+1:]
	}
	return p
}

// references reports whether any string inside v refers to address
// ("${aws_x.y.arn}", "service/${aws_ecs_cluster.c.name}/${aws_ecs_service.s.name}").
func references(v any, address string) bool {
	switch x := v.(type) {
	case string:
		for _, r := range tfjson.RefsIn(x) {
			if r.Address == address {
				return true
			}
		}
	case map[string]any:
		for k, e := range x {
			if k != "//" && references(e, address) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if references(e, address) {
				return true
			}
		}
	}
	return false
}

func first(v any) map[string]any {
	l := tfjson.List(v)
	if len(l) == 0 {
		return nil
	}
	m, _ := l[0].(map[string]any)
	return m
}

// countOf is the length of a list field, or fallback when the field is one
// interpolated expression whose length only Terraform knows.
func countOf(v any, fallback int) (int, bool) {
	if l, ok := v.([]any); ok {
		return len(l), true
	}
	return fallback, false
}

const gib = 1 << 30

// noStandingCharge are resource types (or prefixes ending in "_") with no
// monthly charge of their own: configuration, networking plumbing, identity,
// or services billed per request at volumes too small to estimate here.
var noStandingCharge = []string{
	"aws_iam_", "aws_vpc", "aws_subnet", "aws_route", "aws_internet_gateway", "aws_security_group",
	"aws_vpc_security_group_", "aws_default_", "aws_network_acl", "aws_main_route_table_association",
	"aws_flow_log", "aws_lb_listener", "aws_lb_target_group", "aws_alb_listener", "aws_alb_target_group",
	"aws_ecs_cluster", "aws_ecs_task_definition", "aws_appautoscaling_", "aws_codedeploy_",
	"aws_lambda_permission", "aws_ssm_parameter", "aws_s3_bucket", "aws_dynamodb_table", "aws_sqs_queue",
	"aws_ecr_lifecycle_policy", "aws_ecr_repository_policy", "aws_wafv2_web_acl_association",
	"aws_wafv2_web_acl_logging_configuration", "aws_kms_alias", "aws_scheduler_schedule_group",
	"aws_cloudwatch_log_resource_policy", "aws_secretsmanager_secret_policy", "aws_ecs_cluster_capacity_providers",
	"aws_lb_listener_certificate", "aws_lb_listener_rule",
	// Billed through their topic (per publish and notification) or free
	// (ACM waits for issuance at no charge).
	"aws_sns_topic_policy", "aws_sns_topic_subscription", "aws_acm_certificate_validation",
}

func hasNoStandingCharge(typ string) bool {
	for _, p := range noStandingCharge {
		if typ == p || (strings.HasSuffix(p, "_") && strings.HasPrefix(typ, p)) || strings.HasPrefix(typ, p+"_") {
			return true
		}
	}
	return false
}

// priced are the types this estimator prices, by function.
var priced = map[string]func(*estimator, block) []Line{
	"aws_lambda_function":         (*estimator).lambda,
	"aws_scheduler_schedule":      (*estimator).schedule,
	"aws_cloudwatch_log_group":    (*estimator).logGroup,
	"aws_ecs_service":             (*estimator).ecsService,
	"aws_lb":                      (*estimator).loadBalancer,
	"aws_alb":                     (*estimator).loadBalancer,
	"aws_nat_gateway":             (*estimator).natGateway,
	"aws_eip":                     (*estimator).eip,
	"aws_vpc_endpoint":            (*estimator).vpcEndpoint,
	"aws_secretsmanager_secret":   (*estimator).secret,
	"aws_wafv2_web_acl":           (*estimator).webACL,
	"aws_ecr_repository":          (*estimator).ecrRepository,
	"aws_kms_key":                 (*estimator).kmsKey,
	"aws_cloudwatch_metric_alarm": (*estimator).alarm,
	"aws_sns_topic":               (*estimator).snsTopic,
	"aws_route53_record":          (*estimator).dnsRecord,
	"aws_acm_certificate":         (*estimator).certificate,
}

type estimator struct {
	d      tfjson.Doc
	p      PriceList
	a      Assumptions
	notes  map[string]bool
	errs   []string
	invocs map[string]float64 // Lambda function name -> invocations a month
}

func (e *estimator) note(s string) { e.notes[s] = true }

// EstimateStack estimates one synthesized stack.
func EstimateStack(name string, raw map[string]any, prices PriceList, a Assumptions) (StackEstimate, error) {
	if err := a.validate(); err != nil {
		return StackEstimate{}, err
	}
	e := &estimator{d: tfjson.Doc(raw), p: prices, a: a, notes: map[string]bool{}, invocs: map[string]float64{}}
	out := StackEstimate{Stack: name}
	// Lambda first: log groups read the invocation counts it records.
	types := e.d.Types("resource")
	sort.SliceStable(types, func(i, j int) bool {
		return types[i] == "aws_lambda_function" && types[j] != "aws_lambda_function"
	})
	notEstimated := map[string]bool{}
	for _, typ := range types {
		fn, ok := priced[typ]
		for _, b := range e.d.Resources(typ) {
			switch {
			case ok:
				out.Lines = append(out.Lines, fn(e, b)...)
			case hasNoStandingCharge(typ):
				out.NoCharge++
				if typ == "aws_ecs_cluster" && containerInsights(b) {
					e.note("Container Insights metrics (" + b.Address() + ") are billed per metric and not estimated")
				}
			default:
				notEstimated[typ] = true
			}
		}
	}
	if len(e.errs) > 0 {
		return out, fmt.Errorf("stack %s: %s", name, strings.Join(e.errs, "; "))
	}
	sort.SliceStable(out.Lines, func(i, j int) bool { return out.Lines[i].Address < out.Lines[j].Address })
	for t := range notEstimated {
		out.NotEstimated = append(out.NotEstimated, t)
	}
	sort.Strings(out.NotEstimated)
	for n := range e.notes {
		out.Notes = append(out.Notes, n)
	}
	sort.Strings(out.Notes)
	return out, nil
}

func (e *estimator) line(b block, service, detail string, low, high float64) Line {
	return Line{Address: b.Address(), Path: constructPath(b), Service: service, Detail: detail, Low: low, High: high}
}

// enabledSchedulesOf returns the enabled schedules whose target is fn, with
// their monthly invocations.
func (e *estimator) invocationsOf(fn block) (float64, int) {
	total, n := 0.0, 0
	name := tfjson.Str(fn.Fields, "function_name")
	for _, s := range e.d.Resources("aws_scheduler_schedule") {
		if tfjson.Str(s.Fields, "state") == "DISABLED" {
			continue
		}
		target := first(s.Fields["target"])
		arn := tfjson.Str(target, "arn")
		if !references(arn, fn.Address()) && !(name != "" && strings.HasSuffix(arn, ":function:"+name)) {
			continue
		}
		inv, err := InvocationsPerMonth(tfjson.Str(s.Fields, "schedule_expression"))
		if err != nil {
			e.errs = append(e.errs, s.Address()+": "+err.Error())
			continue
		}
		total += inv
		n++
	}
	return total, n
}

func (e *estimator) lambda(b block) []Line {
	inv, schedules := e.invocationsOf(b)
	mem, ok := tfjson.Num(b.Fields, "memory_size")
	if !ok {
		mem = 128 // Lambda's default
	}
	arch, gbs := "x86_64", e.p.usd("lambda_gb_second_x86")
	if a := tfjson.List(b.Fields["architectures"]); len(a) > 0 && a[0] == "arm64" {
		arch, gbs = "arm64", e.p.usd("lambda_gb_second_arm")
	}
	e.invocs[tfjson.Str(b.Fields, "function_name")] = inv
	secs := e.a.LambdaDuration.Seconds()
	cost := inv*mem/1024*secs*gbs + inv*e.p.usd("lambda_request")
	detail := fmt.Sprintf("%s invocations/month from %d schedule(s) × %.0f MB × %v (%s)", count(inv), schedules, mem, e.a.LambdaDuration, arch)
	if schedules == 0 {
		detail = "no schedule in this stack invokes it: usage unknown, priced at 0"
	}
	return []Line{e.line(b, "Lambda", detail, cost, cost)}
}

func (e *estimator) schedule(b block) []Line {
	if tfjson.Str(b.Fields, "state") == "DISABLED" {
		return []Line{e.line(b, "EventBridge Scheduler", "disabled", 0, 0)}
	}
	expr := tfjson.Str(b.Fields, "schedule_expression")
	inv, err := InvocationsPerMonth(expr)
	if err != nil {
		e.errs = append(e.errs, b.Address()+": "+err.Error())
		return nil
	}
	cost := inv * e.p.usd("scheduler_invocation")
	return []Line{e.line(b, "EventBridge Scheduler", fmt.Sprintf("%s: %s invocations/month", expr, count(inv)), cost, cost)}
}

func (e *estimator) logGroup(b block) []Line {
	name := tfjson.Str(b.Fields, "name")
	var ingestGB float64
	var how string
	if fn, ok := strings.CutPrefix(name, "/aws/lambda/"); ok {
		inv := e.invocs[fn]
		ingestGB = inv * e.a.LambdaLogBytes / gib
		how = fmt.Sprintf("%s invocations × %.0f B", count(inv), e.a.LambdaLogBytes)
	} else {
		ingestGB = e.a.LogGBPerGroup
		how = "assumed"
	}
	retention, ok := tfjson.Num(b.Fields, "retention_in_days")
	months := retention / (HoursPerMonth / 24)
	if !ok || retention == 0 {
		months = 12
		e.note("a log group without retention keeps growing; its storage is priced at 12 months' worth")
	}
	stored := ingestGB * months
	cost := ingestGB*e.p.usd("logs_ingest_gb") + stored*e.p.usd("logs_storage_gb_month")
	return []Line{e.line(b, "CloudWatch Logs", fmt.Sprintf("%.3g GB/month ingested (%s), %.3g GB stored at %.0f days' retention", ingestGB, how, stored, retention), cost, cost)}
}

func (e *estimator) ecsService(b block) []Line {
	launch := tfjson.Str(b.Fields, "launch_type")
	if launch == "" {
		if cp := first(b.Fields["capacity_provider_strategy"]); strings.HasPrefix(tfjson.Str(cp, "capacity_provider"), "FARGATE") {
			launch = "FARGATE"
		}
	}
	if launch != "FARGATE" {
		e.note(b.Address() + ": only Fargate services are priced (launch type " + launch + ")")
		return nil
	}
	var td map[string]any
	for _, t := range e.d.Resources("aws_ecs_task_definition") {
		if references(b.Fields["task_definition"], t.Address()) || tfjson.Str(b.Fields, "task_definition") == tfjson.Str(t.Fields, "family") {
			td = t.Fields
		}
	}
	if td == nil {
		e.errs = append(e.errs, b.Address()+": its task definition is not in this stack, so its CPU and memory are unknown")
		return nil
	}
	cpu, _ := tfjson.Num(td, "cpu")
	memMB, _ := tfjson.Num(td, "memory")
	vcpu, gb := cpu/1024, memMB/1024
	arch := "x86_64"
	if rp := first(td["runtime_platform"]); tfjson.Str(rp, "cpu_architecture") == "ARM64" {
		arch = "arm64"
	}
	vcpuPrice, gbPrice := e.p.usd("fargate_vcpu_hour_x86"), e.p.usd("fargate_gb_hour_x86")
	if arch == "arm64" {
		vcpuPrice, gbPrice = e.p.usd("fargate_vcpu_hour_arm"), e.p.usd("fargate_gb_hour_arm")
	}
	desired, ok := tfjson.Num(b.Fields, "desired_count")
	if !ok {
		desired = 0 // Terraform's default
	}
	low, high := desired, desired
	scaling := "fixed"
	name := tfjson.Str(b.Fields, "name")
	for _, t := range e.d.Resources("aws_appautoscaling_target") {
		rid := tfjson.Str(t.Fields, "resource_id")
		if references(rid, b.Address()) || (name != "" && strings.HasSuffix(rid, "/"+name)) {
			low, _ = tfjson.Num(t.Fields, "min_capacity")
			high, _ = tfjson.Num(t.Fields, "max_capacity")
			scaling = "autoscaling"
		}
	}
	perTask := (vcpu*vcpuPrice + gb*gbPrice) * HoursPerMonth
	detail := fmt.Sprintf("%s (%s) × %.4g vCPU + %.4g GB (%s), %s/task", taskRange(low, high), scaling, vcpu, gb, arch, money(perTask))
	lines := []Line{e.line(b, "Fargate", detail, low*perTask, high*perTask)}
	if nc := first(b.Fields["network_configuration"]); nc["assign_public_ip"] == true {
		ip := e.p.usd("public_ipv4_hour") * HoursPerMonth
		lines = append(lines, Line{Address: b.Address() + "#public-ip", Path: constructPath(b), Service: "Public IPv4",
			Detail: fmt.Sprintf("one public IPv4 address per task, %s each", money(ip)), Low: low * ip, High: high * ip})
	}
	return lines
}

func containerInsights(cluster block) bool {
	for _, s := range tfjson.List(cluster.Fields["setting"]) {
		m, _ := s.(map[string]any)
		if tfjson.Str(m, "name") == "containerInsights" && tfjson.Str(m, "value") != "disabled" {
			return true
		}
	}
	return false
}

func taskRange(low, high float64) string {
	switch {
	case low == high && low == 1:
		return "1 task"
	case low == high:
		return fmt.Sprintf("%.0f tasks", low)
	}
	return fmt.Sprintf("%.0f–%.0f tasks", low, high)
}

func (e *estimator) loadBalancer(b block) []Line {
	if t := tfjson.Str(b.Fields, "load_balancer_type"); t != "" && t != "application" {
		e.note(b.Address() + ": only application load balancers are priced (type " + t + ")")
		return nil
	}
	hours := e.p.usd("alb_hour") * HoursPerMonth
	lcu := math.Max(e.a.ALBNewConnsPerSecond/25, e.a.ALBGBPerMonth/HoursPerMonth)
	lcuCost := lcu * e.p.usd("alb_lcu_hour") * HoursPerMonth
	lines := []Line{e.line(b, "ALB", fmt.Sprintf("730 h %s + %.3g LCU average %s (%.3g GB/month, %.3g new conns/s)",
		money(hours), lcu, money(lcuCost), e.a.ALBGBPerMonth, e.a.ALBNewConnsPerSecond), hours+lcuCost, hours+lcuCost)}
	if b.Fields["internal"] != true {
		// An internet-facing ALB has a public IPv4 address per subnet (AZ) it runs in.
		n, known := countOf(b.Fields["subnets"], 2)
		ip := float64(n) * e.p.usd("public_ipv4_hour") * HoursPerMonth
		how := ""
		if !known {
			how = " (subnet count not in the JSON, 2 assumed)"
		}
		lines = append(lines, Line{Address: b.Address() + "#public-ip", Path: constructPath(b), Service: "Public IPv4",
			Detail: fmt.Sprintf("%d public IPv4 addresses, one per AZ%s", n, how), Low: ip, High: ip})
	}
	return lines
}

func (e *estimator) natGateway(b block) []Line {
	hours := e.p.usd("nat_gateway_hour") * HoursPerMonth
	data := e.a.NATGBPerMonth * e.p.usd("nat_gateway_gb")
	e.note("data transfer out to the internet (after the NAT gateway or load balancer) is not estimated")
	return []Line{e.line(b, "NAT gateway", fmt.Sprintf("730 h %s + %.3g GB processed %s", money(hours), e.a.NATGBPerMonth, money(data)), hours+data, hours+data)}
}

func (e *estimator) eip(b block) []Line {
	ip := e.p.usd("public_ipv4_hour") * HoursPerMonth
	return []Line{e.line(b, "Public IPv4", "Elastic IP, 730 h", ip, ip)}
}

func (e *estimator) vpcEndpoint(b block) []Line {
	if tfjson.Str(b.Fields, "vpc_endpoint_type") != "Interface" {
		return []Line{e.line(b, "VPC endpoint", "gateway endpoint ("+lastDot(tfjson.Str(b.Fields, "service_name"))+"): free", 0, 0)}
	}
	azs, known := countOf(b.Fields["subnet_ids"], 2)
	how := ""
	if !known {
		how = ", subnet count not in the JSON: 2 assumed"
	}
	cost := float64(azs)*HoursPerMonth*e.p.usd("vpc_interface_endpoint_az_hour") + e.a.EndpointGBPerMonth*e.p.usd("vpc_interface_endpoint_gb")
	return []Line{e.line(b, "VPC endpoint", fmt.Sprintf("interface endpoint %s in %d AZs%s, %.3g GB", lastDot(tfjson.Str(b.Fields, "service_name")), azs, how, e.a.EndpointGBPerMonth), cost, cost)}
}

func lastDot(s string) string {
	if i := strings.LastIndex(s, "."); i >= 0 {
		return s[i+1:]
	}
	return s
}

func (e *estimator) secret(b block) []Line {
	cost := e.p.usd("secret_month") + e.a.SecretCallsPerMonth*e.p.usd("secret_api_call")
	return []Line{e.line(b, "Secrets Manager", fmt.Sprintf("1 secret + %s reads", count(e.a.SecretCallsPerMonth)), cost, cost)}
}

func (e *estimator) webACL(b block) []Line {
	rules := len(tfjson.List(b.Fields["rule"]))
	cost := e.p.usd("waf_web_acl_month") + float64(rules)*e.p.usd("waf_rule_month") + e.a.RequestsPerMonth*e.p.usd("waf_request")
	return []Line{e.line(b, "WAF", fmt.Sprintf("web ACL + %d rules + %s requests", rules, count(e.a.RequestsPerMonth)), cost, cost)}
}

func (e *estimator) ecrRepository(b block) []Line {
	cost := e.a.ECRGBPerRepository * e.p.usd("ecr_storage_gb_month")
	return []Line{e.line(b, "ECR", fmt.Sprintf("%.3g GB of images stored", e.a.ECRGBPerRepository), cost, cost)}
}

func (e *estimator) kmsKey(b block) []Line {
	c := e.p.usd("kms_key_month")
	return []Line{e.line(b, "KMS", "customer managed key", c, c)}
}

func (e *estimator) alarm(b block) []Line {
	c := e.p.usd("cloudwatch_alarm_month")
	return []Line{e.line(b, "CloudWatch", "metric alarm", c, c)}
}

// snsTopic prices a topic by what it sends: each notification is one
// publish, plus one email per email subscription of the topic.
func (e *estimator) snsTopic(b block) []Line {
	emails := 0
	for _, sub := range e.d.Resources("aws_sns_topic_subscription") {
		if tfjson.Str(sub.Fields, "protocol") == "email" && references(sub.Fields["topic_arn"], b.Address()) {
			emails++
		}
	}
	n := e.a.AlarmNotificationsPerMonth
	cost := n*e.p.usd("sns_publish") + n*float64(emails)*e.p.usd("sns_email_notification")
	e.note("SNS and email notifications are priced without their free tier (1M publishes, 1,000 emails a month)")
	return []Line{e.line(b, "SNS", fmt.Sprintf("%s notifications/month to %d email subscription(s)", count(n), emails), cost, cost)}
}

// dnsRecord prices a Route 53 record's queries: alias records pointing at
// an AWS resource (the load balancer) are answered for free.
func (e *estimator) dnsRecord(b block) []Line {
	if first(b.Fields["alias"]) != nil {
		return []Line{e.line(b, "Route 53", "alias record: queries to an AWS load balancer are free", 0, 0)}
	}
	cost := e.a.DNSQueriesPerMonth * e.p.usd("route53_standard_query")
	e.note("the Route 53 hosted zone ($0.50 a month) is not in the stacks: they write records into an existing zone")
	return []Line{e.line(b, "Route 53", fmt.Sprintf("%s standard queries/month", count(e.a.DNSQueriesPerMonth)), cost, cost)}
}

// certificate: ACM's public certificates cost nothing.
func (e *estimator) certificate(b block) []Line {
	return []Line{e.line(b, "ACM", "public certificate: free", 0, 0)}
}

// count renders a monthly count readably: 730, 2,920, 1.00M.
func count(v float64) string {
	if v >= 1e6 {
		return fmt.Sprintf("%.2fM", v/1e6)
	}
	s := strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// money renders dollars with cents, and with more digits below a cent so a
// tiny figure is not shown as $0.00.
func money(v float64) string {
	switch {
	case v == 0:
		return "$0.00"
	case math.Abs(v) < 0.0001:
		return "<$0.0001"
	case math.Abs(v) < 0.01:
		return fmt.Sprintf("$%.4f", v)
	}
	return fmt.Sprintf("$%.2f", v)
}
