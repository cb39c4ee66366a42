package policy

import (
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"

	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// UnscopedActions are the IAM actions AWS does not let a policy scope to a
// resource: the Service Authorization Reference lists no resource type for
// them, so "Resource": "*" is the only way to grant them. Only these may
// appear in an Allow statement whose Resource is "*".
var UnscopedActions = []string{
	"application-autoscaling:DescribeScalableTargets",
	"application-autoscaling:DescribeScalingActivities",
	"application-autoscaling:DescribeScalingPolicies",
	"cloudwatch:PutMetricData",
	"ec2:DescribeNetworkInterfaces",
	"ec2:DescribeSecurityGroups",
	"ec2:DescribeSubnets",
	"ec2:DescribeVpcs",
	"ecr:GetAuthorizationToken",
	"ecs:DeregisterTaskDefinition",
	"ecs:DescribeTaskDefinition",
	"ecs:ListTaskDefinitions",
	"ecs:RegisterTaskDefinition",
	"elasticloadbalancing:DescribeListeners",
	"elasticloadbalancing:DescribeLoadBalancers",
	"elasticloadbalancing:DescribeRules",
	"elasticloadbalancing:DescribeTargetGroups",
	"elasticloadbalancing:DescribeTargetHealth",
	"logs:DescribeLogGroups",
	"secretsmanager:GetRandomPassword",
	"secretsmanager:ListSecrets",
	"ssm:DescribeParameters",
	"ssmmessages:CreateControlChannel",
	"ssmmessages:CreateDataChannel",
	"ssmmessages:OpenControlChannel",
	"ssmmessages:OpenDataChannel",
	"sts:GetCallerIdentity",
	"xray:GetSamplingRules",
	"xray:GetSamplingStatisticSummaries",
	"xray:GetSamplingTargets",
	"xray:PutTelemetryRecords",
	"xray:PutTraceSegments",
}

// wildcardManagedPolicies are AWS managed policies whose statements allow
// "*" (Security Hub IAM.1) or every action of a service, by what they allow.
var wildcardManagedPolicies = map[string]string{
	"arn:aws:iam::aws:policy/AdministratorAccess":     `"*" on "*"`,
	"arn:aws:iam::aws:policy/PowerUserAccess":         `every action but IAM and Organizations ("NotAction")`,
	"arn:aws:iam::aws:policy/IAMFullAccess":           `"iam:*"`,
	"arn:aws:iam::aws:policy/AmazonS3FullAccess":      `"s3:*"`,
	"arn:aws:iam::aws:policy/AmazonEC2FullAccess":     `"ec2:*"`,
	"arn:aws:iam::aws:policy/AWSLambda_FullAccess":    `"lambda:*"`,
	"arn:aws:iam::aws:policy/SecretsManagerReadWrite": `"secretsmanager:*"`,
}

func isUnscoped(action string) bool {
	for _, a := range UnscopedActions {
		if strings.EqualFold(a, action) {
			return true
		}
	}
	return false
}

// policyKind says which checks a policy document gets.
type policyKind int

const (
	// identity policies grant a principal access to resources: every check.
	identity policyKind = iota
	// resource policies sit on a resource; their Resource "*" can mean "this
	// resource" (KMS key policies), so only actions are checked.
	resource
	// trust policies say who may assume a role.
	trust
)

// policyFields are where IAM documents live in the resources we may create.
var policyFields = []struct {
	typ, field string
	kind       policyKind
}{
	{"aws_iam_role_policy", "policy", identity},
	{"aws_iam_policy", "policy", identity},
	{"aws_iam_user_policy", "policy", identity},
	{"aws_iam_group_policy", "policy", identity},
	{"aws_iam_role", "assume_role_policy", trust},
	{"aws_ecr_repository_policy", "policy", resource},
	{"aws_sqs_queue_policy", "policy", resource},
	{"aws_sqs_queue", "policy", resource},
	{"aws_secretsmanager_secret_policy", "policy", resource},
	{"aws_secretsmanager_secret", "policy", resource},
	{"aws_s3_bucket_policy", "policy", resource},
	{"aws_sns_topic_policy", "policy", resource},
	{"aws_kms_key", "policy", resource},
}

// statement is the part of an IAM statement the checks read.
type statement struct {
	Sid          string
	Effect       string
	Actions      []string
	NotActions   bool
	Resources    []string
	NotResources bool
	Principal    map[string]any
	Condition    map[string]map[string]any
}

// parseDocument reads a policy JSON string into statements.
func parseDocument(raw string) ([]statement, error) {
	var doc struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		return nil, err
	}
	var list []map[string]any
	if err := json.Unmarshal(doc.Statement, &list); err != nil {
		var one map[string]any
		if err := json.Unmarshal(doc.Statement, &one); err != nil {
			return nil, fmt.Errorf("Statement is neither an object nor a list")
		}
		list = []map[string]any{one}
	}
	out := make([]statement, 0, len(list))
	for _, m := range list {
		st := statement{
			Sid:          tfjson.Str(m, "Sid"),
			Effect:       tfjson.Str(m, "Effect"),
			Actions:      stringList(m["Action"]),
			NotActions:   m["NotAction"] != nil,
			Resources:    stringList(m["Resource"]),
			NotResources: m["NotResource"] != nil,
		}
		if p, ok := m["Principal"].(map[string]any); ok {
			st.Principal = p
		}
		if c, ok := m["Condition"].(map[string]any); ok {
			st.Condition = map[string]map[string]any{}
			for op, v := range c {
				if kv, ok := v.(map[string]any); ok {
					st.Condition[op] = kv
				}
			}
		}
		out = append(out, st)
	}
	return out, nil
}

