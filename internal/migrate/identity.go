package migrate

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
)

// identityKeys say, per resource type, which attributes identify one real
// AWS object: two resources of the type with equal values there are the same
// object. Each type lists keys from the most to the least specific; the
// matcher uses the first key whose values it knows on both sides and that
// singles out one old resource. Attributes are dotted paths ("tags.Name";
// nested blocks descend into their only element).
//
// Types without a name of their own (an Elastic IP, a route table) are also
// matched through the resources that refer to them: once a NAT gateway is
// matched, its allocation_id names its Elastic IP.
var identityKeys = map[string][][]string{
	// Networking
	"aws_vpc":                                  {{"cidr_block", "tags.Name"}, {"cidr_block"}},
	"aws_subnet":                               {{"vpc_id", "cidr_block"}},
	"aws_internet_gateway":                     {{"vpc_id"}},
	"aws_egress_only_internet_gateway":         {{"vpc_id"}},
	"aws_nat_gateway":                          {{"subnet_id", "allocation_id"}, {"subnet_id"}},
	"aws_eip":                                  {{"tags.Name"}},
	"aws_route_table":                          {{"vpc_id", "tags.Name"}, {"vpc_id"}},
	"aws_route":                                {{"route_table_id", "destination_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id"}},
	"aws_route_table_association":              {{"subnet_id"}, {"gateway_id"}},
	"aws_main_route_table_association":         {{"vpc_id"}},
	"aws_vpc_endpoint":                         {{"vpc_id", "service_name"}},
	"aws_vpc_endpoint_route_table_association": {{"vpc_endpoint_id", "route_table_id"}},
	"aws_security_group":                       {{"vpc_id", "name"}, {"name"}},
	"aws_vpc_security_group_ingress_rule":      securityGroupRuleKeys,
	"aws_vpc_security_group_egress_rule":       securityGroupRuleKeys,
	"aws_security_group_rule": {
		{"security_group_id", "type", "protocol", "from_port", "to_port", "cidr_blocks"},
		{"security_group_id", "type", "protocol", "from_port", "to_port", "source_security_group_id"},
		{"security_group_id", "type", "protocol", "from_port", "to_port", "self"},
	},
	"aws_flow_log":               {{"vpc_id", "traffic_type", "log_destination"}, {"vpc_id", "traffic_type"}},
	"aws_default_security_group": {{"vpc_id"}},
	"aws_default_network_acl":    {{"default_network_acl_id"}},
	"aws_default_route_table":    {{"default_route_table_id"}},

	// Lambda, scheduling, queues
	"aws_lambda_function":                     {{"function_name"}},
	"aws_lambda_permission":                   {{"function_name", "statement_id"}},
	"aws_lambda_alias":                        {{"function_name", "name"}},
	"aws_lambda_function_event_invoke_config": {{"function_name", "qualifier"}},
	"aws_scheduler_schedule":                  {{"group_name", "name"}},
	"aws_scheduler_schedule_group":            {{"name"}},
	"aws_cloudwatch_event_rule":               {{"event_bus_name", "name"}},
	"aws_cloudwatch_event_target":             {{"rule", "target_id"}},
	"aws_sqs_queue":                           {{"name"}},
	"aws_sqs_queue_policy":                    {{"queue_url"}},
	"aws_sqs_queue_redrive_allow_policy":      {{"queue_url"}},
	"aws_sns_topic":                           {{"name"}},
	"aws_sns_topic_policy":                    {{"arn"}},
	"aws_sns_topic_subscription":              {{"topic_arn", "protocol", "endpoint"}},

	// Logs and monitoring
	"aws_cloudwatch_log_group":    {{"name"}},
	"aws_cloudwatch_metric_alarm": {{"alarm_name"}},
	"aws_cloudwatch_dashboard":    {{"dashboard_name"}},

	// IAM
	"aws_iam_role":                    {{"name"}},
	"aws_iam_role_policy":             {{"role", "name"}},
	"aws_iam_role_policy_attachment":  {{"role", "policy_arn"}},
	"aws_iam_policy":                  {{"path", "name"}, {"name"}},
	"aws_iam_instance_profile":        {{"name"}},
	"aws_iam_openid_connect_provider": {{"url"}},
	"aws_iam_user":                    {{"name"}},
	"aws_iam_service_linked_role":     {{"aws_service_name", "custom_suffix"}},

	// Parameters, secrets, keys
	"aws_ssm_parameter":                {{"name"}},
	"aws_secretsmanager_secret":        {{"name"}},
	"aws_secretsmanager_secret_policy": {{"secret_arn"}},
	"aws_kms_alias":                    {{"name"}},
	// A key has no name of its own; its alias (above) names it, and the
	// matcher follows the alias's target_key_id to it.
	"aws_kms_key":   {{"description"}},
	"aws_s3_bucket": {{"bucket"}},
	// A bucket's settings are one object per bucket.
	"aws_s3_bucket_policy":                               {{"bucket"}},
	"aws_s3_bucket_versioning":                           {{"bucket"}},
	"aws_s3_bucket_public_access_block":                  {{"bucket"}},
	"aws_s3_bucket_server_side_encryption_configuration": {{"bucket"}},
	"aws_s3_bucket_lifecycle_configuration":              {{"bucket"}},
	"aws_s3_bucket_ownership_controls":                   {{"bucket"}},
	"aws_s3_bucket_logging":                              {{"bucket"}},
	"aws_dynamodb_table":                                 {{"name"}},

	// Containers
	"aws_ecr_repository":                 {{"name"}},
	"aws_ecr_lifecycle_policy":           {{"repository"}},
	"aws_ecr_repository_policy":          {{"repository"}},
	"aws_ecs_cluster":                    {{"name"}},
	"aws_ecs_cluster_capacity_providers": {{"cluster_name"}},
	"aws_ecs_service":                    {{"cluster", "name"}, {"name"}},
	"aws_ecs_task_definition":            {{"family"}},
	"aws_appautoscaling_target":          {{"service_namespace", "resource_id", "scalable_dimension"}},
	"aws_appautoscaling_policy":          {{"service_namespace", "resource_id", "scalable_dimension", "name"}},

	// Load balancing
	"aws_lb":                         {{"name"}},
	"aws_alb":                        {{"name"}},
	"aws_lb_target_group":            {{"name"}},
	"aws_alb_target_group":           {{"name"}},
	"aws_lb_listener":                {{"load_balancer_arn", "port"}},
	"aws_alb_listener":               {{"load_balancer_arn", "port"}},
	"aws_lb_listener_rule":           {{"listener_arn", "priority"}},
	"aws_lb_listener_certificate":    {{"listener_arn", "certificate_arn"}},
	"aws_acm_certificate":            {{"domain_name"}},
	"aws_acm_certificate_validation": {{"certificate_arn"}},
	"aws_route53_record":             {{"zone_id", "name", "type"}},

	// Deployment
	"aws_codedeploy_app":              {{"compute_platform", "name"}, {"name"}},
	"aws_codedeploy_deployment_group": {{"app_name", "deployment_group_name"}},

	// WAF
	"aws_wafv2_web_acl":                       {{"scope", "name"}},
	"aws_wafv2_rule_group":                    {{"scope", "name"}},
	"aws_wafv2_ip_set":                        {{"scope", "name"}},
	"aws_wafv2_regex_pattern_set":             {{"scope", "name"}},
	"aws_wafv2_web_acl_association":           {{"resource_arn"}},
	"aws_wafv2_web_acl_logging_configuration": {{"resource_arn"}},
}

