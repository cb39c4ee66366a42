// Package synth drives synthesis: it builds every project's stacks into one
// cdktf app, applies migration mappings, runs the policy checks and swaps the
// result into the output folder all or nothing.
package synth

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/migrate"
	"github.com/fractallabsdev/talkwise-infra/internal/policy"
)

// Options say where to read projects from and where to write the output.
type Options struct {
	// Root is the repository root. Defaults to the working directory.
	Root string
	// Outdir receives the synthesized stacks. Defaults to $CDKTF_OUTDIR (set by
	// `cdktf synth`), else "cdktf.out" under Root.
	Outdir string
	// Platform defaults to core.Talkwise.
	Platform *core.Platform
	// Only restricts synthesis to these stack names; empty means all.
	Only []string
	// BuildDir receives Lambda zips before they are copied into the output.
	// Synth uses a temporary folder it removes afterwards; Build requires it.
	BuildDir string
	// SkipMigrations ignores projects/<project>/migrations/<env>.yaml, for
	// `go run . migrate`, which writes that file. Defaults to false: a stack
	// with a mapping file gets its moved and import blocks.
	SkipMigrations bool
	// BeforeSwap, when set, runs on the finished staging folder just before it
	// replaces the output, so what it writes there (the input fingerprint)
	// lands atomically with the stacks. Its error aborts the synthesis.
	// Defaults to nothing.
	BeforeSwap func(staging string) error
}

func (o *Options) defaults() error {
	if o.Root == "" {
		wd, err := os.Getwd()
		if err != nil {
			return err
		}
		o.Root = wd
	}
	if o.Outdir == "" {
		o.Outdir = os.Getenv("CDKTF_OUTDIR")
	}
	if o.Outdir == "" {
		o.Outdir = filepath.Join(o.Root, "cdktf.out")
	}
	if o.Platform == nil {
		p := core.Talkwise
		o.Platform = &p
	}
	return nil
}

