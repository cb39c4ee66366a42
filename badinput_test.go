package main

import (
	"github.com/fractallabsdev/talkwise-infra/internal/synth"
	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"

	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/networking"
	"github.com/fractallabsdev/talkwise-infra/constructs/patterns/ecsservice"
	"github.com/fractallabsdev/talkwise-infra/constructs/patterns/scheduledlambda"
	"github.com/fractallabsdev/talkwise-infra/constructs/scheduler"
	"github.com/fractallabsdev/talkwise-infra/constructs/ssm"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
)

// Issue 4's broad bad-input table: malformed schedules.yaml files go through
// the app's run() on a temporary copy of projects/ and lambdas/; malformed
// project settings (Go values) go through synth.Synth, the function run's
// synth command calls, against the same copy. Every case must give an error
// naming the file or setting and the fix, a non-zero exit, and leave the
// previous cdktf.out byte for byte as it was.
func TestBadInputBroadly(t *testing.T) {
	previous := synthesizedWorkspace(t)
	work, _ := os.Getwd()
	unchanged := func(t *testing.T) {
		t.Helper()
		after := snapshot(t, "cdktf.out")
		// Put the previous output back if a case replaced it, so one
		// failure does not cascade into the next cases.
		defer func() {
			if t.Failed() {
				_ = os.RemoveAll("cdktf.out")
				for p, content := range previous {
					_ = os.MkdirAll(filepath.Dir(p), 0o755)
					_ = os.WriteFile(p, []byte(content), 0o644)
				}
			}
		}()
		if len(after) != len(previous) {
			t.Fatalf("cdktf.out changed: %d files, was %d", len(after), len(previous))
		}
		for p, content := range previous {
			if after[p] != content {
				t.Errorf("%s changed", p)
			}
		}
		if left, _ := filepath.Glob(".cdktf.out.staging-*"); len(left) > 0 {
			t.Errorf("staging folders left behind: %v", left)
		}
	}

	const sched = "projects/project-x/schedules.yaml"
	entry := "schedules:\n  - name: job\n    lambda_name: project-x-task\n"
	yamlCases := []struct {
		name    string
		content string
		expect  []string
	}{
		{"wrong type: enabled is a string", entry + "    schedule_type: hourly\n    enabled: \"sometimes\"\n",
			[]string{sched + ":5", "enabled"}},
		{"wrong type: environments is a mapping", entry + "    schedule_type: hourly\n    environments: {dev: true}\n",
			[]string{sched + ":5: environments", "lists"}},
		{"wrong type: schedules is a mapping", "schedules:\n  job: {lambda_name: project-x-task}\n",
			[]string{sched + ":2", "schedules"}},
		{"unknown top-level key", "schedule:\n  - name: job\n", []string{sched + ":1", `unknown top-level key "schedule"`, "did you mean `schedules`?"}},
		{"unknown key in retry", entry + "    schedule_type: hourly\n    retry: {attempts: 3}\n",
			[]string{sched + ":5", `unknown field "attempts"`}},
		{"empty name", "schedules:\n  - name: \"\"\n    lambda_name: project-x-task\n    schedule_type: hourly\n",
			[]string{sched + ":2: schedules[0].name", "is empty", "name each schedule"}},
		{"name with capitals and spaces", "schedules:\n  - name: Daily Job\n    lambda_name: project-x-task\n    schedule_type: daily\n",
			[]string{sched + ":2: schedules[0].name", `"Daily Job"`}},
		{"missing lambda_name", "schedules:\n  - name: job\n    schedule_type: hourly\n",
			[]string{sched, "lambda_name is missing", "project-x-task"}},
		{"no schedule at all", entry, []string{sched, "set schedule_type", "or cron, or rate"}},
		{"schedule_type and cron both set", entry + "    schedule_type: daily\n    cron: \"0 9 * * ? *\"\n",
			[]string{sched, "exactly one of schedule_type, cron and rate"}},
		{"cron with five fields", entry + "    cron: \"0 9 * * ?\"\n", []string{sched + ":4: schedules[0].cron", "6"}},
		{"cron minute out of range", entry + "    cron: \"61 9 * * ? *\"\n", []string{sched + ":4: schedules[0].cron", "61"}},
		{"rate with a bad unit", entry + "    rate: \"5 fortnights\"\n", []string{sched + ":4: schedules[0].rate"}},
		{"rate of zero", entry + "    rate: \"0 minutes\"\n", []string{sched + ":4: schedules[0].rate"}},
		{"timezone that is an abbreviation", entry + "    schedule_type: daily\n    timezone: Mars/Olympus_Mons\n",
			[]string{sched + ":5: schedules[0].timezone", "IANA"}},
		{"testing-only schedule in production", entry + "    schedule_type: every_5_min\n    environments: [dev, production]\n",
			[]string{sched, "every_5_min", "production"}},
		{"unknown environment", entry + "    schedule_type: hourly\n    environments: [staging]\n",
			[]string{sched + ":5: schedules[0].environments", `unknown environment "staging"`, "dev, production"}},
		{"retry attempts out of range", entry + "    schedule_type: hourly\n    retry: {maximum_attempts: 500}\n",
			[]string{sched, "schedules[0].retry", "0-185"}},
		{"input is a list", entry + "    schedule_type: hourly\n    input: [1, 2]\n", []string{sched + ":5: input", "mappings"}},
		{"duplicate name", entry + "    schedule_type: hourly\n  - name: job\n    lambda_name: project-x-task\n    schedule_type: daily\n",
			[]string{sched + ":5: schedules[1].name", "duplicate schedule name"}},
		{"schedule name too long for AWS", "schedules:\n  - name: " + strings.Repeat("a", 60) + "\n    lambda_name: project-x-task\n    schedule_type: hourly\n",
			[]string{sched, "64", "shorten"}},
		{"not YAML", "schedules:\n\t- name: job\n", []string{sched}},
		{"empty file", "", []string{sched, "schedules"}},
	}
	for _, c := range yamlCases {
		t.Run("schedules.yaml/"+c.name, func(t *testing.T) {
			original, err := os.ReadFile(sched)
			if err != nil {
				t.Fatal(err)
			}
			defer os.WriteFile(sched, original, 0o644)
			if err := os.WriteFile(sched, []byte(c.content), 0o644); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			if code := run([]string{"synth"}, &stdout, &stderr); code == 0 {
				t.Fatalf("exit code 0; want non-zero")
			}
			for _, want := range append(c.expect, "previous cdktf.out is unchanged") {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr does not contain %q:\n%s", want, stderr.String())
				}
			}
			unchanged(t)
		})
	}

	fn := scheduledlambda.Function{Name: "project-x-task", TimeoutSeconds: 30}
	settingsCases := []struct {
		name     string
		project  string
		settings scheduledlambda.Settings
		expect   []string
	}{
		{"no functions", "project-x", scheduledlambda.Settings{}, []string{"Functions", "declare at least one function"}},
		{"empty function name", "project-x", scheduledlambda.Settings{Functions: []scheduledlambda.Function{{}}}, []string{"lambdas/project-x"}},
		{"duplicate function", "project-x", scheduledlambda.Settings{Functions: []scheduledlambda.Function{fn, fn}},
			[]string{`duplicate function "project-x-task"`, "declare each function once"}},
		{"memory below Lambda's minimum", "project-x", scheduledlambda.Settings{Functions: []scheduledlambda.Function{{Name: fn.Name, MemoryMB: 64}}},
			[]string{"MemoryMB", "64 MB", "128-10240"}},
		{"timeout over 900 s", "project-x", scheduledlambda.Settings{Functions: []scheduledlambda.Function{{Name: fn.Name, TimeoutSeconds: 901}}},
			[]string{"TimeoutSeconds", "1-900"}},
		{"log retention CloudWatch does not offer", "project-x", scheduledlambda.Settings{Functions: []scheduledlambda.Function{fn}, LogRetentionDays: 10},
			[]string{"10 days", "use one of"}},
		{"parameter key with a slash", "project-x", scheduledlambda.Settings{Functions: []scheduledlambda.Function{{Name: fn.Name, Parameters: []ssm.Parameter{{Key: "api/url"}}}}},
			[]string{"Parameters", `"api/url"`}},
		{"reserved environment variable", "project-x", scheduledlambda.Settings{Functions: []scheduledlambda.Function{{Name: fn.Name, Environment: map[string]string{"ENVIRONMENT": "x"}}}},
			[]string{"Environment.ENVIRONMENT", "reserved"}},
		{"retry attempts out of range", "project-x", scheduledlambda.Settings{Functions: []scheduledlambda.Function{fn}, Retry: &scheduler.Retry{MaximumAttempts: 200, MaximumEventAgeSeconds: 3600}},
			[]string{"Retry", "0-185"}},
		{"state key for an unknown environment", "project-x", scheduledlambda.Settings{Functions: []scheduledlambda.Function{fn}, StateKeys: map[core.Environment]string{"staging": "x/terraform.tfstate"}},
			[]string{"StateKeys", `"staging"`, "dev, production"}},
		{"project name with capitals", "Project-X", scheduledlambda.Settings{Functions: []scheduledlambda.Function{fn}},
			[]string{"project name", `"Project-X"`, "lower-case"}},
		{"function name too long for AWS", "project-x", scheduledlambda.Settings{Functions: []scheduledlambda.Function{{Name: strings.Repeat("f", 60)}}},
			[]string{"Lambda function name", "74 characters", "at most 64", "shorten"}},
	}
	// The over-long function has a handler, so the length is what is wrong.
	synthtest.CopyTree(t, work, work+"/tmp", "lambdas/project-x/project-x-task")
	if err := os.Rename(work+"/tmp/lambdas/project-x/project-x-task", "lambdas/project-x/"+strings.Repeat("f", 60)); err != nil {
		t.Fatal(err)
	}
	// The ECS service pattern's settings (agent-factory's type).
	ecsOK := func(edit func(*ecsservice.Settings)) stack.Project {
		s := ecsservice.Settings{GitHubRepository: "FractalLabsDev/agent-factory", Secrets: []string{"anthropic-api-key"},
			Environments: map[core.Environment]ecsservice.EnvironmentSettings{core.Production: {AllowHTTPWithoutCertificate: true}}}
		edit(&s)
		return ecsservice.Project("agent-factory", s)
	}
	prod := func(s *ecsservice.Settings, edit func(*ecsservice.EnvironmentSettings)) {
		e := s.Environments[core.Production]
		edit(&e)
		s.Environments = map[core.Environment]ecsservice.EnvironmentSettings{core.Production: e}
	}
	ecsCases := []struct {
		name   string
		p      stack.Project
		expect []string
	}{
		{"unsupported CPU/memory pair", ecsOK(func(s *ecsservice.Settings) { s.CPU, s.MemoryMB = 512, 512 }), []string{"512", "Fargate"}},
		{"CPU Fargate does not offer", ecsOK(func(s *ecsservice.Settings) { s.CPU = 300 }), []string{"300"}},
		{"container port out of range", ecsOK(func(s *ecsservice.Settings) { s.ContainerPort = 70000 }), []string{"ContainerPort", "70000", "65535"}},
		{"certificate from another region", ecsOK(func(s *ecsservice.Settings) {
			prod(s, func(e *ecsservice.EnvironmentSettings) {
				e.CertificateARN = "arn:aws:acm:us-east-1:427479925030:certificate/0f3e6f5c-1111-2222-3333-444455556666"
			})
		}), []string{"Environments[production].CertificateARN", "us-east-1", "us-east-2"}},
		{"certificate that is not an ARN", ecsOK(func(s *ecsservice.Settings) {
			prod(s, func(e *ecsservice.EnvironmentSettings) { e.CertificateARN = "my-cert" })
		}), []string{"CertificateARN", `"my-cert"`}},
		{"production on plain HTTP without saying so", ecsOK(func(s *ecsservice.Settings) {
			prod(s, func(e *ecsservice.EnvironmentSettings) { e.AllowHTTPWithoutCertificate = false })
		}), []string{"Environments[production].CertificateARN", "AllowHTTPWithoutCertificate"}},
		{"empty GitHub repository", ecsOK(func(s *ecsservice.Settings) { s.GitHubRepository = "" }), []string{"GitHubRepository", "owner/name"}},
		{"GitHub repository without owner", ecsOK(func(s *ecsservice.Settings) { s.GitHubRepository = "agent-factory" }), []string{"agent-factory"}},
		{"unknown NAT strategy", ecsOK(func(s *ecsservice.Settings) {
			prod(s, func(e *ecsservice.EnvironmentSettings) { e.NAT = networking.NatStrategy("two") })
		}), []string{"Environments[production].NAT", `"two"`, "one-per-az"}},
		{"secret key with capitals", ecsOK(func(s *ecsservice.Settings) { s.Secrets = []string{"Anthropic_Key"} }), []string{"Secrets[0]", `"Anthropic_Key"`}},
		{"duplicate secret", ecsOK(func(s *ecsservice.Settings) { s.Secrets = []string{"a-key", "a-key"} }), []string{"Secrets[1]", "duplicate secret"}},
		{"log retention CloudWatch does not offer", ecsOK(func(s *ecsservice.Settings) {
			prod(s, func(e *ecsservice.EnvironmentSettings) { e.LogRetentionDays = 45 })
		}), []string{"45 days", "use one of"}},
		{"settings for an unknown environment", ecsOK(func(s *ecsservice.Settings) {
			s.Environments["staging"] = ecsservice.EnvironmentSettings{}
		}), []string{"Environments", `"staging"`, "dev, production"}},
		{"project name too long for target group names", ecsservice.Project("agent-factory-with-a-long-name", ecsservice.Settings{GitHubRepository: "o/r",
			Environments: map[core.Environment]ecsservice.EnvironmentSettings{core.Production: {AllowHTTPWithoutCertificate: true}}}),
			[]string{"target group", "32"}},
	}
	for _, c := range ecsCases {
		t.Run("ecs settings/"+c.name, func(t *testing.T) {
			_, err := synth.Synth([]stack.Project{c.p}, synth.Options{Root: work})
			if err == nil {
				t.Error("synth succeeded; want an error")
				unchanged(t)
				return
			}
			for _, want := range c.expect {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not contain %q:\n%v", want, err)
				}
			}
			unchanged(t)
		})
	}

	for _, c := range settingsCases {
		t.Run("settings/"+c.name, func(t *testing.T) {
			p := scheduledlambda.Project(c.project, c.settings)
			_, err := synth.Synth([]stack.Project{p}, synth.Options{Root: work})
			if err == nil {
				t.Fatal("synth succeeded; want an error")
			}
			for _, want := range c.expect {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not contain %q:\n%v", want, err)
				}
			}
			unchanged(t)
		})
	}
}
