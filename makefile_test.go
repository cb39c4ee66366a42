package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// standIns puts recording "terraform" and "aws" on PATH: each call appends its
// arguments (and the directory it ran in) to a log, so tests check the exact
// command lines the Makefile runs without any real tool or AWS account.
func standIns(t *testing.T) (binDir, logFile string) {
	t.Helper()
	binDir = t.TempDir()
	logFile = filepath.Join(t.TempDir(), "calls.log")
	for _, tool := range []string{"terraform", "aws"} {
		script := "#!/bin/sh\necho \"" + tool + " $*\" >> \"$CALLS_LOG\"\n"
		if tool == "aws" {
			// The CLI's version (AWS_STANDIN_VERSION, default a v2) is not
			// recorded; AWS_STANDIN_FAIL names a log group whose tail fails
			// as the real CLI does for a group that does not exist.
			script = "#!/bin/sh\n" +
				"if [ \"$1\" = --version ]; then echo \"${AWS_STANDIN_VERSION:-aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64}\"; exit 0; fi\n" +
				"echo \"aws $*\" >> \"$CALLS_LOG\"\n" +
				"if [ -n \"$AWS_STANDIN_FAIL\" ] && [ \"$3\" = \"$AWS_STANDIN_FAIL\" ]; then echo 'An error occurred (ResourceNotFoundException) when calling the FilterLogEvents operation: The specified log group does not exist.' >&2; exit 254; fi\n"
		}
		if err := os.WriteFile(filepath.Join(binDir, tool), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return binDir, logFile
}

// fakeOutput lays out a synthesized stack with two log groups.
func fakeOutput(t *testing.T, stackName string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "cdktf.out")
	dir := filepath.Join(out, "stacks", stackName)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	doc := `{"resource":{"aws_cloudwatch_log_group":{"a":{"name":"/aws/lambda/` + stackName + `-b"},"b":{"name":"/aws/lambda/` + stackName + `-a"}}}}`
	if err := os.WriteFile(filepath.Join(dir, "cdk.tf.json"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

type makeRun struct {
	output string
	calls  []string
	err    error
}

func runMake(t *testing.T, dir string, outdir string, args ...string) makeRun {
	t.Helper()
	return runMakeEnv(t, dir, outdir, nil, args...)
}

// runMakeEnv is runMake with extra environment variables for the stand-ins.
func runMakeEnv(t *testing.T, dir string, outdir string, env []string, args ...string) makeRun {
	t.Helper()
	bin, log := standIns(t)
	// SYNTH=true: the synth step is tested elsewhere; here only the command lines matter.
	cmd := exec.Command("make", append([]string{"--no-print-directory", "SYNTH=true", "OUTDIR=" + outdir}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "CALLS_LOG="+log), env...)
	out, err := cmd.CombinedOutput()
	raw, _ := os.ReadFile(log)
	var calls []string
	for _, l := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if l != "" {
			calls = append(calls, l)
		}
	}
	return makeRun{output: string(out), calls: calls, err: err}
}

func TestMakefileStackTargets(t *testing.T) {
	root, _ := os.Getwd()
	out := fakeOutput(t, "ruk-scheduler-dev")
	stackDir := out + "/stacks/ruk-scheduler-dev"
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"init", "p=ruk-scheduler", "e=dev"}, []string{"terraform -chdir=" + stackDir + " init -input=false"}},
		{[]string{"plan", "p=ruk-scheduler", "e=dev"}, []string{
			"terraform -chdir=" + stackDir + " init -input=false",
			"terraform -chdir=" + stackDir + " plan -input=false"}},
		{[]string{"deploy", "p=ruk-scheduler", "e=dev"}, []string{
			"terraform -chdir=" + stackDir + " init -input=false",
			"terraform -chdir=" + stackDir + " apply -input=false -auto-approve"}},
		{[]string{"destroy", "p=ruk-scheduler", "e=dev"}, []string{
			"terraform -chdir=" + stackDir + " init -input=false",
			"terraform -chdir=" + stackDir + " destroy -input=false"}},
		{[]string{"logs", "p=ruk-scheduler", "e=dev"}, []string{
			"aws logs tail /aws/lambda/ruk-scheduler-dev-a --follow --region us-east-2",
			"aws logs tail /aws/lambda/ruk-scheduler-dev-b --follow --region us-east-2"}},
	}
	for _, c := range cases {
		t.Run(c.args[0], func(t *testing.T) {
			r := runMake(t, root, out, c.args...)
			if r.err != nil {
				t.Fatalf("make %v: %v\n%s", c.args, r.err, r.output)
			}
			got := r.calls
			if c.args[0] == "logs" {
				// Tails run in parallel; their order is not defined.
				sort.Strings(got)
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("make %v ran:\n%s\nwant:\n%s", c.args, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}

	t.Run("an initialized stack is not initialized again", func(t *testing.T) {
		if err := os.MkdirAll(stackDir+"/.terraform", 0o755); err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(stackDir + "/.terraform")
		r := runMake(t, root, out, "plan", "p=ruk-scheduler", "e=dev")
		if want := "terraform -chdir=" + stackDir + " plan -input=false"; r.err != nil || strings.Join(r.calls, "\n") != want {
			t.Errorf("ran %v (%v); want only %q", r.calls, r.err, want)
		}
	})

	t.Run("from the project folder, as with the HCL layout", func(t *testing.T) {
		r := runMake(t, filepath.Join(root, "projects", "ruk-scheduler"), out, "deploy", "e=dev")
		want := []string{
			"terraform -chdir=" + stackDir + " init -input=false",
			"terraform -chdir=" + stackDir + " apply -input=false -auto-approve"}
		if r.err != nil || strings.Join(r.calls, "\n") != strings.Join(want, "\n") {
			t.Errorf("ran %v (%v)\n%s", r.calls, r.err, r.output)
		}
	})
}

// Every project folder (every projects/<p>/ with a project.go) has the
// forwarding Makefile, and `make plan e=<env>` there runs the root
// Makefile's plan for stack <p>-<env>: the HCL layout's habit works in all
// of them, agent-factory included.
func TestEveryProjectFolderForwardsToTheRootMakefile(t *testing.T) {
	root, _ := os.Getwd()
	projects, err := filepath.Glob(filepath.Join(root, "projects", "*", "project.go"))
	if err != nil || len(projects) == 0 {
		t.Fatalf("no projects/*/project.go (%v)", err)
	}
	for _, p := range projects {
		dir := filepath.Dir(p)
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			if _, err := os.Stat(filepath.Join(dir, "Makefile")); err != nil {
				t.Fatalf("projects/%s has no Makefile: `cd projects/%s && make deploy e=dev` would fail", name, name)
			}
			for _, env := range []string{"dev", "production"} {
				out := fakeOutput(t, name+"-"+env)
				stackDir := out + "/stacks/" + name + "-" + env
				r := runMake(t, dir, out, "plan", "e="+env)
				want := []string{
					"terraform -chdir=" + stackDir + " init -input=false",
					"terraform -chdir=" + stackDir + " plan -input=false"}
				if r.err != nil || strings.Join(r.calls, "\n") != strings.Join(want, "\n") {
					t.Errorf("make plan e=%s in projects/%s ran %v (%v); want %v\n%s", env, name, r.calls, r.err, want, r.output)
				}
			}
		})
	}
}

func TestMakefileRefusesBadArguments(t *testing.T) {
	root, _ := os.Getwd()
	out := fakeOutput(t, "ruk-scheduler-dev")
	cases := []struct {
		dir  string
		args []string
		want string
	}{
		{root, []string{"plan", "p=ruk-scheduler"}, "e=<environment> is required: use e=dev or e=production"},
		{root, []string{"deploy", "p=ruk-scheduler", "e=staging"}, "unknown environment 'staging': use e=dev or e=production"},
		{root, []string{"deploy", "e=dev"}, "p=<project> is required"},
		{root, []string{"destroy", "p=nope", "e=dev"}, "unknown project 'nope': use one of"},
		{filepath.Join(root, "projects", "project-x"), []string{"deploy"}, "e=<environment> is required"},
		// A project folder acts on its own project only; another p= is refused, not overridden.
		{filepath.Join(root, "projects", "practice-interviews"), []string{"deploy", "p=ruk-scheduler", "e=dev"},
			"this is practice-interviews's folder and its Makefile always acts on practice-interviews, not p=ruk-scheduler"},
		{filepath.Join(root, "projects", "agent-factory"), []string{"plan", "p=platform"}, "not p=platform"},
	}
	for _, c := range cases {
		r := runMake(t, c.dir, out, c.args...)
		if r.err == nil {
			t.Errorf("make %v succeeded; want a refusal", c.args)
		}
		if !strings.Contains(r.output, c.want) {
			t.Errorf("make %v said:\n%s\nwant %q", c.args, r.output, c.want)
		}
		if len(r.calls) > 0 {
			t.Errorf("make %v ran %v; nothing may run", c.args, r.calls)
		}
	}
}

// installers are .PHONY targets that only fetch a tool; every other .PHONY
// target is a verb a user runs, and `make help` must list it.
var installers = map[string]bool{"node": true, "trivy": true, "help": true}

func TestMakeHelpListsEveryVerb(t *testing.T) {
	raw, err := os.ReadFile("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	var verbs []string
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, ".PHONY:"); ok {
			for _, v := range strings.Fields(rest) {
				if !installers[v] {
					verbs = append(verbs, v)
				}
			}
		}
	}
	if len(verbs) < 15 {
		t.Fatalf("found only %d verbs in the Makefile's .PHONY lines: %v", len(verbs), verbs)
	}
	out, err := exec.Command("make", "--no-print-directory", "help").CombinedOutput()
	if err != nil {
		t.Fatalf("make help: %v\n%s", err, out)
	}
	for _, v := range verbs {
		if !strings.Contains(string(out), "\n  "+v+" ") {
			t.Errorf("make help does not list %q:\n%s", v, out)
		}
	}
	// A bare `make` is help, never a deploy.
	bare, err := exec.Command("make", "--no-print-directory").CombinedOutput()
	if err != nil || string(bare) != string(out) {
		t.Errorf("make with no goal should print the help: %v\n%s", err, bare)
	}
}

// make logs fails when a tail fails, and refuses AWS CLI v1, which has no
// `logs tail`; the same p= in a project folder is accepted.
func TestMakeLogsTellsTheTruth(t *testing.T) {
	root, _ := os.Getwd()
	out := fakeOutput(t, "ruk-scheduler-dev")
	r := runMakeEnv(t, root, out, []string{"AWS_STANDIN_FAIL=/aws/lambda/ruk-scheduler-dev-b"}, "logs", "p=ruk-scheduler", "e=dev")
	if r.err == nil || !strings.Contains(r.output, "aws logs tail failed (exit 254)") || !strings.Contains(r.output, "ResourceNotFoundException") {
		t.Errorf("a failing tail: %v\n%s", r.err, r.output)
	}
	r = runMakeEnv(t, root, out, []string{"AWS_STANDIN_VERSION=aws-cli/1.18.69 Python/2.7.18 Linux/4.14 botocore/1.16.19"}, "logs", "p=ruk-scheduler", "e=dev")
	if r.err == nil || !strings.Contains(r.output, "make logs needs the AWS CLI v2") || !strings.Contains(r.output, "found: aws-cli/1.18.69") || len(r.calls) > 0 {
		t.Errorf("AWS CLI v1: %v, ran %v\n%s", r.err, r.calls, r.output)
	}
	r = runMake(t, filepath.Join(root, "projects", "ruk-scheduler"), out, "logs", "p=ruk-scheduler", "e=dev")
	if r.err != nil || len(r.calls) != 2 {
		t.Errorf("make logs p=<its own project> in the project folder: %v, ran %v\n%s", r.err, r.calls, r.output)
	}
}

// make release runs internal/release/release.sh for ECS service projects,
// from the root and from the project folder; dry_run=1 prints every AWS
// call and makes none (the recording aws stand-in sees nothing).
func TestMakeReleaseDryRun(t *testing.T) {
	root, _ := os.Getwd()
	out := fakeOutput(t, "agent-factory-dev")
	for _, dir := range []string{root, filepath.Join(root, "projects", "agent-factory")} {
		args := []string{"release", "e=dev", "image=3f2c1ab", "dry_run=1"}
		if dir == root {
			args = append(args, "p=agent-factory")
		}
		r := runMake(t, dir, out, args...)
		if r.err != nil {
			t.Fatalf("make %v in %s: %v\n%s", args, dir, r.err, r.output)
		}
		if len(r.calls) != 0 {
			t.Errorf("a dry run called %v", r.calls)
		}
		for _, want := range []string{
			"aws ecr batch-get-image --repository-name agent-factory-dev-api --image-ids imageTag=3f2c1ab",
			"aws ecs register-task-definition --cli-input-json file://<tmp>/next.json",
			"aws deploy create-deployment --application-name agent-factory-dev-api --deployment-group-name agent-factory-dev-api",
			"aws deploy wait deployment-successful --deployment-id <deploymentId> --region us-east-2",
		} {
			if !strings.Contains(r.output, want) {
				t.Errorf("make %v in %s printed:\n%s\nwant %q", args, dir, r.output, want)
			}
		}
	}
}

func TestMakeReleaseRefusesBadArguments(t *testing.T) {
	root, _ := os.Getwd()
	out := fakeOutput(t, "agent-factory-dev")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"release", "p=agent-factory", "e=dev"}, "image=<tag> is required"},
		{[]string{"release", "p=ruk-scheduler", "e=dev", "image=a"}, "ruk-scheduler is not an ECS service project"},
		{[]string{"release", "p=agent-factory", "image=a"}, "e=<environment> is required"},
		{[]string{"release", "e=dev", "image=a"}, "p=<project> is required"},
	} {
		r := runMake(t, root, out, c.args...)
		if r.err == nil || !strings.Contains(r.output, c.want) || len(r.calls) != 0 {
			t.Errorf("make %v: err %v, calls %v:\n%s\nwant %q", c.args, r.err, r.calls, r.output, c.want)
		}
	}
}