var securityGroupRuleKeys = [][]string{
	{"security_group_id", "ip_protocol", "from_port", "to_port", "cidr_ipv4"},
	{"security_group_id", "ip_protocol", "from_port", "to_port", "cidr_ipv6"},
	{"security_group_id", "ip_protocol", "from_port", "to_port", "referenced_security_group_id"},
	{"security_group_id", "ip_protocol", "from_port", "to_port", "prefix_list_id"},
	{"security_group_id", "ip_protocol", "cidr_ipv4"},
	{"security_group_id", "ip_protocol", "cidr_ipv6"},
	{"security_group_id", "ip_protocol", "referenced_security_group_id"},
}

// identityDefaults are what AWS records for an identity attribute a new
// resource leaves out. Any other attribute left out is computed by AWS (a
// generated name, say) and cannot identify anything.
var identityDefaults = map[string]map[string]string{
	"aws_scheduler_schedule":    {"group_name": "default"},
	"aws_cloudwatch_event_rule": {"event_bus_name": "default"},
	"aws_iam_policy":            {"path": "/"},
	"aws_route": {"destination_cidr_block": "", "destination_ipv6_cidr_block": "",
		"destination_prefix_list_id": ""},
	"aws_iam_service_linked_role":             {"custom_suffix": ""},
	"aws_lambda_function_event_invoke_config": {"qualifier": ""},
	"aws_security_group_rule":                 {"self": "false"},
}

