package tfcheck

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/internal/awsstub"
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
)

// Workspace is a scratch folder where stacks are copied and planned: the
// synthesized output is never written to.
type Workspace struct {
	tc  *Toolchain
	dir string

	// inits holds, per provider constraint, the folder whose .terraform
	// every later stack with that constraint reuses (see initialize).
	initsMu sync.Mutex
	inits   map[string]*sharedInit
}

// sharedInit is one `terraform init` whose result other stacks reuse.
type sharedInit struct {
	done chan struct{}
	dir  string // "" when that init failed
}

// NewWorkspace prepares dir (which must exist) for runs with tc.
func NewWorkspace(tc *Toolchain, dir string) (*Workspace, error) {
	w := &Workspace{tc: tc, dir: dir, inits: map[string]*sharedInit{}}
	if err := os.WriteFile(w.cliConfigFile(), []byte(tc.cliConfig()), 0o644); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *Workspace) cliConfigFile() string { return filepath.Join(w.dir, "terraformrc") }

// Target is one stack to plan.
type Target struct {
	// Name is the stack's name; its copy is the workspace's folder Name.
	Name string
	// Dir is the synthesized stack folder (cdk.tf.json and its assets).
	Dir string
	// State, when set, is a state file (format version 4) the plan starts
	// from, as when a stack takes over an HCL project's state. The plan then
	// does not refresh (the stub holds none of those objects): it compares
	// the configuration with the state as recorded. Defaults to none: a
	// first plan in a fresh account.
	State string
	// Account is what the AWS stub answers. Defaults to FreshAccount of
	// the stack in core.Talkwise.
	Account *awsstub.Account
	// PlanJSON, when set, receives `terraform show -json` of the plan.
	PlanJSON string
	// Details gives each update's and replacement's attributes
	// (Change.UpdatedAttributes, ReplacePaths): the plan is read back with
	// `terraform show -json`, which starts the provider again, when the
	// streamed plan has an update or a replacement. A plan without either
	// has no attributes to give, and its streamed changes are the whole
	// answer. Defaults to false: the changes and their actions as the plan
	// streams them. Setting PlanJSON always reads the plan back.
	Details bool
	// SkipValidate leaves out `terraform validate`, for a plan whose
	// configuration the stack's own check validates (a migration plan):
	// the plan still stops on any configuration error. Defaults to false.
	SkipValidate bool
}

// Result is what Terraform said about one stack.
type Result struct {
	Stack string
	// Valid is terraform validate's verdict.
	Valid bool
	// Plan is nil when no plan was made.
	Plan *Plan
	// Init, Validate and Plan are how long each step took (Plan includes
	// reading the plan back as JSON).
	Init, Validate, PlanTime, Total time.Duration
	// Explained are the warnings given that Explained accepts.
	Explained []ExplainedWarning
	// Problems are reasons the stack fails the check, each one line: an
	// error, a warning nobody explained, a call the AWS stub did not expect.
	Problems []string
	// Calls are the AWS calls the plan made.
	Calls []awsstub.Call
	// Together is how many stacks were checked in the same terraform run
	// as this one (0 when it was checked alone); the times are the run's.
	Together int
}

// ExplainedWarning is a warning and the reason it is accepted.
type ExplainedWarning struct {
	Diagnostic Diagnostic
	Reason     string
}

// Failed reports whether anything is wrong.
func (r *Result) Failed() bool { return len(r.Problems) > 0 }

