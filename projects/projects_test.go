package projects_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"
)

func TestEveryProjectHasBothEnvironments(t *testing.T) {
	s := all(t)
	for _, p := range []string{"practice-interviews", "ruk-scheduler", "project-x"} {
		for _, env := range []string{"dev", "production"} {
			if s[p+"-"+env] == nil {
				t.Errorf("missing stack %s-%s", p, env)
			}
		}
	}
}

// Every stack keeps the existing S3 backend and tags everything it creates.
func TestBackendProviderAndTags(t *testing.T) {
	for name, s := range all(t) {
		if name == "platform" {
			continue // account-wide, no environment: constructs/patterns/platform tests it
		}
		env := lastWord(name)
		project := strings.TrimSuffix(name, "-"+env)
		backend := synthtest.Resource{Type: "backend", ID: name, Fields: s.Doc}
		backend.Expect(t, map[string]any{
			"terraform.backend.s3": map[string]any{
				"bucket":       "infra-platform-tfstate-427479925030",
				"key":          project + "/" + env + "/terraform.tfstate",
				"region":       "us-east-2",
				"encrypt":      true,
				"use_lockfile": true,
			},
			// 5.99.1, which the bindings were generated from, up to 6.0.
			"terraform.required_providers.aws.version": ">= 5.99.1, < 6.0.0",
			// The S3 backend's use_lockfile arrived in Terraform 1.10.
			"terraform.required_version":         ">= 1.10.0",
			"provider.aws.0.region":              "us-east-2",
			"provider.aws.0.allowed_account_ids": []string{"427479925030"},
			"provider.aws.0.default_tags.0.tags": map[string]any{
				"Project": project, "Environment": env, "ManagedBy": "cdktf",
			},
		})
	}
}

func lastWord(stackName string) string {
	return stackName[strings.LastIndex(stackName, "-")+1:]
}

// The spec's Lambda settings hold for every function of every stack.
func TestLambdaSpecValues(t *testing.T) {
	for name, s := range all(t) {
		fns := s.Resources("aws_lambda_function")
		if len(fns) == 0 {
			continue
		}
		env := lastWord(name)
		project := strings.TrimSuffix(name, "-"+env)
		for _, fn := range fns {
			fnName := fn.String("function_name")
			// Adopted functions keep their existing name (ExistingNames); the
			// only one is practice-interviews production's, checked below.
			adopted := name == "practice-interviews-production" && fnName == "pi-customerio-trial-ended-lambda"
			if !strings.HasPrefix(fnName, project+"-"+env+"-") && !adopted {
				t.Errorf("%s: function %s does not embed project and environment", name, fnName)
			}
			timeout, _ := fn.Get("timeout").(float64)
			if timeout < 30 || timeout > 60 {
				t.Errorf("%s: %s timeout %v outside the spec's 30-60 s", name, fnName, timeout)
			}
			fn.Expect(t, map[string]any{
				"runtime":                             "nodejs22.x",
				"memory_size":                         128,
				"environment.variables.PROJECT_NAME":  project,
				"environment.variables.ENVIRONMENT":   env,
				"environment.variables.FUNCTION_NAME": fnName,
			})
			lg := s.One(t, "aws_cloudwatch_log_group", synthtest.Where("name", "/aws/lambda/"+fnName))
			if lg.Get("retention_in_days") == nil {
				t.Errorf("%s: log group of %s has no retention", name, fnName)
			}
		}
	}
}

func TestProjectFunctionsAndParameters(t *testing.T) {
	s := all(t)
	cases := []struct {
		stack, function, envVar, value string
	}{
		{"practice-interviews-dev", "practice-interviews-dev-pi-customerio-trial-ended-lambda", "BACKEND_URL", "/practice-interviews/dev/backend-url"},
		// Production adopts the live function under the spec's name.
		{"practice-interviews-production", "pi-customerio-trial-ended-lambda", "BACKEND_URL", "/practice-interviews/production/backend-url"},
		{"ruk-scheduler-dev", "ruk-scheduler-dev-message-hub-dispatch", "MESSAGE_HUB_URL", "/ruk-scheduler/dev/message-hub-url"},
		{"project-x-production", "project-x-production-project-x-task", "API_URL", "/project-x/production/api-url"},
	}
	for _, c := range cases {
		st := s[c.stack]
		fn := st.One(t, "aws_lambda_function", synthtest.Where("function_name", c.function))
		lookup := findData(t, st, c.value)
		fn.Expect(t, map[string]any{"environment.variables." + c.envVar: lookup.Ref("insecure_value")})
	}
	// project-x's api-key is a SecureString: passed by name, never looked up.
	px := s["project-x-dev"]
	fn := px.One(t, "aws_lambda_function")
	fn.Expect(t, map[string]any{"environment.variables.API_KEY_PARAMETER": "/project-x/dev/api-key"})
	for _, d := range px.DataSources("aws_ssm_parameter") {
		if strings.HasSuffix(d.String("name"), "api-key") {
			t.Errorf("the SecureString api-key must not be read at deploy time")
		}
	}
}