// stateOnlyTypes hold nothing in AWS: removing one from state deletes
// nothing, so an old one without a counterpart is accepted automatically.
var stateOnlyTypes = map[string]string{
	"null_resource":  "holds no AWS object (a build trigger)",
	"terraform_data": "holds no AWS object",
	"time_sleep":     "holds no AWS object (a wait)",
	"time_static":    "holds no AWS object (a timestamp)",
}

// HasIdentity reports whether the matcher knows how to identify a type.
func HasIdentity(typ string) bool { _, ok := identityKeys[typ]; return ok }

// status says how much is known about an attribute's value.
type status int

const (
	known   status = iota
	pending        // refers to a new resource not matched yet
	unknown        // computed by AWS, or refers to something that will never be matched
)

// lookupRef resolves "${<type>.<id>.<attr>}" on the new side.
type lookupRef func(address, attr string) (string, status)

// attrAt returns the value at a dotted path. A nested block is a list of
// one object in state and an object or a list in cdktf JSON; both descend.
func attrAt(m map[string]any, path string) (any, bool) {
	var cur any = m
	for _, part := range strings.Split(path, ".") {
		for {
			l, ok := cur.([]any)
			if !ok || len(l) != 1 {
				break
			}
			cur = l[0]
		}
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		v, present := obj[part]
		if !present {
			return nil, false
		}
		cur = v
	}
	return cur, true
}

// oldValue is the canonical value of an attribute of an old resource.
func oldValue(r OldResource, path string) string {
	v, _ := attrAt(r.Values, path)
	return canonical(v)
}

// newValue is the canonical value of an attribute of a new resource, with
// references resolved through lookup.
func newValue(r NewResource, path string, lookup lookupRef) (string, status) {
	v, present := attrAt(r.Fields, path)
	if !present || v == nil {
		if d, ok := identityDefaults[r.Type][path]; ok {
			return d, known
		}
		return "", unknown
	}
	resolved, st := resolveRefs(v, lookup)
	if st != known {
		return "", st
	}
	return canonical(resolved), known
}

// resolveRefs replaces every reference in v with its value.
func resolveRefs(v any, lookup lookupRef) (any, status) {
	switch x := v.(type) {
	case string:
		if !strings.Contains(x, "${") {
			return x, known
		}
		worst := known
		out := tfjson.ReplaceRefs(x, func(r tfjson.Ref) (string, bool) {
			if r.Data() { // a data source: read at plan time, unknown here
				worst = max(worst, unknown)
				return "", false
			}
			val, st := lookup(r.Address, r.Attr)
			worst = max(worst, st)
			return val, true
		})
		if worst == known && strings.Contains(out, "${") {
			worst = unknown // an expression this matcher does not evaluate
		}
		return out, worst
	case []any:
		out := make([]any, len(x))
		worst := known
		for i, e := range x {
			var st status
			out[i], st = resolveRefs(e, lookup)
			worst = max(worst, st)
		}
		return out, worst
	case map[string]any:
		out := make(map[string]any, len(x))
		worst := known
		for k, e := range x {
			var st status
			out[k], st = resolveRefs(e, lookup)
			worst = max(worst, st)
		}
		return out, worst
	default:
		return v, known
	}
}

// canonical renders a value so that state and synthesized JSON compare
// equal when they mean the same: numbers in one form whether written as
// numbers or strings, empty and null alike, sets in sorted order.
func canonical(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		if f, err := strconv.ParseFloat(x, 64); err == nil && looksNumeric(x) {
			return strconv.FormatFloat(f, 'f', -1, 64)
		}
		return x
	case json.Number:
		return canonical(x.String())
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		if len(x) == 0 {
			return ""
		}
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = canonical(e)
		}
		sort.Strings(parts)
		b, _ := json.Marshal(parts)
		return string(b)
	case map[string]any:
		if len(x) == 0 {
			return ""
		}
		m := make(map[string]string, len(x))
		for k, e := range x {
			m[k] = canonical(e)
		}
		b, _ := json.Marshal(m) // sorted keys
		return string(b)
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

func looksNumeric(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c >= '0' && c <= '9' || c == '.' || (i == 0 && c == '-')) {
			return false
		}
	}
	return true
}
