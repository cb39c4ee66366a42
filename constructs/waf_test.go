package constructs_test

import (
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/constructs/waf"
	. "github.com/fractallabsdev/talkwise-infra/internal/synthtest"
)

func TestWebACL(t *testing.T) {
	const albArn = "arn:aws:elasticloadbalancing:us-east-2:427479925030:loadbalancer/app/test-production-alb/0123456789abcdef"
	st := Synth(t, core.Production, func(s *stack.Stack) {
		waf.NewWebACL(s.Scope, "Firewall", &waf.WebACLProps{ResourceArn: jsii.String(albArn)})
	})
	acl := st.One(t, "aws_wafv2_web_acl")
	block := map[string]any{"block": map[string]any{}}
	none := map[string]any{"none": map[string]any{}}
	managed := func(name string) map[string]any {
		return map[string]any{"managed_rule_group_statement": map[string]any{"name": name, "vendor_name": "AWS"}}
	}
	acl.Expect(t, map[string]any{
		"name": "test-production-waf", "scope": "REGIONAL",
		"default_action":    map[string]any{"allow": map[string]any{}},
		"visibility_config": wafVisibility("test-production-waf"),
		"rule": []any{
			map[string]any{"name": "rate-limit-per-ip", "priority": 0, "action": block, "visibility_config": wafVisibility("test-production-waf-rate-limit-per-ip"),
				"statement": map[string]any{"rate_based_statement": map[string]any{"limit": 2000, "aggregate_key_type": "IP"}}},
			map[string]any{"name": "block-php", "priority": 1, "action": block, "visibility_config": wafVisibility("test-production-waf-block-php"),
				"statement": wafMatch("uri_path", "CONTAINS", ".php", "LOWERCASE")},
			map[string]any{"name": "block-phpunit", "priority": 2, "action": block, "visibility_config": wafVisibility("test-production-waf-block-phpunit"),
				"statement": wafMatch("uri_path", "CONTAINS", "phpunit", "LOWERCASE")},
			map[string]any{"name": "block-eval-stdin", "priority": 3, "action": block, "visibility_config": wafVisibility("test-production-waf-block-eval-stdin"),
				"statement": wafMatch("uri_path", "CONTAINS", "eval-stdin", "LOWERCASE")},
			map[string]any{"name": "block-path-traversal", "priority": 4, "action": block, "visibility_config": wafVisibility("test-production-waf-block-path-traversal"),
				"statement": map[string]any{"or_statement": map[string]any{"statement": []any{
					wafMatch("uri_path", "CONTAINS", "../", "NONE"),
					wafMatch("uri_path", "CONTAINS", "%2e%2e%2f", "LOWERCASE"),
					wafMatch("uri_path", "CONTAINS", "../", "URL_DECODE"),
					wafMatch("query_string", "CONTAINS", "../", "URL_DECODE"),
				}}}},
			map[string]any{"name": "AWSManagedRulesCommonRuleSet", "priority": 5, "override_action": none,
				"visibility_config": wafVisibility("test-production-waf-AWSManagedRulesCommonRuleSet"), "statement": managed("AWSManagedRulesCommonRuleSet")},
			map[string]any{"name": "AWSManagedRulesKnownBadInputsRuleSet", "priority": 6, "override_action": none,
				"visibility_config": wafVisibility("test-production-waf-AWSManagedRulesKnownBadInputsRuleSet"), "statement": managed("AWSManagedRulesKnownBadInputsRuleSet")},
			map[string]any{"name": "AWSManagedRulesSQLiRuleSet", "priority": 7, "override_action": none,
				"visibility_config": wafVisibility("test-production-waf-AWSManagedRulesSQLiRuleSet"), "statement": managed("AWSManagedRulesSQLiRuleSet")},
		},
	})
	st.One(t, "aws_wafv2_web_acl_association").Expect(t, map[string]any{"resource_arn": albArn, "web_acl_arn": acl.Ref("arn")})
}

func wafVisibility(metric string) map[string]any {
	return map[string]any{"cloudwatch_metrics_enabled": true, "sampled_requests_enabled": true, "metric_name": metric}
}

func wafMatch(part, constraint, search, transformation string) map[string]any {
	return map[string]any{"byte_match_statement": map[string]any{
		"field_to_match": map[string]any{part: map[string]any{}}, "positional_constraint": constraint, "search_string": search,
		"text_transformation": []any{map[string]any{"priority": 0, "type": transformation}},
	}}
}
