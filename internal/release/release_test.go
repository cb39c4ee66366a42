package release

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fractallabsdev/talkwise-infra/internal/workflowlint"
)

// describeOutput is what `aws ecs describe-task-definition --query
// taskDefinition` prints for a revision Terraform registered (the fields
// AWS adds included: ARN, revision, status, requiresAttributes, ...).
const describeOutput = `{
  "taskDefinitionArn": "arn:aws:ecs:us-east-2:427479925030:task-definition/agent-factory-dev-api:7",
  "containerDefinitions": [{
    "name": "api", "image": "427479925030.dkr.ecr.us-east-2.amazonaws.com/agent-factory-dev-api:latest",
    "essential": true, "readonlyRootFilesystem": true,
    "portMappings": [{"containerPort": 3000, "hostPort": 3000, "protocol": "tcp"}],
    "secrets": [{"name": "ANTHROPIC_API_KEY", "valueFrom": "arn:aws:secretsmanager:us-east-2:427479925030:secret:agent-factory/dev/anthropic-api-key-AbCdEf"}]
  }],
  "family": "agent-factory-dev-api",
  "taskRoleArn": "arn:aws:iam::427479925030:role/agent-factory-dev-api-task",
  "executionRoleArn": "arn:aws:iam::427479925030:role/agent-factory-dev-api-execution",
  "networkMode": "awsvpc", "revision": 7,
  "volumes": [{"name": "tmp", "host": {}}],
  "status": "ACTIVE",
  "requiresAttributes": [{"name": "com.amazonaws.ecs.capability.docker-remote-api.1.18"}],
  "placementConstraints": [],
  "compatibilities": ["EC2", "FARGATE"],
  "runtimePlatform": {"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"},
  "requiresCompatibilities": ["FARGATE"],
  "cpu": "512", "memory": "1024",
  "registeredAt": "2026-11-30T10:00:00.000000+00:00",
  "registeredBy": "arn:aws:sts::427479925030:assumed-role/agent-factory-dev-github-actions/GitHubActions"
}`

// fakeAWS is a stand-in for the AWS CLI: it records each call, keeps the
// files it is handed (file://), and answers as AWS does. FAKE_NO_IMAGE
// makes the image missing, FAKE_ROLLBACK makes the deployment fail.
const fakeAWS = `#!/usr/bin/env bash
echo "aws $*" >> "$CALLS"
for a in "$@"; do
  case "$a" in file://*) f=${a#file://}; cp "$f" "$KEEP/$(basename "$f")";; esac
done
case "$1 $2" in
  "sts get-caller-identity") echo 427479925030 ;;
  "ecr get-login-password") echo token ;;
  "ecr batch-get-image") if [ -n "$FAKE_NO_IMAGE" ]; then echo None; else echo sha256:0123; fi ;;
  "ecs describe-task-definition") cat "$DESCRIBE" ;;
  "ecs register-task-definition") echo arn:aws:ecs:us-east-2:427479925030:task-definition/agent-factory-dev-api:8 ;;
  "deploy create-deployment") echo d-ABCDEF123 ;;
  "deploy wait") if [ -n "$FAKE_ROLLBACK" ]; then echo "Waiter DeploymentSuccessful failed: Waiter encountered a terminal failure state" >&2; exit 255; fi ;;
  "deploy get-deployment") echo '{"status": "Stopped", "error": {"code": "ALARM_ACTIVE"}, "rollback": {"rollbackDeploymentId": "d-ROLLBACK1"}}' ;;
  *) echo "fake aws: unexpected call $*" >&2; exit 1 ;;
esac
`

type run struct {
	out   string
	code  int
	calls []string
	kept  string // folder with the files handed to the CLI
}

// release runs release.sh with the stand-ins, in a clean environment.
func release(t *testing.T, env []string, args ...string) run {
	t.Helper()
	dir := t.TempDir()
	bin, kept := filepath.Join(dir, "bin"), filepath.Join(dir, "kept")
	for _, d := range []string{bin, kept} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string, mode os.FileMode) {
		if err := os.WriteFile(p, []byte(s), mode); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(bin, "aws"), fakeAWS, 0o755)
	write(filepath.Join(bin, "docker"), "#!/usr/bin/env bash\necho \"docker $*\" >> \"$CALLS\"\ncat > /dev/null\n", 0o755)
	write(filepath.Join(dir, "describe.json"), describeOutput, 0o644)
	calls := filepath.Join(dir, "calls.log")
	cmd := exec.Command("bash", append([]string{"release.sh"}, args...)...)
	cmd.Env = append([]string{"PATH=" + bin + ":" + os.Getenv("PATH"), "HOME=" + dir, "CALLS=" + calls, "KEEP=" + kept,
		"DESCRIBE=" + filepath.Join(dir, "describe.json")}, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(calls)
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if l != "" {
			lines = append(lines, l)
		}
	}
	return run{out: out.String(), code: code, calls: lines, kept: kept}
}