// Synth builds every stack of every project and writes them to opts.Outdir.
// It is all or nothing: stacks are synthesized into a fresh directory beside
// the output, and only when every project built without error is that
// directory swapped in. On error the previous output is left untouched.
func Synth(projects []stack.Project, opts Options) (stackNames []string, err error) {
	if err := opts.defaults(); err != nil {
		return nil, err
	}
	if err := checkUniqueProjects(projects); err != nil {
		return nil, err
	}
	outdir, err := filepath.Abs(opts.Outdir)
	if err != nil {
		return nil, err
	}
	parent := filepath.Dir(outdir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	staging, err := os.MkdirTemp(parent, "."+filepath.Base(outdir)+".staging-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(staging) // a no-op after a successful swap
	if opts.BuildDir == "" {
		buildDir, err := os.MkdirTemp("", "talkwise-build-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(buildDir)
		opts.BuildDir = buildDir
	}

	app := NewApp(staging)
	stackNames, err = Build(app, projects, opts)
	if err != nil {
		return nil, err
	}
	app.Synth()
	// Policy checks (internal/policy) read the resolved JSON in staging, so
	// a violation fails the synth before the previous output is replaced.
	if err := policy.CheckDir(staging, stackNames); err != nil {
		return nil, err
	}
	if opts.BeforeSwap != nil {
		if err := opts.BeforeSwap(staging); err != nil {
			return nil, err
		}
	}
	if err := swap(staging, outdir); err != nil {
		return nil, err
	}
	return stackNames, nil
}

// Build adds the stacks of projects to app, validating every project first so
// that all input errors are reported together and no resource is created
// when any input is bad.
func Build(app cdktf.App, projects []stack.Project, opts Options) ([]string, error) {
	if err := opts.defaults(); err != nil {
		return nil, err
	}
	if opts.BuildDir == "" {
		return nil, fmt.Errorf("stack.Build: Options.BuildDir is required")
	}
	only := map[string]bool{}
	for _, n := range opts.Only {
		only[n] = true
	}
	var errs []error
	var planned []plannedStack
	for _, p := range projects {
		if err := p.Validate(); err != nil {
			errs = append(errs, err)
			continue
		}
		for _, s := range newStacks(app, p, opts, only) {
			ps, err := prepare(p, s, opts)
			if err != nil {
				errs = append(errs, fmt.Errorf("stack %s: %w", s.Name(), err))
				continue
			}
			planned = append(planned, ps)
		}
	}
	var names []string
	for _, ps := range planned {
		names = append(names, ps.stack.Name())
	}
	for name := range only {
		if !contains(names, name) && len(errs) == 0 {
			errs = append(errs, core.Errorf("stack", "run `go run . list` to see the stacks", "unknown stack %q", name))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, ps := range planned {
		if err := ps.build(); err != nil {
			errs = append(errs, fmt.Errorf("stack %s: %w", ps.stack.Name(), err))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return names, nil
}

// plannedStack is a stack whose inputs were read and validated, ready to build.
type plannedStack struct {
	stack   *stack.Stack
	buildFn func() error
	// mapping holds the migration's moves and imports; nil when the stack
	// has none (account-wide stacks adopt with their own import blocks).
	mapping *migrate.Mapping
}

// newStacks creates the stacks of one project that only selects (all when
// empty): one per environment, or the single stack of an account-wide project.
func newStacks(app cdktf.App, p stack.Project, opts Options, only map[string]bool) []*stack.Stack {
	selected := func(name string) bool { return len(only) == 0 || only[name] }
	if p.AccountWide {
		if !selected(stack.AccountStackName(p)) {
			return nil
		}
		return []*stack.Stack{stack.NewAccount(app, p, *opts.Platform, opts.Root, opts.BuildDir)}
	}
	var out []*stack.Stack
	for _, env := range p.EnvironmentsOrAll() {
		n := core.Names{Project: p.Name, Environment: env}
		if selected(n.StackName()) {
			out = append(out, stack.New(app, n, *opts.Platform, opts.Root, opts.BuildDir, p.StateKey(n)))
		}
	}
	return out
}

// prepare reads and validates a stack's inputs and its migration mapping.
func prepare(p stack.Project, s *stack.Stack, opts Options) (plannedStack, error) {
	build, err := p.Prepare(s)
	if err != nil {
		return plannedStack{}, err
	}
	ps := plannedStack{stack: s, buildFn: build}
	if !p.AccountWide && !opts.SkipMigrations {
		if ps.mapping, err = migrate.Load(opts.Root, s.Names); err != nil {
			return plannedStack{}, err
		}
	}
	return ps, nil
}

// build creates the stack's resources, then puts the migration's moves and
// imports on the finished stack, found by address.
func (ps plannedStack) build() error {
	if err := runBuild(ps.buildFn); err != nil {
		return err
	}
	if ps.mapping != nil {
		return migrate.Apply(ps.stack.Scope, ps.mapping)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func checkUniqueProjects(projects []stack.Project) error {
	seen := map[string]bool{}
	var dups []string
	for _, p := range projects {
		if seen[p.Name] {
			dups = append(dups, p.Name)
		}
		seen[p.Name] = true
	}
	if len(dups) > 0 {
		sort.Strings(dups)
		return core.Errorf("projects", "give each project a unique name", "registered more than once: %v", dups)
	}
	return nil
}

// swap replaces outdir with staging. The old output is moved aside first and
// removed only after the new one is in place, so at every moment outdir is
// either the complete old output or the complete new one.
func swap(staging, outdir string) error {
	old := outdir + ".old"
	if err := os.RemoveAll(old); err != nil {
		return err
	}
	if err := carryOverTerraformState(outdir, staging); err != nil {
		return err
	}
	hadOld := true
	if err := os.Rename(outdir, old); err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("moving previous output aside: %w", err)
		}
		hadOld = false
	}
	if err := os.Rename(staging, outdir); err != nil {
		if hadOld {
			_ = os.Rename(old, outdir)
		}
		return fmt.Errorf("moving new output into place: %w", err)
	}
	if hadOld {
		return os.RemoveAll(old)
	}
	return nil
}

// runBuild turns a configuration error raised as a panic deep inside a
// construct (constructors cannot return errors) back into an error.
func runBuild(build func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			var ce *core.ConfigError
			if e, ok := r.(error); ok && errors.As(e, &ce) {
				err = e
				return
			}
			panic(r)
		}
	}()
	return build()
}

// terraformWorkFiles are what `terraform init` leaves in a stack folder. They
// survive re-synthesis so a stack is not re-initialized after every edit.
// The local state file of an account-wide stack with LocalState is kept too.
var terraformWorkFiles = []string{".terraform", ".terraform.lock.hcl", stack.LocalStateFile, stack.LocalStateFile + ".backup"}

// carryOverTerraformState moves terraform's working files of every stack that
// still exists from the previous output into the new one.
func carryOverTerraformState(outdir, staging string) error {
	entries, err := os.ReadDir(filepath.Join(outdir, "stacks"))
	if err != nil {
		return nil // no previous output
	}
	for _, e := range entries {
		dst := filepath.Join(staging, "stacks", e.Name())
		if info, err := os.Stat(dst); err != nil || !info.IsDir() {
			continue
		}
		for _, name := range terraformWorkFiles {
			src := filepath.Join(outdir, "stacks", e.Name(), name)
			if _, err := os.Lstat(src); err != nil {
				continue
			}
			if err := os.Rename(src, filepath.Join(dst, name)); err != nil {
				return fmt.Errorf("keeping %s: %w", src, err)
			}
		}
	}
	return nil
}
