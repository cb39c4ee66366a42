package constructs_test

import (
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
	"github.com/fractallabsdev/talkwise-infra/constructs/lambda"
	"github.com/fractallabsdev/talkwise-infra/constructs/ssm"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"
)

// Synthesizes one function with every feature and checks it against the
// spec and AWS's rules.
func TestFunctionSynthesizes(t *testing.T) {
	var code *lambda.Bundle
	s := synthtest.Synth(t, core.Production, func(s *stack.Stack) {
		var err error
		code, err = lambda.Build(s.Root, "lambdas/ruk-scheduler/message-hub-dispatch", s.BuildDir)
		if err != nil {
			t.Fatal(err)
		}
		fn := lambda.NewFunction(s.Scope, "Fn", &lambda.FunctionProps{
			Name: "trial-ended", Code: code,
			Parameters:  []ssm.Parameter{{Key: "backend-url"}, {Key: "api-key", Kind: ssm.SecureString}},
			Environment: map[string]string{"LOG_LEVEL": "debug"},
		})
		invoker := iam.NewRole(s.Scope, "Invoker", &iam.RoleProps{
			Name: "test-production-invoker", Trust: []iam.Statement{iam.ServicePrincipal("scheduler.amazonaws.com", s.Platform.AccountID)},
		})
		fn.GrantInvoke(invoker)
	})

	fn := s.One(t, "aws_lambda_function")
	logGroup := s.One(t, "aws_cloudwatch_log_group")
	role := s.One(t, "aws_iam_role", synthtest.Where("name", "test-production-trial-ended"))
	param := s.DataSources("aws_ssm_parameter")
	if len(param) != 1 || param[0].String("name") != "/test/production/backend-url" {
		t.Fatalf("want one lookup of the String parameter only (never the SecureString one), got %+v", param)
	}

	fn.Expect(t, map[string]any{
		"function_name":    "test-production-trial-ended",
		"runtime":          "nodejs22.x",
		"handler":          "index.handler",
		"memory_size":      128,
		"timeout":          30,
		"source_code_hash": code.SourceCodeHash,
		"role":             role.Ref("arn"),
		"depends_on":       []string{logGroup.Address},
		"environment.variables": map[string]any{
			"PROJECT_NAME":      "test",
			"ENVIRONMENT":       "production",
			"FUNCTION_NAME":     "test-production-trial-ended",
			"NODE_OPTIONS":      "--enable-source-maps",
			"BACKEND_URL":       param[0].Ref("insecure_value"),
			"API_KEY_PARAMETER": "/test/production/api-key",
			"LOG_LEVEL":         "debug",
		},
	})
	if f := fn.String("filename"); !strings.HasPrefix(f, "assets/") || !strings.HasSuffix(f, ".zip") {
		t.Errorf("filename %q must be a relative asset path inside the stack folder", f)
	}
	logGroup.Expect(t, map[string]any{
		"name":              "/aws/lambda/test-production-trial-ended",
		"retention_in_days": 90, // production default
	})

	trust := role.JSON(t, "assume_role_policy")
	synthtest.ExpectValue(t, "trust policy", trust, map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect": "Allow", "Principal": map[string]any{"Service": "lambda.amazonaws.com"},
			"Action":    []any{"sts:AssumeRole"},
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": "427479925030"}},
		}},
	})

	policy := s.One(t, "aws_iam_role_policy", synthtest.Where("role", role.Ref("name")))
	synthtest.ExpectValue(t, "execution policy", policy.JSON(t, "policy"), map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{
			map[string]any{"Sid": "DecryptProjectParametersViaSSM", "Effect": "Allow", "Action": []any{"kms:Decrypt"},
				"Resource":  []any{"arn:aws:kms:us-east-2:427479925030:key/*"},
				"Condition": map[string]any{"StringEquals": map[string]any{"kms:ViaService": "ssm.us-east-2.amazonaws.com"}}},
			map[string]any{"Sid": "ReadProjectParameters", "Effect": "Allow",
				"Action":   []any{"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"},
				"Resource": []any{"arn:aws:ssm:us-east-2:427479925030:parameter/test/production/*"}},
			map[string]any{"Sid": "WriteOwnLogs", "Effect": "Allow", "Action": []any{"logs:CreateLogStream", "logs:PutLogEvents"},
				"Resource": []any{logGroup.Ref("arn") + ":log-stream:*"}},
		},
	})

	invoke := s.One(t, "aws_iam_role_policy", synthtest.Where("name", "test-production-invoker"))
	synthtest.ExpectValue(t, "invoke policy", invoke.JSON(t, "policy"), map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{"Sid": "InvokeTestProductionTrialEnded", "Effect": "Allow",
			"Action": []any{"lambda:InvokeFunction"}, "Resource": []any{fn.Ref("arn")}}},
	})
}