func (r *Result) problem(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

// unexpected fails the stack for every AWS call the stub did not answer.
func (r *Result) unexpected(calls []awsstub.Call) {
	for _, c := range calls {
		r.problem("the plan made an AWS call the stub does not answer: %s; a new data source or import reads AWS at plan time: teach internal/awsstub AWS's answer (docs/verification.md)", c)
	}
}

// offlineAccessKey is the key a stack planned on its own signs with; the
// stacks of a shared plan each sign with their own (stackAccessKey).
const offlineAccessKey = "AKIAOFFLINEPLAN00000"

// overrideFile is what turns a stack into one that plans offline; an
// override file (Terraform merges *_override.tf.json over the
// configuration) so the stack's own JSON is planned unchanged.
const overrideFile = "zz_offline_override.tf.json"

// Run copies the stack into the workspace and runs terraform init,
// validate and plan on it against a stub of the AWS account.
func (w *Workspace) Run(ctx context.Context, t Target) (*Result, error) {
	start := time.Now()
	res := &Result{Stack: t.Name}
	dir := filepath.Join(w.dir, t.Name)
	if err := copyStack(t.Dir, dir); err != nil {
		return nil, err
	}
	doc, err := tfjson.ReadFile(filepath.Join(dir, "cdk.tf.json"))
	if err != nil {
		return nil, err
	}
	account := FreshAccount(core.Talkwise, doc)
	if t.Account != nil {
		account = *t.Account
	}
	if err := w.prepare(dir, doc, offlineAccessKey); err != nil {
		return nil, err
	}
	if t.State != "" {
		if err := copyFile(t.State, filepath.Join(dir, "terraform.tfstate")); err != nil {
			return nil, err
		}
	}
	stub, err := awsstub.Start(account)
	if err != nil {
		return nil, err
	}
	defer stub.Close()
	tf := &terraform{bin: w.tc.Terraform, dir: dir, env: w.env(stub.URL())}

	step := time.Now()
	err = w.initialize(ctx, tf, res, constraintsOf(doc))
	res.Init = time.Since(step)
	if err == nil {
		if !t.SkipValidate {
			step = time.Now()
			res.Valid = w.validate(ctx, tf, res)
			res.Validate = time.Since(step)
		}
		step = time.Now()
		res.Plan = w.plan(ctx, tf, res, t)
		res.PlanTime = time.Since(step)
	}
	res.Calls = stub.Calls()
	res.unexpected(stub.Unexpected())
	res.Total = time.Since(start)
	return res, nil
}

func (w *Workspace) validate(ctx context.Context, tf *terraform, res *Result) bool {
	out, err := tf.run(ctx, "validate", "-json", "-no-color")
	valid, diags, perr := validateDiagnostics(out.stdout)
	if perr != nil {
		res.problem("validate: %v (stderr: %s)", perr, truncate(string(out.stderr), 400))
		return false
	}
	w.sort(res, "validate", diags)
	if err != nil && valid {
		res.problem("validate: %v: %s", err, truncate(string(out.stderr), 400))
	}
	if !valid {
		res.problem("validate: the configuration is not valid")
	}
	return valid && err == nil
}

func (w *Workspace) plan(ctx context.Context, tf *terraform, res *Result, t Target) *Plan {
	args := []string{"plan", "-json", "-input=false", "-lock=false", "-no-color", "-out=offline.tfplan"}
	if t.State != "" {
		args = append(args, "-refresh=false")
	}
	out, err := tf.run(ctx, args...)
	w.judge(res, "plan", out, err)
	if err != nil {
		return nil
	}
	if t.PlanJSON == "" {
		// The streamed plan names every change and its action; reading
		// the plan file back costs another provider start, worth paying
		// only for the attributes of an update or a replacement.
		p, err := ReadPlanStream(out.stdout)
		if err != nil {
			res.problem("%v", err)
			return p
		}
		if !t.Details || !p.changesAttributes() {
			return p
		}
	}
	show, err := tf.run(ctx, "show", "-json", "-no-color", "offline.tfplan")
	if err != nil {
		res.problem("show -json: %v: %s", err, truncate(string(show.stderr), 400))
		return nil
	}
	p, err := ReadPlan(show.stdout)
	if err != nil {
		res.problem("%v", err)
		return nil
	}
	if t.PlanJSON != "" {
		if err := os.WriteFile(t.PlanJSON, show.stdout, 0o644); err != nil {
			res.problem("writing the plan JSON: %v", err)
		}
	}
	return p
}

// initialize runs `terraform init` in the stack's copy, or gives it the
// .terraform folder an earlier init of a stack with the same provider
// constraint made: every copy has the same override file (local backend,
// the same provider from the same mirror), so the folder init writes (the
// provider link and the backend's settings) is the same for all of them,
// and a second init would only start Terraform again to write it.
func (w *Workspace) initialize(ctx context.Context, tf *terraform, res *Result, constraints string) error {
	w.initsMu.Lock()
	shared, started := w.inits[constraints]
	if !started {
		shared = &sharedInit{done: make(chan struct{})}
		w.inits[constraints] = shared
	}
	w.initsMu.Unlock()
	if started {
		<-shared.done
		if shared.dir != "" {
			if err := copyTree(filepath.Join(shared.dir, ".terraform"), filepath.Join(tf.dir, ".terraform")); err == nil {
				return nil
			}
		}
	}
	out, err := tf.run(ctx, "init", "-json", "-input=false", "-no-color")
	w.judge(res, "init", out, err)
	if !started {
		if err == nil {
			shared.dir = tf.dir
		}
		close(shared.done)
	}
	return err
}

// constraintsOf is the stack's AWS provider version constraint ("" when
// it has none, which prepare refuses).
func constraintsOf(doc tfjson.Doc) string {
	tf, _ := doc["terraform"].(map[string]any)
	rp, _ := tf["required_providers"].(map[string]any)
	aws, _ := rp["aws"].(map[string]any)
	c, _ := aws["version"].(string)
	return c
}

// copyTree copies a folder, keeping symbolic links as links (a provider
// installed from the mirror is a link to it).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		default:
			return copyFile(p, target)
		}
	})
}