func findData(t *testing.T, s *synthtest.Stack, name string) synthtest.Resource {
	t.Helper()
	for _, d := range s.DataSources("aws_ssm_parameter") {
		if d.String("name") == name {
			return d
		}
	}
	t.Fatalf("%s: no aws_ssm_parameter data source %s", s.Name, name)
	return synthtest.Resource{}
}

func TestSchedulesPerEnvironment(t *testing.T) {
	s := all(t)
	names := func(stackName string) []string {
		var out []string
		for _, r := range s[stackName].Resources("aws_scheduler_schedule") {
			out = append(out, r.String("name")+"="+r.String("schedule_expression"))
		}
		sort.Strings(out)
		return out
	}
	want := map[string][]string{
		"practice-interviews-dev":        {"practice-interviews-dev-trial-ended=rate(1 hour)"},
		"practice-interviews-production": {"practice-interviews-production-trial-ended=rate(1 hour)"},
		"ruk-scheduler-dev":              {"ruk-scheduler-dev-dispatch-due-messages=rate(15 minutes)"},
		"ruk-scheduler-production": {"ruk-scheduler-production-daily-digest=cron(0 8 * * ? *)",
			"ruk-scheduler-production-dispatch-due-messages=rate(15 minutes)"},
		"project-x-dev":        {"project-x-dev-project-x-task=rate(1 hour)"},
		"project-x-production": {"project-x-production-project-x-task=rate(1 hour)"},
	}
	for stackName, w := range want {
		if got := names(stackName); strings.Join(got, ",") != strings.Join(w, ",") {
			t.Errorf("%s schedules = %v; want %v", stackName, got, w)
		}
	}
}

// Dev and production share one account: no account-wide name may repeat
// across stacks, and each must fit AWS's limits.
func TestAccountWideNamesAreUniqueAndFit(t *testing.T) {
	fields := map[string]struct {
		field string
		max   int
	}{
		"aws_lambda_function":       {"function_name", core.MaxLambdaFunctionName},
		"aws_iam_role":              {"name", core.MaxIAMRoleName},
		"aws_cloudwatch_log_group":  {"name", core.MaxLogGroupName},
		"aws_scheduler_schedule":    {"name", core.MaxScheduleName},
		"aws_sqs_queue":             {"name", core.MaxSQSQueueName},
		"aws_ecr_repository":        {"name", 256},
		"aws_lb":                    {"name", core.MaxLoadBalancerName},
		"aws_lb_target_group":       {"name", core.MaxTargetGroupName},
		"aws_secretsmanager_secret": {"name", 512},
		"aws_ecs_cluster":           {"name", 255},
		"aws_ssm_parameter":         {"name", 2048},
	}
	seen := map[string]string{}
	for stackName, s := range all(t) {
		for typ, f := range fields {
			for _, r := range s.Resources(typ) {
				name := r.String(f.field)
				if name == "" {
					continue
				}
				if len(name) > f.max {
					t.Errorf("%s: %s %q is %d characters; AWS allows %d", stackName, typ, name, len(name), f.max)
				}
				key := typ + " " + name
				if other, dup := seen[key]; dup {
					t.Errorf("%s %q is created by both %s and %s", typ, name, other, stackName)
				}
				seen[key] = stackName
			}
		}
	}
	if len(seen) == 0 {
		t.Fatal("no named resources found")
	}
}

func TestStateKeysCanBeOverridden(t *testing.T) {
	s, err := synthtest.SynthProjects(t, []stack.Project{{
		Name:      "legacy",
		StateKeys: map[core.Environment]string{core.Dev: "projects/legacy/terraform-dev.tfstate"},
		// Outside "legacy/": adopting the HCL key needs a pin.
		StateKeyPins: map[string]string{"projects/legacy/terraform-dev.tfstate": "the HCL project's key, adopted in place"},
		Prepare: func(s *stack.Stack) (func() error, error) {
			return func() error { return nil }, nil
		},
	}}, "")
	if err != nil {
		t.Fatal(err)
	}
	dev := synthtest.Resource{Fields: s["legacy-dev"].Doc}
	dev.Expect(t, map[string]any{"terraform.backend.s3.key": "projects/legacy/terraform-dev.tfstate"})
	prod := synthtest.Resource{Fields: s["legacy-production"].Doc}
	prod.Expect(t, map[string]any{"terraform.backend.s3.key": "legacy/production/terraform.tfstate"})
}

