package policy_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/internal/policy"
)

// doc parses a hand-written stack: these rules read JSON only, so no synth.
func doc(t *testing.T, raw string) map[string]any {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// logGroup is the function's log group, which the log-destination rule wants.
const logGroup = `"aws_cloudwatch_log_group": {"l": {"name": "/aws/lambda/p-dev-f", "retention_in_days": 30}}`

const provider = `"provider": {"aws": [{"region": "us-east-2", "default_tags": [{"tags": {"Project": "p", "Environment": "dev", "ManagedBy": "cdktf"}}]}]}`

// Credentials are found by value wherever they are set, under any name:
// environment values, a schedule's JSON input, container definitions, tags,
// descriptions, outputs. A NotSecrets entry lets exactly its name through.
func TestSecretValuesAnywhere(t *testing.T) {
	cases := []struct {
		name, resources, want string
	}{
		{"AWS key id under a neutral name", `"aws_lambda_function": {"f": {"function_name": "p-dev-f", "environment": {"variables": {"UPSTREAM_ID": "AKIAIOSFODNN7EXAMPLE"}}}}`,
			"environment.variables.UPSTREAM_ID holds what looks like an AWS access key id"},
		{"API key inside a schedule's JSON input", `"aws_scheduler_schedule": {"s": {"name": "p-dev-s", "target": {"input": "{\"job\":\"sync\",\"auth\":\"sk_live_4eC39HqLyjWDarjtT1zdp7dc\"}"}}}`,
			"target.input.auth holds what looks like a Stripe-style secret key"},
		{"GitHub token in a container's environment", `"aws_ecs_task_definition": {"t": {"family": "p-dev-api", "container_definitions": "[{\"name\":\"api\",\"environment\":[{\"name\":\"UPSTREAM\",\"value\":\"ghp_aaaabbbbccccddddeeeeffffgggghhhhiiii\"}]}]"}}`,
			"container_definitions[0].environment[0].value holds what looks like a GitHub token"},
		{"Slack token in a tag", `"aws_sqs_queue": {"q": {"name": "p-dev-q", "tags": {"Notify": "xoxb-123456789012-1234567890123-AbCdEfGhIjKl"}}}`,
			"tags.Notify holds what looks like a Slack token"},
		{"private key in a description", `"aws_iam_role": {"r": {"name": "p-dev-r", "description": "-----BEGIN EC PRIVATE KEY----- MHcCAQEE"}}`,
			"description holds what looks like a private key block"},
		{"JWT in a data source's argument", `"aws_ssm_parameter": {"d": {"name": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJl"}}`,
			"holds what looks like a JSON Web Token"},
	}
	for _, c := range cases {
		d := doc(t, `{`+provider+`, "resource": {`+c.resources+`}}`)
		if c.name == "JWT in a data source's argument" {
			d = doc(t, `{`+provider+`, "data": {`+c.resources+`}}`)
		}
		err := policy.Check([]*policy.Stack{{Name: "p-dev", Doc: d}})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "[secret-value]") || !strings.Contains(err.Error(), "NotSecrets") {
			t.Errorf("%s: err = %v; want %q", c.name, err, c.want)
		}
	}
	outputs := doc(t, `{`+provider+`, "output": {"token": {"value": "xoxp-123456789012-1234567890123-AbCdEfGhIjKl"}}}`)
	if err := policy.Check([]*policy.Stack{{Name: "p-dev", Doc: outputs}}); err == nil || !strings.Contains(err.Error(), "output.token") {
		t.Errorf("a token in an output passed: %v", err)
	}

	allowed := doc(t, `{`+provider+`, "resource": {`+logGroup+`, "aws_lambda_function": {"f": {"function_name": "p-dev-f", "environment": {"variables": {"SAMPLE_JWT": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJl"}}}}}}`)
	if err := policy.Check([]*policy.Stack{{Name: "p-dev", Doc: allowed, NotSecrets: core.NotSecrets{"SAMPLE_JWT": "the IdP's documented sample"}}}); err != nil {
		t.Errorf("declared not secret, still refused: %v", err)
	}
	clean := doc(t, `{`+provider+`, "resource": {`+logGroup+`, "aws_lambda_function": {"f": {"function_name": "p-dev-f", "source_code_hash": "AKIAIOSFODNN7EXAMPLE0000", "environment": {"variables": {"API_KEY_PARAMETER": "/p/dev/api-key", "URL": "${data.aws_ssm_parameter.u.insecure_value}"}}}}}}`)
	if err := policy.Check([]*policy.Stack{{Name: "p-dev", Doc: clean}}); err != nil {
		t.Errorf("clean stack refused: %v", err)
	}
}

