package scaffold

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"
	"github.com/fractallabsdev/talkwise-infra/internal/workflowlint"
)

// repoCopy copies what the app needs to build and synthesize into a fresh
// folder: the scaffolder then writes there, never into the working tree.
func repoCopy(t *testing.T) string {
	t.Helper()
	src := synthtest.RepoRoot(t)
	dst := t.TempDir()
	tops, _ := filepath.Glob(filepath.Join(src, "cmd_*.go"))
	for _, name := range []string{"go.mod", "go.sum", "main.go", "cdktf.json"} {
		tops = append(tops, filepath.Join(src, name))
	}
	for _, p := range tops {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		synthtest.CopyFile(t, p, filepath.Join(dst, filepath.Base(p)))
	}
	for _, dir := range []string{"constructs", "internal", "projects", "lambdas"} {
		err := filepath.WalkDir(filepath.Join(src, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "dist") {
				return filepath.SkipDir
			}
			if d.IsDir() || strings.HasSuffix(p, "_test.go") && dir != "lambdas" {
				return nil
			}
			rel, _ := filepath.Rel(src, p)
			synthtest.CopyFile(t, p, filepath.Join(dst, rel))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// run runs a command in dir and returns its combined output and exit code.
func run(t *testing.T, dir string, name string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	// -mod=mod: the copy's go.sum is the repository's; the module cache is
	// warm. -trimpath: builds in the copy leave its folder out of every
	// package's build key, so the packages the scaffolder did not touch come
	// from the build cache (a warm cache from an earlier run anywhere)
	// instead of being compiled again for the copy's path.
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod -trimpath", "CDKTF_OUTDIR=")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return out.String(), code
}

// The one command really gives a project that synthesizes: scaffold each
// pattern into a copy of the repository with `go run . new`, synthesize it
// there, and check the new stacks; then check that refused names write nothing.
func TestScaffoldedProjectsSynthesize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and synthesizes a copy of the repository")
	}
	dir := repoCopy(t)
	app := filepath.Join(t.TempDir(), "app")
	if out, code := run(t, dir, "go", "build", "-o", app, "."); code != 0 {
		t.Fatalf("building the app in the copy:\n%s", out)
	}

	out, code := run(t, dir, app, "new", "-pattern", "lambda", "nightly-digest")
	if code != 0 {
		t.Fatalf("new -pattern lambda exited %d:\n%s", code, out)
	}
	for _, s := range []string{"projects/nightly-digest/project.go", "lambdas/nightly-digest/nightly-digest-task/src/index.ts",
		`aws ssm put-parameter --name "/nightly-digest/dev/api-url"`, "make deploy e=dev"} {
		if !strings.Contains(out, s) {
			t.Errorf("output of new lacks %q:\n%s", s, out)
		}
	}

	out, code = run(t, dir, app, "new", "-pattern", "ecs", "billing-api")
	if code != 0 {
		t.Fatalf("new -pattern ecs exited %d:\n%s", code, out)
	}
	for _, s := range []string{"projects/billing-api/service/Dockerfile", "projects/billing-api/service/.github/workflows/deploy.yml",
		`aws secretsmanager put-secret-value --secret-id "billing-api/dev/api-key"`, "make deploy e=dev"} {
		if !strings.Contains(out, s) {
			t.Errorf("output of new -pattern ecs lacks %q:\n%s", s, out)
		}
	}

	// Refusals: a clear message, exit 1, and not one file written.
	before := snapshot(t, dir)
	for _, tt := range []struct{ args, want []string }{
		{[]string{"new", "-pattern", "lambda", "nightly-digest"}, []string{`project "nightly-digest" already exists`, "no files were written"}},
		{[]string{"new", "-pattern", "lambda", "project-x"}, []string{`project "project-x" already exists`}},
		{[]string{"new", "-pattern", "lambda", "Nightly"}, []string{`"Nightly" is not a valid project name`}},
		{[]string{"new", "-pattern", "lambda", "type"}, []string{`becomes the Go package "type", which is a keyword`}},
		{[]string{"new", "-pattern", "lambda", strings.Repeat("x", 40)}, []string{"is 66 characters; AWS allows at most 64"}},
		{[]string{"new", "-pattern", "cron", "ok"}, []string{`unknown pattern "cron"`}},
		// <project>-production-green is a target group: 32 characters at most.
		{[]string{"new", "-pattern", "ecs", "payments-gateway"}, []string{
			`target group name "payments-gateway-production-green" is 33 characters; AWS allows at most 32; shorten the project name by 1 characters`}},
		{[]string{"new", "-pattern", "ecs", "-repo", "not a repo", "shop"}, []string{`repo: "not a repo" is not a GitHub repository`}},
		{[]string{"new", "ok"}, []string{"pattern: missing"}},
	} {
		out, code := run(t, dir, app, tt.args...)
		if code != 1 {
			t.Errorf("%v: exit %d, want 1", tt.args, code)
		}
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: output lacks %q:\n%s", tt.args, w, out)
			}
		}
	}
	assertUnchanged(t, dir, before)

	if out, code := run(t, dir, "gofmt", "-l", "projects"); code != 0 || out != "" {
		t.Errorf("gofmt -l projects: %s", out)
	}
	out, code = run(t, dir, "go", "run", ".", "synth")
	if code != 0 {
		t.Fatalf("synth of the scaffolded repository exited %d:\n%s", code, out)
	}
	outdir := filepath.Join(dir, "cdktf.out")
	var manifest struct {
		Stacks map[string]json.RawMessage `json:"stacks"`
	}
	raw, err := os.ReadFile(filepath.Join(outdir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatal(err)
	}
	for _, env := range []string{"dev", "production"} {
		name := "nightly-digest-" + env
		if manifest.Stacks[name] == nil {
			t.Fatalf("manifest.json has no stack %s", name)
		}
		s := synthtest.Read(t, outdir, name)
		fn := s.One(t, "aws_lambda_function")
		fn.Expect(t, map[string]any{
			"function_name": "nightly-digest-" + env + "-nightly-digest-task",
			"runtime":       "nodejs22.x",
			"environment.variables.API_KEY_PARAMETER": "/nightly-digest/" + env + "/api-key",
			"environment.variables.PROJECT_NAME":      "nightly-digest",
		})
		if zip := fn.String("filename"); zip == "" || !fileExists(filepath.Join(s.Dir, zip)) {
			t.Errorf("%s: the function's zip %q is not in the output", name, zip)
		}
		s.One(t, "aws_scheduler_schedule").Expect(t, map[string]any{
			"name":                "nightly-digest-" + env + "-nightly-digest-task",
			"schedule_expression": "rate(1 hour)",
			"state":               "ENABLED",
		})
		s.One(t, "aws_iam_role", synthtest.Where("name", "nightly-digest-"+env+"-scheduler"))
		// CI's two roles: pull requests plan with the read-only one, main applies with the other.
		for role, sub := range map[string]string{
			name + "-github-plan":    "repo:FractalLabsDev/talkwise-infra:pull_request",
			name + "-github-actions": "repo:FractalLabsDev/talkwise-infra:environment:" + env,
		} {
			trust := s.One(t, "aws_iam_role", synthtest.Where("name", role)).String("assume_role_policy")
			if !strings.Contains(trust, `"`+sub+`"`) {
				t.Errorf("%s: role %s does not trust %s:\n%s", name, role, sub, trust)
			}
		}
		s.One(t, "aws_cloudwatch_log_group", synthtest.Where("name", "/aws/lambda/nightly-digest-"+env+"-nightly-digest-task"))
		doc := synthtest.Resource{Type: "terraform", ID: name, Fields: s.Doc}
		if got := doc.Get("terraform.backend.s3.key"); got != "nightly-digest/"+env+"/terraform.tfstate" {
			t.Errorf("%s: state key %v", name, got)
		}
	}

	for _, env := range []string{"dev", "production"} {
		name := "billing-api-" + env
		s := synthtest.Read(t, outdir, name)
		s.One(t, "aws_ecr_repository").Expect(t, map[string]any{"name": name + "-api"})
		s.One(t, "aws_ecs_service").Expect(t, map[string]any{"name": name + "-api", "deployment_controller.type": "CODE_DEPLOY"})
		s.One(t, "aws_lb_target_group", synthtest.Where("name", name+"-green")).Expect(t, map[string]any{"port": float64(3000)})
		s.One(t, "aws_codedeploy_deployment_group").Expect(t, map[string]any{"deployment_group_name": name + "-api"})
		s.One(t, "aws_secretsmanager_secret").Expect(t, map[string]any{"name": "billing-api/" + env + "/api-key"})
		role := s.One(t, "aws_iam_role", synthtest.Where("name", name+"-github-actions"))
		if trust := role.String("assume_role_policy"); !strings.Contains(trust, `"repo:FractalLabsDev/billing-api:environment:`+env+`"`) {
			t.Errorf("%s: deploy role does not trust the service repository's %s environment:\n%s", name, env, trust)
		}
	}

	// The service repository's workflows pass actionlint (and shellcheck).
	shellcheck := workflowlint.Shellcheck()
	if shellcheck == "" && workflowlint.RequireShellcheck() {
		t.Fatal("shellcheck is not installed: .ci/run installs it")
	}
	serviceDir := filepath.Join(dir, "projects", "billing-api", "service")
	problems, err := workflowlint.Lint(serviceDir, []string{".github/workflows/deploy.yml", ".github/workflows/deploy-environment.yml"}, shellcheck)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		t.Errorf("actionlint on the service workflows:\n%s", strings.Join(problems, "\n"))
	}

	// The infrastructure workflow's matrix picks the new Lambda project up
	// without editing, and leaves stacks without a CI role to make deploy.
	matrix := matrixOf(t, dir)
	for _, stack := range []string{"nightly-digest-dev", "nightly-digest-production", "project-x-dev", "project-x-production"} {
		if !strings.Contains(matrix.all, `"stack":"`+stack+`"`) {
			t.Errorf("matrix lacks %s: %s", stack, matrix.all)
		}
	}
	if !strings.Contains(matrix.dev, `{"project":"nightly-digest","environment":"dev","stack":"nightly-digest-dev"}`) {
		t.Errorf("dev matrix: %s", matrix.dev)
	}
	if strings.Contains(matrix.dev, "production") || strings.Contains(matrix.production, `-dev"`) {
		t.Errorf("environments mixed: dev %s, production %s", matrix.dev, matrix.production)
	}
	for _, stack := range []string{"billing-api-dev", "billing-api-production", "platform"} {
		if strings.Contains(matrix.all, `"`+stack+`"`) {
			t.Errorf("matrix holds %s, which has no role trusting the infrastructure repository", stack)
		}
		if !strings.Contains(matrix.summary, "`"+stack+"`: not deployed by CI") {
			t.Errorf("summary does not list %s as deployed by hand:\n%s", stack, matrix.summary)
		}
	}

	// A stack whose pull requests have no plan role to assume is left to make
	// deploy too, even though it has the apply role.
	stackFile := filepath.Join(outdir, "stacks", "nightly-digest-dev", "cdk.tf.json")
	raw, err = os.ReadFile(stackFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	roles := doc["resource"].(map[string]any)["aws_iam_role"].(map[string]any)
	removed := 0
	for id, r := range roles {
		if r.(map[string]any)["name"] == "nightly-digest-dev-github-plan" {
			delete(roles, id)
			removed++
		}
	}
	if removed != 1 {
		t.Fatalf("removed %d plan roles from nightly-digest-dev, want 1", removed)
	}
	if raw, err = json.Marshal(doc); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stackFile, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	matrix = matrixOf(t, dir)
	if strings.Contains(matrix.all, `"nightly-digest-dev"`) || !strings.Contains(matrix.all, `"nightly-digest-production"`) {
		t.Errorf("without its plan role, nightly-digest-dev is still in the matrix (or production left it): %s", matrix.all)
	}
	if !strings.Contains(matrix.summary, "`nightly-digest-dev`: not deployed by CI") {
		t.Errorf("summary does not list nightly-digest-dev as deployed by hand:\n%s", matrix.summary)
	}

	// The generated handler's own test passes with the repository's runner,
	// and type-checks when TypeScript is installed (make test installs it).
	testArgs := []string{"test", "./lambdas/"}
	if modules := filepath.Join(synthtest.RepoRoot(t), "lambdas", "node_modules"); fileExists(modules) {
		if err := os.Symlink(modules, filepath.Join(dir, "lambdas", "node_modules")); err != nil {
			t.Fatal(err)
		}
	} else {
		t.Log("lambdas/node_modules is missing: the scaffolded handler is tested but not type-checked")
		testArgs = append(testArgs, "-run", "TestHandlers$")
	}
	// Only the generated project's handler: the repository's own are the
	// lambdas package's tests already.
	testArgs = append(testArgs, "-count=1")
	t.Setenv("LAMBDAS_ONLY_PROJECT", "nightly-digest")
	if out, code := run(t, dir, "go", testArgs...); code != 0 {
		t.Errorf("handler tests in the scaffolded repository:\n%s", out)
	}
}

type matrixOutput struct{ all, dev, production, summary string }

// matrixOf runs the infrastructure workflow's matrix step on dir's cdktf.out.
func matrixOf(t *testing.T, dir string) matrixOutput {
	t.Helper()
	script, err := workflowlint.StepScript(filepath.Join(synthtest.RepoRoot(t), ".github", "workflows", "infrastructure.yml"), "synth", "matrix")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	output, summary := filepath.Join(tmp, "output"), filepath.Join(tmp, "summary")
	cmd := exec.Command("bash", "-e", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "REPOSITORY=FractalLabsDev/talkwise-infra", "GITHUB_OUTPUT="+output, "GITHUB_STEP_SUMMARY="+summary)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("matrix step: %v\n%s", err, out)
	}
	raw, _ := os.ReadFile(output)
	sum, _ := os.ReadFile(summary)
	m := matrixOutput{summary: string(sum)}
	for _, line := range strings.Split(string(raw), "\n") {
		key, value, _ := strings.Cut(line, "=")
		switch key {
		case "all":
			m.all = value
		case "dev":
			m.dev = value
		case "production":
			m.production = value
		}
	}
	return m
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