// judge sorts the diagnostics of a streaming command into explained
// warnings and problems, and records its failure.
func (w *Workspace) judge(res *Result, step string, out output, err error) {
	diags, perr := streamDiagnostics(out.stdout)
	if perr != nil {
		res.problem("%s: reading its JSON output: %v", step, perr)
	}
	w.sort(res, step, diags)
	if err != nil {
		errors := 0
		for _, d := range diags {
			if d.Severity == "error" {
				errors++
			}
		}
		if errors == 0 {
			res.problem("%s failed: %v: %s", step, err, truncate(strings.TrimSpace(string(out.stderr)), 600))
		}
	}
}

func (w *Workspace) sort(res *Result, step string, diags []Diagnostic) {
	seen := map[string]bool{}
	for _, d := range diags {
		// A plan prints each configuration warning twice (its validate
		// walk, then its plan walk): one problem is enough.
		if seen[d.String()] {
			continue
		}
		seen[d.String()] = true
		if d.Severity == "warning" {
			if e := explain(d); e != nil {
				res.Explained = append(res.Explained, ExplainedWarning{Diagnostic: d, Reason: e.Reason})
				continue
			}
			res.problem("%s: %s (not explained: read it, then fix it or add it with its reason to tfcheck.Explained and docs/verification.md)", step, d)
			continue
		}
		res.problem("%s: %s", step, d)
	}
}

// prepare writes the override file and the lock file into a stack's copy.
func (w *Workspace) prepare(dir string, doc tfjson.Doc, accessKey string) error {
	constraints := constraintsOf(doc)
	if constraints == "" {
		return fmt.Errorf("%s: terraform.required_providers.aws.version is not set; every stack pins the provider (constructs/stack)", filepath.Join(dir, "cdk.tf.json"))
	}
	override := map[string]any{
		"//": "Written by internal/tfcheck: plan offline against a loopback stand-in for AWS (docs/verification.md). " +
			"Every AWS service is pointed at it by the AWS_ENDPOINT_URL environment variable, and HTTPS_PROXY catches any client that ignores it.",
		"terraform": map[string]any{"backend": map[string]any{"local": map[string]any{"path": "terraform.tfstate"}}},
		"provider": map[string]any{"aws": map[string]any{
			"access_key":                  accessKey,
			"secret_key":                  "offline-plan-not-a-secret",
			"skip_credentials_validation": true,
			"skip_metadata_api_check":     true,
			"skip_region_validation":      true,
			"s3_use_path_style":           true,
			"max_retries":                 1,
		}},
	}
	raw, err := json.MarshalIndent(override, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, overrideFile), raw, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, ".terraform.lock.hcl"), []byte(w.tc.lockFile(constraints)), 0o644)
}