// Values AWS refuses at apply time are refused at synth, with the source.
func TestAWSLimits(t *testing.T) {
	long := func(n int) string { return strings.Repeat("d", n) }
	cases := []struct {
		name, resources, want string
	}{
		{"Lambda description", `"aws_lambda_function": {"f": {"function_name": "p-dev-f", "description": "` + long(257) + `"}}`, "description is 257 characters; AWS allows at most 256"},
		{"schedule description", `"aws_scheduler_schedule": {"s": {"name": "p-dev-s", "description": "` + long(513) + `"}}`, "description is 513 characters; AWS allows at most 512"},
		{"schedule name characters", `"aws_scheduler_schedule": {"s": {"name": "p dev/s"}}`, `name "p dev/s" has characters AWS refuses`},
		{"IAM role description", `"aws_iam_role": {"r": {"name": "p-dev-r", "description": "` + long(1001) + `"}}`, "AWS allows at most 1000"},
		{"security group description characters", `"aws_security_group": {"g": {"name": "p-dev-g", "description": "naïve"}}`, "CreateSecurityGroup"},
		{"Lambda environment key", `"aws_lambda_function": {"f": {"function_name": "p-dev-f", "environment": {"variables": {"MY-VAR": "x"}}}}`, `environment variable "MY-VAR" does not match`},
		{"Lambda reserved key", `"aws_lambda_function": {"f": {"function_name": "p-dev-f", "environment": {"variables": {"AWS_REGION": "x"}}}}`, "AWS_REGION is reserved by Lambda"},
		{"reserved tag prefix", `"aws_sqs_queue": {"q": {"name": "p-dev-q", "tags": {"aws:owner": "me"}}}`, "reserved aws: prefix"},
		{"tag value too long", `"aws_sqs_queue": {"q": {"name": "p-dev-q", "tags": {"Note": "` + long(257) + `"}}}`, "tag Note's value is 257 characters"},
		{"tag value characters", `"aws_sqs_queue": {"q": {"name": "p-dev-q", "tags": {"Note": "a;b"}}}`, `tag Note's value "a;b" has characters AWS refuses`},
	}
	for _, c := range cases {
		d := doc(t, `{`+provider+`, "resource": {`+c.resources+`}}`)
		err := policy.Check([]*policy.Stack{{Name: "p-dev", Doc: d}})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "[aws-limit]") {
			t.Errorf("%s: err = %v; want %q", c.name, err, c.want)
		}
	}
	many := map[string]string{}
	for i := 0; i < 48; i++ {
		many[strings.Repeat("k", i+1)] = "v"
	}
	raw, _ := json.Marshal(many)
	d := doc(t, `{`+provider+`, "resource": {"aws_sqs_queue": {"q": {"name": "p-dev-q", "tags": `+string(raw)+`}}}}`)
	if err := policy.Check([]*policy.Stack{{Name: "p-dev", Doc: d}}); err == nil || !strings.Contains(err.Error(), "51 tags with the provider's default tags; AWS allows 50") {
		t.Errorf("51 tags: %v", err)
	}
	ok := doc(t, `{`+provider+`, "resource": {`+logGroup+`, "aws_lambda_function": {"f": {"function_name": "p-dev-f", "description": "`+long(256)+`", "tags": {"Team": "a b_c.d:e/f=g+h-i@j"}}}}}`)
	if err := policy.Check([]*policy.Stack{{Name: "p-dev", Doc: ok}}); err != nil {
		t.Errorf("values within the limits refused: %v", err)
	}
}
