package scaffold

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/internal/release"
	"github.com/fractallabsdev/talkwise-infra/internal/workflowlint"
)

// fakeRepo is the least of a repository New needs: go.mod, the registry and
// an existing project.
func fakeRepo(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"go.mod":                    "module " + module + "\n\ngo 1.26\n",
		RegistryFile:                registry,
		"projects/alpha/project.go": "package alpha\n",
		"lambdas/lib/job.ts":        "export {};\n",
		"lambdas/orphan/x/README":   "left over\n",
		"projects/stray/notes.txt":  "not registered\n",
		"projects/stray/README.md":  "someone else's\n",
	}
	for p, content := range files {
		if err := os.MkdirAll(filepath.Join(root, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, p), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// snapshot maps every path under root (folders too) to its content.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			out[rel+"/"] = ""
			return nil
		}
		raw, err := os.ReadFile(p)
		out[rel] = string(raw)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func assertUnchanged(t *testing.T, root string, before map[string]string) {
	t.Helper()
	after := snapshot(t, root)
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("left behind: %s", p)
		}
	}
	for p, content := range before {
		if after[p] != content {
			t.Errorf("%s changed or removed", p)
		}
	}
}

func TestNewLambdaWritesTheProjectAndRegistersIt(t *testing.T) {
	root := fakeRepo(t)
	res, err := New(Options{Root: root, Name: "my-new-project", Pattern: Lambda})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"lambdas/my-new-project/my-new-project-task/esbuild.config.js",
		"lambdas/my-new-project/my-new-project-task/package.json",
		"lambdas/my-new-project/my-new-project-task/src/index.test.ts",
		"lambdas/my-new-project/my-new-project-task/src/index.ts",
		"lambdas/my-new-project/my-new-project-task/tsconfig.json",
		"projects/my-new-project/Makefile",
		"projects/my-new-project/project.go",
		"projects/my-new-project/schedules.yaml",
		RegistryFile,
	}
	if strings.Join(res.Files, "\n") != strings.Join(want, "\n") {
		t.Errorf("files:\n%s\nwant:\n%s", strings.Join(res.Files, "\n"), strings.Join(want, "\n"))
	}
	read := func(p string) string {
		raw, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			t.Fatal(err)
		}
		return string(raw)
	}
	for _, p := range want {
		if left := regexp.MustCompile(`__[A-Z]+__`).FindString(read(p)); left != "" {
			t.Errorf("%s still holds the placeholder %s", p, left)
		}
	}
	project := read("projects/my-new-project/project.go")
	for _, s := range []string{"package mynewproject\n", `"example.com/infra/constructs/patterns/scheduledlambda"`,
		`scheduledlambda.Project("my-new-project"`, `Name:           "my-new-project-task"`} {
		if !strings.Contains(project, s) {
			t.Errorf("project.go lacks %s:\n%s", s, project)
		}
	}
	if s := read("projects/my-new-project/schedules.yaml"); !strings.Contains(s, "lambda_name: my-new-project-task\n") {
		t.Errorf("schedules.yaml does not schedule the task:\n%s", s)
	}
	if s := read("lambdas/my-new-project/my-new-project-task/esbuild.config.js"); !strings.Contains(s, `require("../../build-options.json")`) {
		t.Errorf("esbuild.config.js does not read the shared build options:\n%s", s)
	}
	if s := read("lambdas/my-new-project/my-new-project-task/src/index.test.ts"); !strings.Contains(s, `"/my-new-project/dev/api-key"`) {
		t.Errorf("handler test does not use the project's parameter path")
	}
	if s := read(RegistryFile); !strings.Contains(s, `mynewproject "example.com/infra/projects/my-new-project"`) ||
		!strings.Contains(s, "\t\tmynewproject.Project,\n") {
		t.Errorf("registry:\n%s", s)
	}
	for _, s := range []string{
		`aws ssm put-parameter --name "/my-new-project/dev/api-url" --value "https://..." --type String --region us-east-2`,
		`aws ssm put-parameter --name "/my-new-project/production/api-key" --value "..." --type SecureString --region us-east-2`,
		"cd projects/my-new-project && make deploy e=dev",
	} {
		if !strings.Contains(res.NextSteps, s) {
			t.Errorf("next steps lack %q:\n%s", s, res.NextSteps)
		}
	}
}

func TestNewRefusesAndWritesNothing(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"no name", Options{Pattern: Lambda}, "name: no project name given"},
		{"unknown pattern", Options{Name: "ok", Pattern: "k8s"}, `pattern: unknown pattern "k8s"`},
		{"invalid name", Options{Name: "My_Project", Pattern: Lambda}, `"My_Project" is not a valid project name`},
		{"keyword", Options{Name: "select", Pattern: Lambda}, "which is a keyword"},
		{"registered project", Options{Name: "alpha", Pattern: Lambda}, `project "alpha" already exists (registered in projects/projects.go)`},
		{"left-over lambdas folder", Options{Name: "orphan", Pattern: Lambda}, "lambdas/orphan already exists"},
		{"unregistered project folder", Options{Name: "stray", Pattern: Lambda}, "projects/stray already exists"},
		{"taken elsewhere", Options{Name: "gamma", Pattern: Lambda, Taken: []string{"gamma"}}, `project "gamma" already exists`},
		{"too long for AWS", Options{Name: strings.Repeat("a", 30), Pattern: Lambda},
			`Lambda function name "` + strings.Repeat("a", 30) + "-production-" + strings.Repeat("a", 30) + `-task" is 77 characters; AWS allows at most 64`},
		{"bad task", Options{Name: "ok", Pattern: Lambda, Task: "-x"}, `task: "-x" is not a valid name`},
		{"ECS name too long for a target group", Options{Name: "payments-gateway", Pattern: ECS},
			`target group name "payments-gateway-production-green" is 33 characters; AWS allows at most 32`},
		{"bad service repository", Options{Name: "shop", Pattern: ECS, ServiceRepo: "shop"}, `repo: "shop" is not a GitHub repository`},
		{"service folder outside the repository", Options{Name: "shop", Pattern: ECS, ServiceDir: "../shop"}, `out: "../shop" is outside the repository`},
		{"service file exists", Options{Name: "shop", Pattern: ECS, ServiceDir: "projects/stray"}, "projects/stray/README.md already exists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := fakeRepo(t)
			before := snapshot(t, root)
			tt.opts.Root = root
			_, err := New(tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			assertUnchanged(t, root, before)
		})
	}
}