// practice-interviews production adopts the live function under the spec's
// name: the function, its log group and what it calls itself keep that
// name; its role stays inside "<project>-<env>-*", and the CI roles may
// manage exactly that function and its log group besides their prefix.
func TestPracticeInterviewsProductionAdoptsTheSpecsFunction(t *testing.T) {
	const name = "pi-customerio-trial-ended-lambda"
	st := all(t)["practice-interviews-production"]
	role := st.One(t, "aws_iam_role", synthtest.Where("name", "practice-interviews-production-"+name))
	group := st.One(t, "aws_cloudwatch_log_group", synthtest.Where("name", "/aws/lambda/"+name))
	st.One(t, "aws_lambda_function").Expect(t, map[string]any{
		"function_name": name, "role": role.Ref("arn"), "depends_on": []string{group.Address},
		"environment.variables.FUNCTION_NAME": name,
	})
	applyRole := st.One(t, "aws_iam_role", synthtest.Where("name", "practice-interviews-production-github-actions"))
	planRole := st.One(t, "aws_iam_role", synthtest.Where("name", "practice-interviews-production-github-plan"))
	for _, c := range []struct {
		role            synthtest.Resource
		functions, logs string
	}{{applyRole, "Functions", "LogGroups"}, {planRole, "ReadFunctions", "ReadLogGroups"}} {
		bySid := map[string]any{}
		doc := st.One(t, "aws_iam_role_policy", synthtest.Where("role", c.role.Ref("name"))).JSON(t, "policy").(map[string]any)
		for _, s := range doc["Statement"].([]any) {
			bySid[s.(map[string]any)["Sid"].(string)] = s.(map[string]any)["Resource"]
		}
		synthtest.ExpectValue(t, c.functions, bySid[c.functions], []string{
			"arn:aws:lambda:us-east-2:427479925030:function:practice-interviews-production-*",
			"arn:aws:lambda:us-east-2:427479925030:function:" + name,
		})
		synthtest.ExpectValue(t, c.logs, bySid[c.logs], []string{
			"arn:aws:logs:us-east-2:427479925030:log-group:/aws/lambda/practice-interviews-production-*",
			"arn:aws:logs:us-east-2:427479925030:log-group:/aws/lambda/" + name,
			"arn:aws:logs:us-east-2:427479925030:log-group:/aws/lambda/" + name + ":*",
		})
	}
	// Dev keeps "<project>-<env>-<name>": the adopted name is production's.
	all(t)["practice-interviews-dev"].One(t, "aws_lambda_function", synthtest.Where("function_name", "practice-interviews-dev-"+name))
}

// Every project stack watches itself: its alarm topic "<stack>-alarms",
// encrypted with the platform's alarm key, and alarms named "<stack>-..."
// that notify it: seven for the ECS service (load balancer and task 5xx,
// unhealthy targets in blue and green, p95 response time, CPU, memory), and
// for a scheduled-Lambda stack three per function (errors, throttles,
// duration) plus its schedule group's failed invocations.
func TestEveryStackHasItsAlarms(t *testing.T) {
	for name, s := range all(t) {
		if name == "platform" {
			continue
		}
		topic := s.One(t, "aws_sns_topic")
		topic.Expect(t, map[string]any{"name": name + "-alarms", "kms_master_key_id": "alias/infra-platform-alarms"})
		alarms := s.Resources("aws_cloudwatch_metric_alarm")
		want := 7
		if fns := len(s.Resources("aws_lambda_function")); fns > 0 {
			want = 3*fns + 1
		}
		if len(alarms) != want {
			t.Errorf("%s: %d alarms; want %d", name, len(alarms), want)
		}
		for _, a := range alarms {
			if !strings.HasPrefix(a.String("alarm_name"), name+"-") {
				t.Errorf("%s: alarm %q does not embed project and environment", name, a.String("alarm_name"))
			}
			a.Expect(t, map[string]any{"alarm_actions": []string{topic.Ref("arn")}, "ok_actions": []string{topic.Ref("arn")}})
		}
	}
}
