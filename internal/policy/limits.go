package policy

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
)

// fieldLimit is a limit AWS enforces on a free-text field of a resource,
// with where it is documented. Our constructs validate what users set
// before anything is built; this rule is the net under every resource of
// every stack, ours or not, so nothing AWS would refuse at apply time
// passes synth.
type fieldLimit struct {
	typ, field string
	max        int
	pattern    *regexp.Regexp // nil: any characters
	patternMsg string
	source     string
}

var (
	// IAM API reference, CreateRole/CreatePolicy Description:
	// [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*.
	iamDescription = regexp.MustCompile(`^[\x{0009}\x{000A}\x{000D}\x{0020}-\x{007E}\x{00A1}-\x{00FF}]*$`)
	// EC2 API reference, CreateSecurityGroup GroupDescription (VPC):
	// a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*.
	sgDescription = regexp.MustCompile(`^[a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*]*$`)
	// Provider aws_scheduler_schedule name: ^[0-9A-Za-z_.-]+$ (and the
	// Scheduler API's CreateSchedule Name pattern).
	scheduleName = regexp.MustCompile(`^[0-9A-Za-z_.-]+$`)
)

var fieldLimits = []fieldLimit{
	{typ: "aws_lambda_function", field: "description", max: core.MaxLambdaDescription, source: "Lambda API reference, CreateFunction Description"},
	{typ: "aws_scheduler_schedule", field: "description", max: core.MaxScheduleDescription, source: "EventBridge Scheduler API reference, CreateSchedule Description"},
	{typ: "aws_scheduler_schedule", field: "name", max: core.MaxScheduleName, pattern: scheduleName, patternMsg: "letters, digits, '.', '_' and '-'", source: "EventBridge Scheduler API reference, CreateSchedule Name"},
	{typ: "aws_iam_role", field: "description", max: 1000, pattern: iamDescription, patternMsg: "printable Latin-1 characters", source: "IAM API reference, CreateRole Description"},
	{typ: "aws_iam_policy", field: "description", max: 1000, pattern: iamDescription, patternMsg: "printable Latin-1 characters", source: "IAM API reference, CreatePolicy Description"},
	{typ: "aws_security_group", field: "description", max: 255, pattern: sgDescription, patternMsg: "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*", source: "EC2 API reference, CreateSecurityGroup GroupDescription"},
	{typ: "aws_vpc_security_group_ingress_rule", field: "description", max: 255, pattern: sgDescription, patternMsg: "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*", source: "EC2 API reference, IpRange/SecurityGroupRule Description"},
	{typ: "aws_vpc_security_group_egress_rule", field: "description", max: 255, pattern: sgDescription, patternMsg: "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*", source: "EC2 API reference, IpRange/SecurityGroupRule Description"},
	{typ: "aws_security_group_rule", field: "description", max: 255, pattern: sgDescription, patternMsg: "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*", source: "EC2 API reference, IpRange Description"},
	{typ: "aws_ssm_parameter", field: "description", max: 1024, source: "Systems Manager API reference, PutParameter Description"},
	{typ: "aws_secretsmanager_secret", field: "description", max: 2048, source: "Secrets Manager API reference, CreateSecret Description"},
	{typ: "aws_kms_key", field: "description", max: 8192, source: "KMS API reference, CreateKey Description"},
	{typ: "aws_cloudwatch_metric_alarm", field: "alarm_description", max: 1024, source: "CloudWatch API reference, PutMetricAlarm AlarmDescription"},
	{typ: "aws_wafv2_web_acl", field: "description", max: 256, source: "WAFV2 API reference, CreateWebACL Description"},
}

// Tag limits (Tagging AWS Resources user guide, "Tag naming limits and
// requirements"): at most 50 user tags per resource, keys 1-128 and values
// 0-256 Unicode characters of letters, digits, spaces and _.:/=+-@, and the
// aws: prefix is reserved for AWS.
const (
	maxTags        = 50
	maxTagKey      = 128
	maxTagValue    = 256
	tagLimitSource = "Tagging AWS Resources, tag naming limits and requirements"
)