func (r run) json(t *testing.T, name string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(r.kept, name))
	if err != nil {
		t.Fatalf("%s was not handed to the CLI: %v\n%s", name, err, r.out)
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// A release registers a revision of the family with only the image
// changed, deploys it with an AppSpec naming that revision, the container
// and the port the task definition declares, and waits for CodeDeploy.
func TestReleaseRegistersTheRevisionAndDeploysIt(t *testing.T) {
	src := t.TempDir()
	r := release(t, nil, "--project", "agent-factory", "--env", "dev", "--tag", "3f2c1ab", "--build", src)
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.out)
	}
	image := "427479925030.dkr.ecr.us-east-2.amazonaws.com/agent-factory-dev-api:3f2c1ab"
	want := []string{
		"aws sts get-caller-identity --query Account --output text",
		"aws ecr get-login-password --region us-east-2",
		"docker login --username AWS --password-stdin 427479925030.dkr.ecr.us-east-2.amazonaws.com",
		"docker build --tag " + image + " " + src,
		"docker push " + image,
		"aws ecr batch-get-image --repository-name agent-factory-dev-api --image-ids imageTag=3f2c1ab --query images[0].imageId.imageDigest --output text --region us-east-2",
		"aws ecs describe-task-definition --task-definition agent-factory-dev-api --query taskDefinition --output json --region us-east-2",
		"aws ecs register-task-definition --cli-input-json file://", // + a temporary path
		"aws deploy create-deployment --application-name agent-factory-dev-api --deployment-group-name agent-factory-dev-api --description release of agent-factory-dev-api:3f2c1ab --revision file://",
		"aws deploy wait deployment-successful --deployment-id d-ABCDEF123 --region us-east-2",
	}
	if len(r.calls) != len(want) {
		t.Fatalf("calls:\n%s\nwant:\n%s", strings.Join(r.calls, "\n"), strings.Join(want, "\n"))
	}
	// The login is a pipe: its two ends run at once, in either order.
	sort.Strings(r.calls[1:3])
	for i := range want {
		if !strings.HasPrefix(r.calls[i], want[i]) {
			t.Errorf("call %d: %s\nwant %s...", i, r.calls[i], want[i])
		}
	}
	var described map[string]any
	if err := json.Unmarshal([]byte(describeOutput), &described); err != nil {
		t.Fatal(err)
	}
	// register-task-definition takes the described revision minus what AWS
	// adds, with the container's image replaced and nothing else changed.
	next := described
	for _, k := range []string{"taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities", "registeredAt", "registeredBy"} {
		delete(next, k)
	}
	next["containerDefinitions"].([]any)[0].(map[string]any)["image"] = image
	if diff := cmp.Diff(next, r.json(t, "next.json")); diff != "" {
		t.Errorf("registered task definition (-want +got):\n%s", diff)
	}
	revision := r.json(t, "revision.json")
	wantAppSpec := `version: 0.0
Resources:
  - TargetService:
      Type: AWS::ECS::Service
      Properties:
        TaskDefinition: "arn:aws:ecs:us-east-2:427479925030:task-definition/agent-factory-dev-api:8"
        LoadBalancerInfo:
          ContainerName: "api"
          ContainerPort: 3000`
	if diff := cmp.Diff(map[string]any{"revisionType": "AppSpecContent", "appSpecContent": map[string]any{"content": wantAppSpec}}, revision); diff != "" {
		t.Errorf("revision (-want +got):\n%s", diff)
	}
	if !strings.Contains(r.out, "deployment d-ABCDEF123 succeeded") {
		t.Errorf("output:\n%s", r.out)
	}
}

// A deployment CodeDeploy stops (an alarm fired, or it failed) fails the
// release, after printing why and the rollback.
func TestReleaseFailsOnRollback(t *testing.T) {
	r := release(t, []string{"FAKE_ROLLBACK=1"}, "--project", "agent-factory", "--env", "production", "--tag", "v1.2.3")
	if r.code != 1 {
		t.Fatalf("exit %d; want 1:\n%s", r.code, r.out)
	}
	last := r.calls[len(r.calls)-1]
	if !strings.HasPrefix(last, "aws deploy get-deployment --deployment-id d-ABCDEF123") {
		t.Errorf("last call %s; want the deployment's status", last)
	}
	for _, s := range []string{"ALARM_ACTIVE", "d-ROLLBACK1", "did not succeed; the service was rolled back"} {
		if !strings.Contains(r.out, s) {
			t.Errorf("output lacks %q:\n%s", s, r.out)
		}
	}
	for _, c := range r.calls {
		if strings.HasPrefix(c, "docker") {
			t.Errorf("built without --build: %s", c)
		}
	}
}

func TestReleaseRefusesAMissingImage(t *testing.T) {
	r := release(t, []string{"FAKE_NO_IMAGE=1"}, "--project", "agent-factory", "--env", "production", "--tag", "abc")
	if r.code != 1 || !strings.Contains(r.out, "agent-factory-production-api:abc is not in ECR; push it first, or pass --build") {
		t.Fatalf("exit %d:\n%s", r.code, r.out)
	}
	for _, c := range r.calls {
		if strings.Contains(c, "register-task-definition") || strings.Contains(c, "create-deployment") {
			t.Errorf("went on without the image: %s", c)
		}
	}
}

