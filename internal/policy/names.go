package policy

import (
	"github.com/fractallabsdev/talkwise-infra/constructs/core"

	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"

	"fmt"
	"sort"
	"strings"
)

// accountName is a name AWS keeps unique per account and region, and the
// most characters AWS allows in it (0: no limit we check).
type accountName struct {
	typ, field string
	max        int
	kind       string
	// scope adds the fields that partition the namespace (a schedule's group).
	scope func(fields map[string]any) string
}

// accountWideNames lists the resources whose names collide across stacks.
var accountWideNames = []accountName{
	{typ: "aws_lb", field: "name", max: core.MaxLoadBalancerName, kind: "load balancer"},
	{typ: "aws_alb", field: "name", max: core.MaxLoadBalancerName, kind: "load balancer"},
	{typ: "aws_lb_target_group", field: "name", max: core.MaxTargetGroupName, kind: "target group"},
	{typ: "aws_alb_target_group", field: "name", max: core.MaxTargetGroupName, kind: "target group"},
	{typ: "aws_iam_role", field: "name", max: core.MaxIAMRoleName, kind: "IAM role"},
	{typ: "aws_iam_policy", field: "name", max: 128, kind: "IAM policy"},
	{typ: "aws_lambda_function", field: "function_name", max: core.MaxLambdaFunctionName, kind: "Lambda function"},
	{typ: "aws_scheduler_schedule", field: "name", max: core.MaxScheduleName, kind: "schedule", scope: func(f map[string]any) string {
		if g := tfjson.Str(f, "group_name"); g != "" {
			return g
		}
		return "default"
	}},
	{typ: "aws_scheduler_schedule_group", field: "name", max: 64, kind: "schedule group"},
	{typ: "aws_cloudwatch_log_group", field: "name", max: core.MaxLogGroupName, kind: "log group"},
	{typ: "aws_ssm_parameter", field: "name", max: 2048, kind: "SSM parameter"},
	{typ: "aws_sqs_queue", field: "name", max: core.MaxSQSQueueName, kind: "SQS queue"},
	{typ: "aws_ecr_repository", field: "name", max: 256, kind: "ECR repository"},
	{typ: "aws_ecs_cluster", field: "name", max: 255, kind: "ECS cluster"},
	{typ: "aws_secretsmanager_secret", field: "name", max: 512, kind: "secret"},
	{typ: "aws_codedeploy_app", field: "name", max: 100, kind: "CodeDeploy application"},
	{typ: "aws_wafv2_web_acl", field: "name", max: 128, kind: "web ACL", scope: func(f map[string]any) string { return tfjson.Str(f, "scope") }},
	{typ: "aws_cloudwatch_metric_alarm", field: "alarm_name", max: 255, kind: "alarm"},
	{typ: "aws_kms_alias", field: "name", max: 256, kind: "KMS alias"},
	{typ: "aws_sns_topic", field: "name", max: 256, kind: "SNS topic"},
	// A record is one name and type in one hosted zone: two stacks writing
	// it would take it from each other on every apply.
	{typ: "aws_route53_record", field: "name", max: 253, kind: "DNS record", scope: func(f map[string]any) string {
		return tfjson.Str(f, "zone_id") + " " + tfjson.Str(f, "type")
	}},
	{typ: "aws_iam_openid_connect_provider", field: "url", kind: "OIDC provider"},
}

func checkNameLengths(s *Stack) []Violation {
	var out []Violation
	for _, n := range accountWideNames {
		if n.max == 0 {
			continue
		}
		for _, b := range s.resources(n.typ) {
			name := tfjson.Str(b.Fields, n.field)
			if name == "" || strings.Contains(name, "${") {
				continue
			}
			if len(name) > n.max {
				out = append(out, s.violation(b, RuleNameLength,
					fmt.Sprintf("shorten the project or resource name by %d characters", len(name)-n.max),
					"%s name %q is %d characters; AWS allows at most %d", n.kind, name, len(name), n.max))
			}
		}
	}
	return out
}

func checkNamesUnique(stacks []*Stack) []Violation {
	type owner struct {
		stack *Stack
		b     block
	}
	seen := map[string][]owner{}
	var keys []string
	kinds := map[string]string{}
	for _, s := range stacks {
		for _, n := range accountWideNames {
			for _, b := range s.resources(n.typ) {
				name := tfjson.Str(b.Fields, n.field)
				if name == "" || strings.Contains(name, "${") {
					continue
				}
				key := n.kind + "\x00" + name
				if n.scope != nil {
					key += "\x00" + n.scope(b.Fields)
				}
				if _, ok := seen[key]; !ok {
					keys = append(keys, key)
				}
				seen[key] = append(seen[key], owner{s, b})
				kinds[key] = n.kind
			}
		}
	}
	sort.Strings(keys)
	var out []Violation
	for _, key := range keys {
		owners := seen[key]
		if len(owners) < 2 {
			continue
		}
		// The same report whatever order the stacks came in.
		sort.Slice(owners, func(i, j int) bool {
			if owners[i].stack.Name != owners[j].stack.Name {
				return owners[i].stack.Name < owners[j].stack.Name
			}
			return owners[i].b.Path() < owners[j].b.Path()
		})
		name := strings.Split(key, "\x00")[1]
		first := owners[0]
		for _, o := range owners[1:] {
			out = append(out, o.stack.violation(o.b, RuleNameUnique,
				"embed the project and environment in the name (core.Names.Resource) or create the resource in one stack only and look it up elsewhere",
				"%s name %q is also created by stack %s at %s; both stacks deploy to one account", kinds[key], name, first.stack.Name, first.b.Path()))
		}
	}
	return out
}
