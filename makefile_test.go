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
	bin, log := standIns(t)
	// SYNTH=true: the synth step is tested elsewhere; here only the command lines matter.
	cmd := exec.Command("make", append([]string{"--no-print-directory", "SYNTH=true", "OUTDIR=" + outdir}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "CALLS_LOG="+log)
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