var tagChars = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// lambdaEnvKey is Lambda's Environment key pattern (Lambda API reference,
// Environment).
var lambdaEnvKey = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]+$`)

func checkLimits(s *Stack) []Violation {
	var out []Violation
	for _, l := range fieldLimits {
		for _, b := range s.resources(l.typ) {
			v, ok := b.Fields[l.field].(string)
			if !ok || strings.Contains(v, "${") {
				continue
			}
			if n := utf8.RuneCountInString(v); n > l.max {
				out = append(out, s.violation(b, RuleAWSLimit, fmt.Sprintf("shorten it by %d characters (%s)", n-l.max, l.source),
					"%s is %d characters; AWS allows at most %d", l.field, n, l.max))
			}
			if l.pattern != nil && !l.pattern.MatchString(v) {
				out = append(out, s.violation(b, RuleAWSLimit, "use only "+l.patternMsg+" ("+l.source+")",
					"%s %q has characters AWS refuses", l.field, v))
			}
		}
	}
	out = append(out, checkTags(s)...)
	for _, fn := range s.resources("aws_lambda_function") {
		for _, env := range objects(fn.Fields["environment"]) {
			vars, _ := env["variables"].(map[string]any)
			for _, k := range core.SortedKeys(vars) {
				switch {
				case !lambdaEnvKey.MatchString(k):
					out = append(out, s.violation(fn, RuleAWSLimit, "use a letter, then letters, digits and underscores (Lambda API reference, Environment)",
						"environment variable %q does not match [a-zA-Z][a-zA-Z0-9_]+", k))
				case core.LambdaReservedEnvironment[k]:
					out = append(out, s.violation(fn, RuleAWSLimit, "remove it: Lambda sets it at run time (Lambda Developer Guide, defined runtime environment variables)",
						"environment variable %s is reserved by Lambda", k))
				}
			}
		}
	}
	return out
}

// checkTags checks every resource's tags together with the provider's
// default tags, which AWS receives merged.
func checkTags(s *Stack) []Violation {
	defaults := map[string]any{}
	providers, _ := s.Doc["provider"].(map[string]any)
	for _, p := range objects(providers["aws"]) {
		for _, dt := range objects(p["default_tags"]) {
			tags, _ := dt["tags"].(map[string]any)
			for k, v := range tags {
				defaults[k] = v
			}
		}
	}
	var out []Violation
	all, _ := s.Doc["resource"].(map[string]any)
	types := core.SortedKeys(all)
	for _, typ := range types {
		for _, b := range s.resources(typ) {
			tags, _ := b.Fields["tags"].(map[string]any)
			merged := map[string]any{}
			for k, v := range defaults {
				merged[k] = v
			}
			for k, v := range tags {
				merged[k] = v
			}
			if len(tags) == 0 {
				continue // the provider's defaults alone are checked once below
			}
			out = append(out, tagViolations(s, b, merged)...)
		}
	}
	if len(defaults) > 0 {
		out = append(out, tagViolations(s, tfjson.Block{Type: "provider", ID: "aws"}, defaults)...)
	}
	return out
}

func tagViolations(s *Stack, b block, tags map[string]any) []Violation {
	var out []Violation
	if len(tags) > maxTags {
		out = append(out, s.violation(b, RuleAWSLimit, "drop tags ("+tagLimitSource+")", "%d tags with the provider's default tags; AWS allows %d", len(tags), maxTags))
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, _ := tags[k].(string)
		switch {
		case utf8.RuneCountInString(k) < 1 || utf8.RuneCountInString(k) > maxTagKey:
			out = append(out, s.violation(b, RuleAWSLimit, "use a key of 1-128 characters ("+tagLimitSource+")", "tag key %q is %d characters", k, utf8.RuneCountInString(k)))
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			out = append(out, s.violation(b, RuleAWSLimit, "rename it: the aws: prefix is reserved for AWS ("+tagLimitSource+")", "tag key %q uses the reserved aws: prefix", k))
		case !tagChars.MatchString(k):
			out = append(out, s.violation(b, RuleAWSLimit, "use letters, digits, spaces and _.:/=+-@ ("+tagLimitSource+")", "tag key %q has characters AWS refuses", k))
		}
		if strings.Contains(v, "${") {
			continue
		}
		switch {
		case utf8.RuneCountInString(v) > maxTagValue:
			out = append(out, s.violation(b, RuleAWSLimit, "shorten it to 256 characters ("+tagLimitSource+")", "tag %s's value is %d characters", k, utf8.RuneCountInString(v)))
		case !tagChars.MatchString(v):
			out = append(out, s.violation(b, RuleAWSLimit, "use letters, digits, spaces and _.:/=+-@ ("+tagLimitSource+")", "tag %s's value %q has characters AWS refuses", k, v))
		}
	}
	return out
}