// env is the environment every terraform command runs in: nothing of the
// caller's AWS or Terraform settings (profiles, credentials, endpoints,
// plugin caches), every AWS client pointed at the stub.
func (w *Workspace) env(stubURL string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		upper := strings.ToUpper(name)
		if strings.HasPrefix(upper, "AWS_") || strings.HasPrefix(upper, "TF_") || strings.HasPrefix(upper, "CHECKPOINT_") ||
			upper == "HTTP_PROXY" || upper == "HTTPS_PROXY" || upper == "NO_PROXY" || upper == "ALL_PROXY" {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"TF_CLI_CONFIG_FILE="+w.cliConfigFile(),
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"CHECKPOINT_DISABLE=1",
		"AWS_ENDPOINT_URL="+stubURL,
		"AWS_CONFIG_FILE="+filepath.Join(w.dir, "no-aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(w.dir, "no-aws-credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
		// Go never proxies loopback addresses, so the stub's own endpoint is
		// reached directly; a request for a real AWS host lands on the stub
		// as a proxy request and is refused and reported.
		"HTTPS_PROXY="+stubURL,
		"HTTP_PROXY="+stubURL,
	)
}

type terraform struct {
	bin, dir string
	env      []string
}

type output struct{ stdout, stderr []byte }

func (t *terraform) run(ctx context.Context, args ...string) (output, error) {
	cmd := exec.CommandContext(ctx, t.bin, args...)
	cmd.Dir = t.dir
	cmd.Env = t.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		err = fmt.Errorf("terraform %s: %w", args[0], err)
	}
	return output{stdout.Bytes(), stderr.Bytes()}, err
}

// copyStack copies a synthesized stack folder, leaving out what a previous
// terraform run left there (.terraform, lock file, state, plans): each run
// starts from the synthesized files alone.
func copyStack(src, dst string) error {
	if _, err := os.Stat(filepath.Join(src, "cdk.tf.json")); err != nil {
		return fmt.Errorf("%s has no cdk.tf.json: run `make synth`", src)
	}
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		name := d.Name()
		if rel != "." && (name == ".terraform" || name == ".terraform.lock.hcl" || strings.HasPrefix(name, "terraform.tfstate") || strings.HasSuffix(name, ".tfplan")) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		return copyFile(p, target)
	})
}

func copyFile(src, dst string) error {
	raw, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, raw, 0o644)
}

// ProviderSchema returns `terraform providers schema -json` of the mirror's
// provider: every resource type's attributes and blocks, and its schema
// version, as the state of that provider version records them.
func ProviderSchema(ctx context.Context, tc *Toolchain, scratch string) ([]byte, error) {
	if err := os.MkdirAll(scratch, 0o755); err != nil {
		return nil, err
	}
	w, err := NewWorkspace(tc, scratch)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(scratch, "provider-schema")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	config := `{"terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": "` + tc.ProviderVersion + `"}}}}`
	if err := os.WriteFile(filepath.Join(dir, "main.tf.json"), []byte(config), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, ".terraform.lock.hcl"), []byte(tc.lockFile(tc.ProviderVersion)), 0o644); err != nil {
		return nil, err
	}
	// No AWS call is made; the endpoint is a closed port on loopback.
	tf := &terraform{bin: tc.Terraform, dir: dir, env: w.env("http://127.0.0.1:9")}
	if out, err := tf.run(ctx, "init", "-input=false", "-no-color"); err != nil {
		return nil, fmt.Errorf("%v: %s", err, truncate(string(out.stdout)+string(out.stderr), 600))
	}
	out, err := tf.run(ctx, "providers", "schema", "-json")
	if err != nil {
		return nil, fmt.Errorf("%v: %s", err, truncate(string(out.stderr), 600))
	}
	return out.stdout, nil
}