// --ignore-alarms overrides the group's alarms for this one deployment
// (CodeDeploy refuses to start while an alarm is in ALARM).
func TestReleaseCanIgnoreAlarms(t *testing.T) {
	r := release(t, nil, "--project", "agent-factory", "--env", "dev", "--tag", "fix1", "--ignore-alarms")
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.out)
	}
	found := false
	for _, c := range r.calls {
		if strings.HasPrefix(c, "aws deploy create-deployment") {
			found = strings.Contains(c, " --override-alarm-configuration enabled=false ")
		}
	}
	if !found {
		t.Errorf("create-deployment without the alarm override:\n%s", strings.Join(r.calls, "\n"))
	}
}

// The dry run prints every command a release makes, in order, and calls
// none: the stand-ins record nothing.
func TestDryRunPrintsEveryCallAndMakesNone(t *testing.T) {
	src := t.TempDir()
	r := release(t, nil, "--project", "agent-factory", "--env", "production", "--tag", "3f2c1ab", "--build", src, "--dry-run")
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.out)
	}
	if len(r.calls) != 0 {
		t.Errorf("a dry run called %v", r.calls)
	}
	image := "<account>.dkr.ecr.us-east-2.amazonaws.com/agent-factory-production-api:3f2c1ab"
	var commands []string
	for _, l := range strings.Split(r.out, "\n") {
		if strings.HasPrefix(l, "aws ") || strings.HasPrefix(l, "docker ") {
			commands = append(commands, l)
		}
	}
	want := []string{
		"aws sts get-caller-identity --query Account --output text",
		"aws ecr get-login-password --region us-east-2 | docker login --username AWS --password-stdin <account>.dkr.ecr.us-east-2.amazonaws.com",
		"docker build --tag " + image + " " + src,
		"docker push " + image,
		"aws ecr batch-get-image --repository-name agent-factory-production-api --image-ids imageTag=3f2c1ab --query 'images[0].imageId.imageDigest' --output text --region us-east-2",
		"aws ecs describe-task-definition --task-definition agent-factory-production-api --query taskDefinition --output json --region us-east-2",
		"aws ecs register-task-definition --cli-input-json file://<tmp>/next.json --query taskDefinition.taskDefinitionArn --output text --region us-east-2",
		"aws deploy create-deployment --application-name agent-factory-production-api --deployment-group-name agent-factory-production-api --description 'release of agent-factory-production-api:3f2c1ab' --revision file://<tmp>/revision.json --query deploymentId --output text --region us-east-2",
		"aws deploy wait deployment-successful --deployment-id <deploymentId> --region us-east-2",
	}
	if diff := cmp.Diff(want, commands); diff != "" {
		t.Errorf("dry-run commands (-want +got):\n%s\noutput:\n%s", diff, r.out)
	}
	for _, s := range []string{`TaskDefinition: "<taskDefinitionArn>"`, `ContainerName: "api"`, "# on failure: aws deploy get-deployment --deployment-id <deploymentId>"} {
		if !strings.Contains(r.out, s) {
			t.Errorf("dry run lacks %q:\n%s", s, r.out)
		}
	}
}

func TestReleaseRefusesBadArguments(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--project", "agent-factory", "--env", "dev"}, "usage: "},
		{[]string{"--project", "agent-factory", "--env", "staging", "--tag", "a"}, "unknown environment 'staging': use dev or production"},
		{[]string{"--project", "agent-factory", "--env", "dev", "--tag", "-bad"}, "'-bad' is not an image tag"},
		{[]string{"--project", "agent-factory", "--env", "dev", "--tag", "a", "--build", "/nonexistent"}, "--build /nonexistent is not a folder"},
		{[]string{"--project", "agent-factory", "--env", "dev", "--tag", "a", "--force"}, "unknown argument --force"},
	} {
		r := release(t, nil, c.args...)
		if r.code != 2 || !strings.Contains(r.out, c.want) || len(r.calls) != 0 {
			t.Errorf("%v: exit %d, calls %v:\n%s\nwant %q", c.args, r.code, r.calls, r.out, c.want)
		}
	}
}

// The embedded copy is the file on disk (the scaffold writes Script into
// service repositories; make release runs the file).
func TestScriptIsTheFile(t *testing.T) {
	raw, err := os.ReadFile("release.sh")
	if err != nil || !bytes.Equal(raw, Script) {
		t.Errorf("Script differs from release.sh (%v)", err)
	}
}

// shellcheck finds nothing in the script (CI installs shellcheck; without
// it locally the check is skipped and says so).
func TestScriptPassesShellcheck(t *testing.T) {
	shellcheck := workflowlint.Shellcheck()
	if shellcheck == "" {
		if workflowlint.RequireShellcheck() {
			t.Fatal("shellcheck is not installed: .ci/run installs it")
		}
		t.Skip("shellcheck is not installed (apt-get install shellcheck)")
	}
	if out, err := exec.Command(shellcheck, "release.sh").CombinedOutput(); err != nil {
		t.Errorf("shellcheck release.sh: %v\n%s", err, out)
	}
}
