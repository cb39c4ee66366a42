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

	"github.com/fractallabsdev/talkwise-infra/constructs/synthtest"
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
		copyFile(t, p, filepath.Join(dst, filepath.Base(p)))
	}
	for _, dir := range []string{"constructs", "projects", "lambdas"} {
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
			copyFile(t, p, filepath.Join(dst, rel))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	raw, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// run runs a command in dir and returns its combined output and exit code.
func run(t *testing.T, dir string, name string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	// -mod=mod: the copy's go.sum is the repository's; the module cache is warm.
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "CDKTF_OUTDIR=")
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

	// Refusals: a clear message, exit 1, and not one file written.
	before := snapshot(t, dir)
	for _, tt := range []struct{ args, want []string }{
		{[]string{"new", "-pattern", "lambda", "nightly-digest"}, []string{`project "nightly-digest" already exists`, "no files were written"}},
		{[]string{"new", "-pattern", "lambda", "project-x"}, []string{`project "project-x" already exists`}},
		{[]string{"new", "-pattern", "lambda", "Nightly"}, []string{`"Nightly" is not a valid project name`}},
		{[]string{"new", "-pattern", "lambda", "type"}, []string{`becomes the Go package "type", which is a keyword`}},
		{[]string{"new", "-pattern", "lambda", strings.Repeat("x", 40)}, []string{"is 66 characters; AWS allows at most 64"}},
		{[]string{"new", "-pattern", "cron", "ok"}, []string{`unknown pattern "cron"`}},
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
		s.One(t, "aws_cloudwatch_log_group", synthtest.Where("name", "/aws/lambda/nightly-digest-"+env+"-nightly-digest-task"))
		doc := synthtest.Resource{Type: "terraform", ID: name, Fields: s.Doc}
		if got := doc.Get("terraform.backend.s3.key"); got != "nightly-digest/"+env+"/terraform.tfstate" {
			t.Errorf("%s: state key %v", name, got)
		}
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
	if out, code := run(t, dir, "go", testArgs...); code != 0 {
		t.Errorf("handler tests in the scaffolded repository:\n%s", out)
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