func TestNewRemovesWhatItWroteWhenAWriteFails(t *testing.T) {
	for _, failAt := range []int{1, 4, 9} { // first file, a nested one, the registry
		root := fakeRepo(t)
		before := snapshot(t, root)
		n := 0
		orig := writeFile
		writeFile = func(name string, data []byte, perm fs.FileMode) error {
			if n++; n == failAt {
				return errors.New("disk full")
			}
			return orig(name, data, perm)
		}
		_, err := New(Options{Root: root, Name: "beta", Pattern: Lambda})
		writeFile = orig
		if err == nil || !strings.Contains(err.Error(), "disk full (nothing was left behind") {
			t.Fatalf("write %d failing: got %v", failAt, err)
		}
		assertUnchanged(t, root, before)
	}
}

func TestNewECSWritesServiceFilesThatPassActionlint(t *testing.T) {
	root := fakeRepo(t)
	res, err := New(Options{Root: root, Name: "billing-api", Pattern: ECS})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"projects/billing-api/Makefile",
		"projects/billing-api/project.go",
		"projects/billing-api/service/.dockerignore",
		"projects/billing-api/service/.github/workflows/deploy-environment.yml",
		"projects/billing-api/service/.github/workflows/deploy.yml",
		"projects/billing-api/service/Dockerfile",
		"projects/billing-api/service/README.md",
		"projects/billing-api/service/scripts/release.sh",
		RegistryFile,
	}
	if strings.Join(res.Files, "\n") != strings.Join(want, "\n") {
		t.Errorf("files:\n%s\nwant:\n%s", strings.Join(res.Files, "\n"), strings.Join(want, "\n"))
	}
	read := func(p string) string {
		raw, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			t.Fatal(err)
		}
		return string(raw)
	}
	project := read("projects/billing-api/project.go")
	for _, s := range []string{"package billingapi\n", `ecsservice.Project("billing-api"`, `GitHubRepository: "FractalLabsDev/billing-api"`} {
		if !strings.Contains(project, s) {
			t.Errorf("project.go lacks %s:\n%s", s, project)
		}
	}
	// The spec's Dockerfile: Node 22, port 3000, a health check on /health.
	docker := read("projects/billing-api/service/Dockerfile")
	for _, s := range []string{"FROM node:22-alpine\n", "EXPOSE 3000\n", "HEALTHCHECK ", "http://localhost:3000/health", `CMD ["npm", "start"]`} {
		if !strings.Contains(docker, s) {
			t.Errorf("Dockerfile lacks %q:\n%s", s, docker)
		}
	}
	deploy := read("projects/billing-api/service/.github/workflows/deploy-environment.yml")
	// The workflow runs the release script (internal/release, tested there
	// with recording stand-ins) with the environment's deploy role.
	for _, s := range []string{
		"role-to-assume: arn:aws:iam::427479925030:role/billing-api-${{ inputs.environment }}-github-actions",
		"aws-region: us-east-2",
		"id-token: write",
		`run: bash scripts/release.sh --project billing-api --env "$ENVIRONMENT" --tag "$GITHUB_SHA" --build .`,
		"ENVIRONMENT: ${{ inputs.environment }}",
	} {
		if !strings.Contains(deploy, s) {
			t.Errorf("deploy-environment.yml lacks %q", s)
		}
	}
	if script := read("projects/billing-api/service/scripts/release.sh"); script != string(release.Script) {
		t.Errorf("scripts/release.sh is not internal/release/release.sh")
	}
	if fi, err := os.Stat(filepath.Join(root, "projects/billing-api/service/scripts/release.sh")); err != nil || fi.Mode()&0o100 == 0 {
		t.Errorf("scripts/release.sh is not executable (%v)", err)
	}
	shellcheck := workflowlint.Shellcheck()
	if shellcheck == "" && workflowlint.RequireShellcheck() {
		t.Fatal("shellcheck is not installed: .ci/run installs it")
	}
	problems, err := workflowlint.Lint(filepath.Join(root, "projects/billing-api/service"),
		[]string{".github/workflows/deploy.yml", ".github/workflows/deploy-environment.yml"}, shellcheck)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		t.Errorf("actionlint:\n%s", strings.Join(problems, "\n"))
	}
	for _, s := range []string{
		`aws secretsmanager put-secret-value --secret-id "billing-api/production/api-key" --secret-string "..." --region us-east-2`,
		"Copy projects/billing-api/service/ to the root of FractalLabsDev/billing-api",
		"cd projects/billing-api && make deploy e=dev",
	} {
		if !strings.Contains(res.NextSteps, s) {
			t.Errorf("next steps lack %q:\n%s", s, res.NextSteps)
		}
	}
}
