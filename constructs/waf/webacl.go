// Package waf protects a regional resource (the ALB) with a WAFv2 web ACL:
// AWS's managed rule groups, a per-IP rate limit and blocks for the scanner
// traffic the spec names.
package waf

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/wafv2webacl"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/wafv2webaclassociation"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
)

// DefaultRateLimit is the spec's 2000 requests per 5 minutes per IP.
const DefaultRateLimit = 2000

// ManagedRuleGroups are the AWS managed groups every ACL runs, in order.
var ManagedRuleGroups = []string{
	"AWSManagedRulesCommonRuleSet",         // OWASP Top 10 style protections
	"AWSManagedRulesKnownBadInputsRuleSet", // Log4j, request smuggling and other known exploits
	"AWSManagedRulesSQLiRuleSet",           // SQL injection
}

// WebACLProps configure a WebACL.
type WebACLProps struct {
	// ResourceArn is the ALB to protect.
	ResourceArn *string
	// RateLimit is requests per 5 minutes per IP before blocking. Defaults to
	// 2000; WAF allows 10 or more.
	RateLimit int
}

func (p *WebACLProps) validate() error {
	if p.RateLimit == 0 {
		p.RateLimit = DefaultRateLimit
	}
	if p.RateLimit < 10 {
		return core.Errorf("WAF.RateLimit", "use 10 or more requests per 5 minutes", "%d is below WAF's minimum", p.RateLimit)
	}
	if p.ResourceArn == nil {
		return fmt.Errorf("waf.WebACLProps: ResourceArn is required")
	}
	return nil
}

// WebACL is a regional web ACL associated with one resource.
type WebACL struct {
	constructs.Construct
	Resource wafv2webacl.Wafv2WebAcl
}

// rule is one rule before it becomes the typed binding.
type rule struct {
	name      string
	statement m
	managed   bool // managed groups take override_action none, not an action
}

// rulesFor are the ACL's rules in priority order (priority = index): the rate
// limit first so every request counts towards it, the cheap custom blocks,
// then the managed groups.
func rulesFor(limit int) []rule {
	rules := []rule{
		{name: "rate-limit-per-ip", statement: rateLimit(limit)},
		// Nothing here runs PHP: any .php path is a scanner.
		{name: "block-php", statement: byteMatch(uriPath(), "CONTAINS", ".php", "LOWERCASE")},
		{name: "block-phpunit", statement: byteMatch(uriPath(), "CONTAINS", "phpunit", "LOWERCASE")},
		{name: "block-eval-stdin", statement: byteMatch(uriPath(), "CONTAINS", "eval-stdin", "LOWERCASE")},
		// Directory traversal, plain and URL-encoded (%2e%2e%2f in any case,
		// or decoded once), in the path and in the query string.
		{name: "block-path-traversal", statement: or(
			byteMatch(uriPath(), "CONTAINS", "../", "NONE"),
			byteMatch(uriPath(), "CONTAINS", "%2e%2e%2f", "LOWERCASE"),
			byteMatch(uriPath(), "CONTAINS", "../", "URL_DECODE"),
			byteMatch(queryString(), "CONTAINS", "../", "URL_DECODE"),
		)},
	}
	for _, g := range ManagedRuleGroups {
		rules = append(rules, rule{name: g, statement: managedGroup(g), managed: true})
	}
	return rules
}

// NewWebACL creates the ACL and associates it with props.ResourceArn.
func NewWebACL(scope constructs.Construct, id string, props *WebACLProps) *WebACL {
	if err := props.validate(); err != nil {
		panic(err)
	}
	n := stack.Of(scope).Names
	c := constructs.NewConstruct(scope, jsii.String(id))
	name := n.Resource("waf")
	var rules []*wafv2webacl.Wafv2WebAclRule
	for i, r := range rulesFor(props.RateLimit) {
		wr := &wafv2webacl.Wafv2WebAclRule{
			Name:      jsii.String(r.name),
			Priority:  jsii.Number(float64(i)),
			Statement: r.statement,
			VisibilityConfig: &wafv2webacl.Wafv2WebAclRuleVisibilityConfig{
				CloudwatchMetricsEnabled: jsii.Bool(true),
				SampledRequestsEnabled:   jsii.Bool(true),
				MetricName:               jsii.String(name + "-" + r.name),
			},
		}
		if r.managed {
			wr.OverrideAction = &wafv2webacl.Wafv2WebAclRuleOverrideAction{None: &wafv2webacl.Wafv2WebAclRuleOverrideActionNone{}}
		} else {
			wr.Action = &wafv2webacl.Wafv2WebAclRuleAction{Block: &wafv2webacl.Wafv2WebAclRuleActionBlock{}}
		}
		rules = append(rules, wr)
	}
	acl := wafv2webacl.NewWafv2WebAcl(c, jsii.String("Resource"), &wafv2webacl.Wafv2WebAclConfig{
		Name:          jsii.String(name),
		Description:   jsii.String("Protects the load balancer of " + n.Prefix()),
		Scope:         jsii.String("REGIONAL"),
		DefaultAction: &wafv2webacl.Wafv2WebAclDefaultAction{Allow: &wafv2webacl.Wafv2WebAclDefaultActionAllow{}},
		Rule:          rules,
		VisibilityConfig: &wafv2webacl.Wafv2WebAclVisibilityConfig{
			CloudwatchMetricsEnabled: jsii.Bool(true),
			SampledRequestsEnabled:   jsii.Bool(true),
			MetricName:               jsii.String(name),
		},
	})
	wafv2webaclassociation.NewWafv2WebAclAssociation(c, jsii.String("Association"), &wafv2webaclassociation.Wafv2WebAclAssociationConfigA{
		ResourceArn: props.ResourceArn,
		WebAclArn:   acl.Arn(),
	})
	return &WebACL{Construct: c, Resource: acl}
}

// Arn is the web ACL's ARN.
func (w *WebACL) Arn() *string { return w.Resource.Arn() }