// policyDocumentStatements reads a data.aws_iam_policy_document's statements.
func policyDocumentStatements(b block) []statement {
	var out []statement
	for _, m := range objects(b.Fields["statement"]) {
		effect := tfjson.Str(m, "effect")
		if effect == "" {
			effect = "Allow"
		}
		out = append(out, statement{
			Sid:          tfjson.Str(m, "sid"),
			Effect:       effect,
			Actions:      stringList(m["actions"]),
			NotActions:   m["not_actions"] != nil,
			Resources:    stringList(m["resources"]),
			NotResources: m["not_resources"] != nil,
		})
	}
	return out
}

func checkIAM(s *Stack) []Violation {
	var out []Violation
	for _, pf := range policyFields {
		for _, b := range s.resources(pf.typ) {
			raw := tfjson.Str(b.Fields, pf.field)
			if raw == "" {
				continue
			}
			// A reference to an aws_iam_policy_document is checked on the data source.
			if isReference(raw) && strings.Contains(raw, "data.aws_iam_policy_document.") {
				continue
			}
			stmts, err := parseDocument(raw)
			if err != nil {
				out = append(out, s.violation(b, RuleIAMUncheckable,
					"render the document with iam.PolicyDocument (or an aws_iam_policy_document data source) so its statements are plain JSON at synth time",
					"%s is not a JSON policy document the checks can read (%v)", pf.field, err))
				continue
			}
			out = append(out, checkStatements(s, b, pf.kind, stmts)...)
		}
	}
	// AWS managed policies that grant "*" or a service-wide wildcard are the
	// same as writing it ourselves.
	for _, typ := range []string{"aws_iam_role_policy_attachment", "aws_iam_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment"} {
		for _, b := range s.resources(typ) {
			if wide := wildcardManagedPolicies[tfjson.Str(b.Fields, "policy_arn")]; wide != "" {
				out = append(out, s.violation(b, RuleIAMWildcardAction,
					"grant the exact actions with scoped statements (iam.Role.AddToPolicy) instead of the AWS managed policy",
					"attaches %s, which allows %s", tfjson.Str(b.Fields, "policy_arn"), wide))
			}
		}
	}
	for _, b := range s.resources("aws_iam_role") {
		for _, arn := range stringList(b.Fields["managed_policy_arns"]) {
			if wide := wildcardManagedPolicies[arn]; wide != "" {
				out = append(out, s.violation(b, RuleIAMWildcardAction,
					"grant the exact actions with scoped statements (iam.Role.AddToPolicy) instead of the AWS managed policy",
					"attaches %s, which allows %s", arn, wide))
			}
		}
	}
	for _, b := range s.data("aws_iam_policy_document") {
		out = append(out, checkStatements(s, b, identity, policyDocumentStatements(b))...)
	}
	for _, b := range s.resources("aws_iam_role") {
		for _, inline := range objects(b.Fields["inline_policy"]) {
			raw := tfjson.Str(inline, "policy")
			if raw == "" || isReference(raw) {
				continue
			}
			stmts, err := parseDocument(raw)
			if err != nil {
				out = append(out, s.violation(b, RuleIAMUncheckable, "render the document with iam.PolicyDocument", "inline_policy is not JSON (%v)", err))
				continue
			}
			out = append(out, checkStatements(s, b, identity, stmts)...)
		}
	}
	return out
}

func checkStatements(s *Stack, b block, kind policyKind, stmts []statement) []Violation {
	var out []Violation
	for i, st := range stmts {
		if !strings.EqualFold(st.Effect, "Allow") {
			continue // a Deny with wildcards only takes access away
		}
		name := st.Sid
		if name == "" {
			name = fmt.Sprintf("#%d", i)
		}
		if st.NotActions {
			out = append(out, s.violation(b, RuleIAMWildcardAction,
				"list the actions the principal needs in Action instead of excluding some with NotAction",
				"statement %s allows NotAction, i.e. every action but a few", name))
		}
		var wild []string
		for _, a := range st.Actions {
			if a == "*" || strings.HasSuffix(a, ":*") {
				wild = append(wild, a)
			}
		}
		if len(wild) > 0 {
			out = append(out, s.violation(b, RuleIAMWildcardAction,
				"list the exact actions needed (e.g. ecr:BatchGetImage, not ecr:*)",
				"statement %s allows %s", name, strings.Join(quoteAll(wild), ", ")))
		}
		if kind != identity {
			continue
		}
		if st.NotResources {
			out = append(out, s.violation(b, RuleIAMWildcardResource,
				"list the resources in Resource instead of excluding some with NotResource",
				"statement %s uses NotResource, i.e. every resource but a few", name))
		}
		star := false
		for _, r := range st.Resources {
			if r == "*" {
				star = true
			}
		}
		if !star {
			continue
		}
		var scoped []string
		for _, a := range st.Actions {
			if !isUnscoped(a) {
				scoped = append(scoped, a)
			}
		}
		sort.Strings(scoped)
		if len(scoped) > 0 {
			out = append(out, s.violation(b, RuleIAMWildcardResource,
				"scope Resource to the exact ARNs these actions act on; keep Resource \"*\" only for actions AWS cannot scope (policy.UnscopedActions), in a statement of their own",
				"statement %s grants %s on Resource \"*\"", name, strings.Join(quoteAll(scoped), ", ")))
		}
	}
	return out
}

func quoteAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
