package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/patterns/ecsservice"
	"github.com/fractallabsdev/talkwise-infra/constructs/patterns/scheduledlambda"
	"github.com/fractallabsdev/talkwise-infra/constructs/ssm"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/projects"
)

// hostileCase is one malformed or hostile input, or a fault left by an
// interrupted run, given to the app's synth command. Exactly one of yaml,
// project and setup is set.
type hostileCase struct {
	name string
	// yaml replaces projects/project-x/schedules.yaml.
	yaml string
	// project replaces the registered project of the same name.
	project stack.Project
	// setup leaves the workspace as a crash would (it then also writes the
	// bad schedules file below, so the run fails after recovering, unless
	// keepSchedule).
	setup        func(t *testing.T)
	keepSchedule bool
	// expect must all appear on stderr; absent must not; once appears
	// exactly once (an error is printed once, not once per environment).
	expect, absent []string
	once           string
}

// Issue 13's hostile-input suite: every case must exit non-zero with a
// message naming the file or setting, the limit and the fix, in well under
// a few seconds, and leave the previous cdktf.out, with its Terraform
// working files and local state, byte for byte as it was, with no staging
// folder or cdktf.out.old beside it.
func TestHostileInput(t *testing.T) {
	synthesizedWorkspace(t)
	// The previous output holds what terraform left in it: an initialized
	// stack and the platform stack's local state (bootstrap mode).
	for rel, content := range map[string]string{
		"cdktf.out/stacks/project-x-dev/.terraform/providers/registry/aws": "provider binary",
		"cdktf.out/stacks/project-x-dev/.terraform.lock.hcl":               "# lock",
		"cdktf.out/stacks/platform/terraform.tfstate":                      `{"version":4,"serial":12}`,
		"cdktf.out/stacks/platform/terraform.tfstate.backup":               `{"version":4,"serial":11}`,
	} {
		if err := os.MkdirAll(filepath.Dir(rel), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(rel, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	previous := snapshot(t, "cdktf.out")
	const sched = "projects/project-x/schedules.yaml"
	original, err := os.ReadFile(sched)
	if err != nil {
		t.Fatal(err)
	}

	cases := append(append(append(append(append(limitCases(), stateKeyCases()...), secretCases()...), yamlBoundCases()...), faultCases(t)...), messageCases()...)
	if len(cases) < 60 {
		t.Fatalf("%d cases; the suite asks for at least 60", len(cases))
	}
	start := time.Now()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer os.WriteFile(sched, original, 0o644)
			defer func(saved func() []stack.Project) { allProjects = saved }(allProjects)
			switch {
			case c.yaml != "":
				if err := os.WriteFile(sched, []byte(c.yaml), 0o644); err != nil {
					t.Fatal(err)
				}
			case c.project.Name != "":
				allProjects = func() []stack.Project { return replaced(c.project) }
			case c.setup != nil:
				c.setup(t)
				if c.keepSchedule {
					break
				}
				if err := os.WriteFile(sched, []byte(badSchedule), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var stdout, stderr bytes.Buffer
			began := time.Now()
			code := run([]string{"synth"}, &stdout, &stderr)
			took := time.Since(began)
			msg := stderr.String()
			if code == 0 {
				t.Errorf("exit status 0; want non-zero\n%s", stdout.String())
			}
			for _, want := range append(c.expect, "nothing was written; the previous cdktf.out is unchanged") {
				if !strings.Contains(msg, want) {
					t.Errorf("stderr does not contain %q:\n%s", want, msg)
				}
			}
			for _, not := range c.absent {
				if strings.Contains(msg, not) {
					t.Errorf("stderr contains %q:\n%s", not, msg)
				}
			}
			if c.once != "" && strings.Count(msg, c.once) != 1 {
				t.Errorf("%q appears %d times; want once:\n%s", c.once, strings.Count(msg, c.once), msg)
			}
			if took > 10*time.Second {
				t.Errorf("took %v to refuse", took)
			}
			after := snapshot(t, "cdktf.out")
			if len(after) != len(previous) {
				t.Errorf("cdktf.out has %d files, had %d", len(after), len(previous))
			}
			for p, content := range previous {
				if after[p] != content {
					t.Errorf("%s changed or is missing", p)
				}
			}
			if left, _ := filepath.Glob(".cdktf.out*"); len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
			if _, err := os.Stat("cdktf.out.old"); err == nil {
				t.Error("left behind: cdktf.out.old")
			}
			if t.Failed() { // put the previous output back so one failure does not cascade
				os.RemoveAll("cdktf.out")
				os.RemoveAll("cdktf.out.old")
				for p, content := range previous {
					os.MkdirAll(filepath.Dir(p), 0o755)
					os.WriteFile(p, []byte(content), 0o644)
				}
			}
		})
	}
	t.Logf("%d hostile cases in %v", len(cases), time.Since(start).Round(time.Millisecond))
}

// replaced is every registered project, with p instead of the one of its name.
func replaced(p stack.Project) []stack.Project {
	all := projects.All()
	for i := range all {
		if all[i].Name == p.Name {
			all[i] = p
			return all
		}
	}
	return append(all, p)
}

// projectX is project-x's settings (projects/project-x/project.go), edited.
func projectX(edit func(s *scheduledlambda.Settings, f *scheduledlambda.Function)) stack.Project {
	f := scheduledlambda.Function{Name: "project-x-task", TimeoutSeconds: 30,
		Parameters: []ssm.Parameter{{Key: "api-url"}, {Key: "api-key", Kind: ssm.SecureString}}}
	s := scheduledlambda.Settings{}
	edit(&s, &f)
	s.Functions = append([]scheduledlambda.Function{f}, s.Functions...)
	return scheduledlambda.Project("project-x", s)
}

func withEnv(k, v string) stack.Project {
	return projectX(func(_ *scheduledlambda.Settings, f *scheduledlambda.Function) {
		f.Environment = map[string]string{k: v}
	})
}

func withStateKeys(keys map[core.Environment]string, pins map[string]string) stack.Project {
	return projectX(func(s *scheduledlambda.Settings, _ *scheduledlambda.Function) {
		s.StateKeys, s.StateKeyPins = keys, pins
	})
}

// agentFactory is agent-factory's settings (projects/agent-factory/project.go), edited.
func agentFactory(edit func(*ecsservice.Settings)) stack.Project {
	s := ecsservice.Settings{GitHubRepository: "FractalLabsDev/agent-factory", Secrets: []string{"anthropic-api-key", "github-access-token"},
		Environments: map[core.Environment]ecsservice.EnvironmentSettings{core.Production: {AllowHTTPWithoutCertificate: true}}}
	edit(&s)
	return ecsservice.Project("agent-factory", s)
}

const schedHead = "schedules:\n  - name: job\n    lambda_name: project-x-task\n"

// badSchedule makes a run fail after it has recovered from a fault.
const badSchedule = schedHead + "    schedule_type: every_2_min\n"

const (
	file   = "projects/project-x/schedules.yaml"
	fileGo = "projects/project-x/project.go"
)

func limitCases() []hostileCase {
	cron := func(expr string) string { return schedHead + "    cron: \"" + expr + "\"\n" }
	rate := func(expr string) string { return schedHead + "    rate: \"" + expr + "\"\n" }
	big := strings.Repeat("b", 30_000)
	return []hostileCase{
		{name: "limit/environment key with a hyphen", project: withEnv("MY-VAR", "x"),
			expect: []string{fileGo, "functions.project-x-task.Environment.MY-VAR", "[a-zA-Z][a-zA-Z0-9_]+", "e.g. MY_VAR"}},
		{name: "limit/environment key starting with a digit", project: withEnv("1ST", "x"), expect: []string{fileGo, `"1ST" is not a Lambda environment variable name`}},
		{name: "limit/environment key of one character", project: withEnv("A", "x"), expect: []string{"at least two characters"}},
		{name: "limit/reserved key AWS_REGION", project: withEnv("AWS_REGION", "us-east-1"),
			expect: []string{fileGo, "AWS_REGION is reserved by Lambda and cannot be set", "remove it"}},
		{name: "limit/reserved key AWS_LAMBDA_FUNCTION_NAME", project: withEnv("AWS_LAMBDA_FUNCTION_NAME", "x"), expect: []string{"reserved by Lambda"}},
		{name: "limit/reserved key LAMBDA_TASK_ROOT", project: withEnv("LAMBDA_TASK_ROOT", "/var/task"), expect: []string{"reserved by Lambda"}},
		{name: "limit/variable the construct sets", project: withEnv("NODE_OPTIONS", "--inspect"), expect: []string{"NODE_OPTIONS is reserved", "the construct sets it"}},
		{name: "limit/environment over Lambda's 4 KB", project: withEnv("PAYLOAD", strings.Repeat("x", 4000)),
			expect: []string{fileGo, "Lambda allows 4096 in total", "move large values to an SSM parameter"}},
		{name: "limit/Lambda description over 256", project: projectX(func(_ *scheduledlambda.Settings, f *scheduledlambda.Function) {
			f.Description = strings.Repeat("d", 257)
		}),
			expect: []string{fileGo, "functions.project-x-task.Description", "257 characters; AWS allows at most 256"}},
		{name: "limit/memory over Lambda's 10240 MB", project: projectX(func(_ *scheduledlambda.Settings, f *scheduledlambda.Function) { f.MemoryMB = 20480 }),
			expect: []string{fileGo, "MemoryMB", "128-10240"}},
		{name: "limit/schedule description over 512", yaml: schedHead + "    schedule_type: daily\n    description: " + strings.Repeat("d", 513) + "\n",
			expect: []string{file + ":5: schedules[0].description", "513 characters; AWS allows at most 512", "shorten it by 1"}},
		{name: "limit/schedule input over 256 KB through aliases",
			yaml:   schedHead + "    schedule_type: daily\n    input: {a: &b \"" + big + "\", b: *b, c: *b, d: *b, e: *b, f: *b, g: *b, h: *b, i: *b}\n",
			expect: []string{file + ":5: schedules[0].input", "Lambda accepts at most 262144"}},
		{name: "limit/cron minute 60", yaml: cron("60 9 * * ? *"), expect: []string{file + ":4: schedules[0].cron", "60 is outside 0-59"}},
		{name: "limit/cron hour 24", yaml: cron("0 24 * * ? *"), expect: []string{"hours field", "outside 0-23"}},
		{name: "limit/cron day-of-month 32", yaml: cron("0 9 32 * ? *"), expect: []string{"day-of-month", "outside 1-31"}},
		{name: "limit/cron month 13", yaml: cron("0 9 ? 13 MON *"), expect: []string{"month", "outside 1-12"}},
		{name: "limit/cron day-of-week 8", yaml: cron("0 9 ? * 8 *"), expect: []string{"day-of-week", "outside 1-7"}},
		{name: "limit/cron year 2200", yaml: cron("0 9 * * ? 2200"), expect: []string{"year", "outside 1970-2199"}},
		{name: "limit/cron increment 0", yaml: cron("0/0 9 * * ? *"), expect: []string{"increment after '/' must be a positive number"}},
		{name: "limit/rate of zero", yaml: rate("0 minutes"), expect: []string{file + ":4: schedules[0].rate", "positive whole number"}},
		{name: "limit/rate unit plural for 1", yaml: rate("1 hours"), expect: []string{"singular"}},
		{name: "limit/rate in weeks", yaml: rate("2 weeks"), expect: []string{"minute(s), hour(s) or day(s)"}},
		{name: "limit/retry event age under 60 s", yaml: schedHead + "    schedule_type: daily\n    retry: {maximum_event_age_seconds: 59}\n",
			expect: []string{file + ":5: schedules[0].retry", "60-86400"}},
		{name: "limit/schedule name with an underscore", yaml: "schedules:\n  - name: job_1\n    lambda_name: project-x-task\n    schedule_type: daily\n",
			expect: []string{file + ":2: schedules[0].name", `"job_1" is not a valid name`}},
		{name: "limit/deployed schedule name over 64", yaml: "schedules:\n  - name: " + strings.Repeat("s", 50) + "\n    lambda_name: project-x-task\n    schedule_type: daily\n",
			expect: []string{file, "schedule name", "AWS allows at most 64"}},
		{name: "limit/Fargate memory for the CPU", project: agentFactory(func(s *ecsservice.Settings) { s.CPU, s.MemoryMB = 256, 4096 }),
			expect: []string{"projects/agent-factory/project.go", "MemoryMB: 4096 MB is not a Fargate memory size for 256 CPU units"}, absent: []string{"Environments[dev].MemoryMB", "Environments[production].MemoryMB"}},
	}
}

func stateKeyCases() []hostileCase {
	return []hostileCase{
		{name: "state key/another stack's key", project: withStateKeys(map[core.Environment]string{core.Dev: "ruk-scheduler/dev/terraform.tfstate"},
			map[string]string{"ruk-scheduler/dev/terraform.tfstate": "a copy-paste"}),
			expect: []string{fileGo, "StateKeys[dev]", `stack project-x-dev would keep its state at "ruk-scheduler/dev/terraform.tfstate", the state of stack ruk-scheduler-dev`, "destroy"}},
		{name: "state key/the platform's key", project: withStateKeys(map[core.Environment]string{core.Production: "platform/terraform.tfstate"},
			map[string]string{"platform/terraform.tfstate": "mistake"}), expect: []string{"the state of stack platform"}},
		{name: "state key/one key for dev and production", project: withStateKeys(map[core.Environment]string{core.Dev: "project-x/terraform.tfstate", core.Production: "project-x/terraform.tfstate"}, nil),
			expect: []string{"stack project-x-production would keep its state at \"project-x/terraform.tfstate\", the state of stack project-x-dev"}},
		{name: "state key/dev pointed at production's default", project: withStateKeys(map[core.Environment]string{core.Dev: "project-x/production/terraform.tfstate"}, nil),
			expect: []string{"the state of stack project-x-production"}},
		{name: "state key/with ..", project: withStateKeys(map[core.Environment]string{core.Dev: "project-x/../ruk-scheduler/dev/terraform.tfstate"}, nil),
			expect: []string{fileGo, "StateKeys[dev]", `has a ".." segment`}},
		{name: "state key/leading slash", project: withStateKeys(map[core.Environment]string{core.Dev: "/project-x/dev/terraform.tfstate"}, nil),
			expect: []string{"Terraform's S3 backend refuses that"}},
		{name: "state key/double slash", project: withStateKeys(map[core.Environment]string{core.Dev: "project-x//dev/terraform.tfstate"}, nil), expect: []string{`contains "//"`}},
		{name: "state key/wildcard", project: withStateKeys(map[core.Environment]string{core.Dev: "project-x/*/terraform.tfstate"}, nil), expect: []string{"outside S3's safe set"}},
		{name: "state key/a lock file's name", project: withStateKeys(map[core.Environment]string{core.Dev: "project-x/dev/terraform.tfstate.tflock"}, nil), expect: []string{"another state's lock file"}},
		{name: "state key/over S3's 1024 bytes", project: withStateKeys(map[core.Environment]string{core.Dev: "project-x/" + strings.Repeat("k", 1020)}, nil), expect: []string{"S3 allows 1024"}},
		{name: "state key/outside the project's prefix, not pinned", project: withStateKeys(map[core.Environment]string{core.Dev: "projects/project-x/dev/terraform.tfstate"}, nil),
			expect: []string{fileGo, `is outside the project's prefix "project-x/"`, "StateKeyPins"}},
		{name: "state key/pin without a reason", project: withStateKeys(map[core.Environment]string{core.Dev: "projects/project-x/dev/terraform.tfstate"},
			map[string]string{"projects/project-x/dev/terraform.tfstate": ""}), expect: []string{"StateKeyPins", "has no reason"}},
		{name: "state key/pin nothing uses", project: withStateKeys(nil, map[string]string{"legacy/terraform.tfstate": "old"}), expect: []string{"pins a key no StateKeys entry uses"}},
		{name: "state key/unknown environment", project: withStateKeys(map[core.Environment]string{"staging": "project-x/staging/terraform.tfstate"}, nil),
			expect: []string{fileGo, "StateKeys[staging]", `unknown environment "staging"`}},
	}
}

func secretCases() []hostileCase {
	sc := func(name, key, value, want string) hostileCase {
		return hostileCase{name: "secret/" + name, project: withEnv(key, value),
			expect: []string{fileGo, "functions.project-x-task.Environment." + key, "holds what looks like " + want, "ssm.SecureString", "NotSecrets"},
			absent: []string{value}}
	}
	input := func(name, yamlInput, field, want string) hostileCase {
		return hostileCase{name: "secret/" + name, yaml: schedHead + "    schedule_type: daily\n    input: " + yamlInput + "\n",
			expect: []string{file + ":5: " + field, "holds what looks like " + want, "keep secrets out of schedules.yaml"}}
	}
	return []hostileCase{
		sc("AWS access key id under a neutral name", "UPSTREAM_ID", "AKIAIOSFODNN7EXAMPLE", "an AWS access key id"),
		sc("temporary AWS key id", "SESSION_ID", "ASIAY34FZKBOKMUTVV7A", "an AWS access key id"),
		sc("GitHub token", "REPO_AUTH", "ghp_"+strings.Repeat("aB3", 12), "a GitHub token"),
		sc("fine-grained GitHub token", "REPO", "github_pat_11AAAAAAA0abcdefghijklmnopqrstuvwxyz", "a GitHub token"),
		sc("Slack bot token", "NOTIFY", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp", "a Slack token"),
		sc("Slack webhook", "HOOK", "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", "a Slack webhook URL"),
		sc("Stripe live key", "BILLING", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "a Stripe-style secret key"),
		sc("sk- API key", "LLM", "sk-ant-api03-"+strings.Repeat("Q", 40), "an API secret key"),
		sc("private key block", "CERT", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow", "a private key block"),
		sc("JWT", "SESSION", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXNpZ24", "a JSON Web Token"),
		sc("password in a database URL", "DATABASE_URL", "postgres://app:hunter2hunter2@db.internal:5432/app", "a password inside a URL"),
		input("API key in a schedule's input", "{job: sync, api_key: sk_live_4eC39HqLyjWDarjtT1zdp7dc}", "schedules[0].input.api_key", "a Stripe-style secret key"),
		input("AWS key deep in a schedule's input", "{auth: {aws: [AKIAIOSFODNN7EXAMPLE]}}", "schedules[0].input.auth.aws[0]", "an AWS access key id"),
		input("JWT in a schedule's input", "{token: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXNpZ24}", "schedules[0].input.token", "a JSON Web Token"),
		{name: "secret/GitHub token in a schedule description", yaml: schedHead + "    schedule_type: daily\n    description: \"uses ghs_" + strings.Repeat("x1", 18) + "\"\n",
			expect: []string{file + ":5: schedules[0].description", "a GitHub token"}},
		{name: "secret/private key in a Lambda description", project: projectX(func(_ *scheduledlambda.Settings, f *scheduledlambda.Function) {
			f.Description = "-----BEGIN OPENSSH PRIVATE KEY-----"
		}), expect: []string{fileGo, "functions.project-x-task.Description", "a private key block"}},
		{name: "secret/GitHub token in an ECS environment value", project: agentFactory(func(s *ecsservice.Settings) {
			s.Environment = map[string]string{"UPSTREAM": "ghp_" + strings.Repeat("Zz9", 12)}
		}), expect: []string{"projects/agent-factory/project.go", "Environment.UPSTREAM", "a GitHub token", "list it in Secrets"}},
		{name: "secret/NotSecrets entry without a reason", project: projectX(func(s *scheduledlambda.Settings, _ *scheduledlambda.Function) {
			s.NotSecrets = core.NotSecrets{"SAMPLE": ""}
		}), expect: []string{fileGo, `NotSecrets["SAMPLE"]: has no reason`}},
		{name: "secret/plain variable replacing an SSM String parameter", project: withEnv("API_URL", "http://localhost:8080"),
			expect: []string{fileGo, `API_URL would silently replace the variable injected from SSM parameter "api-url"`}},
		{name: "secret/plain variable replacing a SecureString's name", project: withEnv("API_KEY_PARAMETER", "/other/prod/api-key"),
			expect: []string{"API_KEY_PARAMETER would silently replace"}},
	}
}

func yamlBoundCases() []hostileCase {
	var laughs strings.Builder
	laughs.WriteString("schedules:\n  - name: job\n    lambda_name: project-x-task\n    schedule_type: daily\n    input:\n")
	laughs.WriteString("      a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&laughs, "      a%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 10), ", "))
	}
	var block strings.Builder
	for i := 0; i < 100; i++ {
		block.WriteString(strings.Repeat("  ", i) + "k:\n")
	}
	return []hostileCase{
		{name: "yaml/billion laughs", yaml: laughs.String(), expect: []string{file, "expands to more than 100000 values", "aliases"}},
		{name: "yaml/deep flow nesting", yaml: "schedules: " + strings.Repeat("[", 50_000) + strings.Repeat("]", 50_000) + "\n", expect: []string{file, "nests deeper than 64 levels"}},
		{name: "yaml/deep block nesting", yaml: block.String(), expect: []string{file, "nests deeper than 64 levels"}},
		{name: "yaml/deep sequences on one line", yaml: strings.Repeat("- ", 100_000) + "x\n", expect: []string{file, "nests deeper than 64 levels"}},
		{name: "yaml/too large", yaml: "# " + strings.Repeat("x", 300<<10) + "\n" + badSchedule, expect: []string{file, "a YAML file read at synth may be at most 262144"}},
		{name: "yaml/migration mapping with billion laughs", setup: func(t *testing.T) {
			dir := "projects/project-x/migrations"
			os.MkdirAll(dir, 0o755)
			t.Cleanup(func() { os.RemoveAll(dir) })
			if err := os.WriteFile(dir+"/dev.yaml", []byte(strings.Replace(laughs.String(), "schedules:\n  - name: job\n    lambda_name: project-x-task\n    schedule_type: daily\n    input:\n", "moves:\n  x:\n", 1)), 0o644); err != nil {
				t.Fatal(err)
			}
		}, keepSchedule: true, expect: []string{"projects/project-x/migrations/dev.yaml", "expands to more than 100000 values"}},
	}
}

// faultCases leave the workspace as an interrupted run would; the next run
// must put the previous output back whole (or keep it) before failing on
// the bad schedule it is given.
func faultCases(t *testing.T) []hostileCase {
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	staging := fmt.Sprintf(".cdktf.out.staging-%d-77", gone.Process.Pid)
	move := func(t *testing.T, from, to string) {
		t.Helper()
		os.MkdirAll(filepath.Dir(to), 0o755)
		if err := os.Rename(from, to); err != nil {
			t.Fatal(err)
		}
	}
	expect := []string{file + ":4: schedules[0].schedule_type", "every_2_min"}
	return []hostileCase{
		{name: "fault/crash between the two renames of the swap", setup: func(t *testing.T) {
			move(t, "cdktf.out", "cdktf.out.old")
		}, expect: expect},
		{name: "fault/crash while carrying the local state and .terraform over", setup: func(t *testing.T) {
			move(t, "cdktf.out/stacks/platform/terraform.tfstate", staging+"/stacks/platform/terraform.tfstate")
			move(t, "cdktf.out/stacks/project-x-dev/.terraform", staging+"/stacks/project-x-dev/.terraform")
			os.WriteFile(staging+"/stacks/project-x-dev/cdk.tf.json", []byte("{}"), 0o644)
		}, expect: expect},
		{name: "fault/crash between the renames after the carry-over", setup: func(t *testing.T) {
			move(t, "cdktf.out/stacks/platform/terraform.tfstate.backup", staging+"/stacks/platform/terraform.tfstate.backup")
			move(t, "cdktf.out/stacks/project-x-dev/.terraform.lock.hcl", staging+"/stacks/project-x-dev/.terraform.lock.hcl")
			move(t, "cdktf.out", "cdktf.out.old")
		}, expect: expect},
		{name: "fault/crash while removing the previous output", setup: func(t *testing.T) {
			os.MkdirAll("cdktf.out.old/stacks/practice-interviews-dev", 0o755)
			os.WriteFile("cdktf.out.old/stacks/practice-interviews-dev/cdk.tf.json", []byte("{}"), 0o644)
		}, expect: expect},
		{name: "fault/empty staging folders of earlier interrupted runs", setup: func(t *testing.T) {
			os.MkdirAll(staging, 0o755)
			os.MkdirAll(".cdktf.out.staging-3456789", 0o755) // named by an earlier version, without a pid
		}, expect: expect},
	}
}

func messageCases() []hostileCase {
	return []hostileCase{
		{name: "message/top-level typo", yaml: "shedule:\n  - name: job\n", expect: []string{file + ":1:", `unknown top-level key "shedule"`, "did you mean `schedules`?"}},
		{name: "message/schedule key typo", yaml: schedHead + "    schedul_type: daily\n", expect: []string{file + ":4:", `unknown field "schedul_type"`, "did you mean `schedule_type`?"}},
		{name: "message/retry key typo", yaml: schedHead + "    schedule_type: daily\n    retry: {maximum_attempt: 3}\n",
			expect: []string{"did you mean `maximum_attempts`?", "allowed keys here are maximum_attempts, maximum_event_age_seconds"}},
		{name: "message/a settings error names project.go and is printed once", project: projectX(func(_ *scheduledlambda.Settings, f *scheduledlambda.Function) { f.TimeoutSeconds = 901 }),
			expect: []string{"stacks project-x-dev, project-x-production: " + fileGo + ": functions.project-x-task.TimeoutSeconds: 901 s is outside Lambda's range"}, once: "TimeoutSeconds"},
		{name: "message/a schedules.yaml error is printed once", yaml: badSchedule, expect: []string{"stacks project-x-dev, project-x-production: " + file + ":4:"}, once: "every_2_min"},
		{name: "message/no functions, once, in project.go", project: scheduledlambda.Project("project-x", scheduledlambda.Settings{}),
			expect: []string{fileGo + ": Functions: project project-x has no functions"}, once: "has no functions"},
		{name: "message/ECS project-level MemoryMB is not an environment setting", project: agentFactory(func(s *ecsservice.Settings) { s.MemoryMB = 100 }),
			expect: []string{"projects/agent-factory/project.go: MemoryMB: 100 MB"}, absent: []string{"Environments[dev].MemoryMB"}, once: "100 MB"},
	}
}
