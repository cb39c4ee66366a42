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
	"strings"
	"syscall"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/cleanup"
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
		return nil, describeFSError(err)
	}
	// Finish or undo what an interrupted run left, before anything else.
	if err := locked(parent, func() error {
		return errors.Join(recoverOutput(outdir), sweepStaging(outdir))
	}); err != nil {
		return nil, err
	}
	staging, err := cleanup.TempDir(parent, stagingPrefix(outdir))
	if err != nil {
		return nil, fmt.Errorf("creating a staging folder beside %s: %w", outdir, describeFSError(err))
	}
	// On every path (a signal included) the staging folder goes, and the
	// Terraform files carried into it go back first. After a successful
	// swap it no longer exists.
	cleanup.Register(staging, func() { _ = discard(staging, outdir) })
	defer func() {
		cleanup.Forget(staging)
		if derr := discard(staging, outdir); derr != nil && err == nil {
			err = derr
		}
	}()
	if opts.BuildDir == "" {
		buildDir, err := cleanup.TempDir("", "talkwise-build-")
		if err != nil {
			return nil, describeFSError(err)
		}
		defer cleanup.Remove(buildDir)
		opts.BuildDir = buildDir
	}

	app := NewApp(staging)
	stackNames, err = Build(app, projects, opts)
	if err != nil {
		return nil, err
	}
	if err := synthApp(app, staging); err != nil {
		return nil, err
	}
	// Policy checks (internal/policy) read the resolved JSON in staging, so
	// a violation fails the synth before the previous output is replaced.
	if err := policy.CheckDirWith(staging, stackNames, policy.Options{NotSecrets: notSecretsByStack(projects)}); err != nil {
		return nil, err
	}
	if opts.BeforeSwap != nil {
		if err := opts.BeforeSwap(staging); err != nil {
			return nil, describeFSError(err)
		}
	}
	if err := locked(parent, func() error { return swap(staging, outdir) }); err != nil {
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
	projects = withSettingsFiles(projects, opts.Root)
	var errs []error
	// State keys are compared across every project, selected or not: a
	// stack sharing an unselected stack's state is as dangerous.
	if err := stack.CheckStateKeysUnique(projects); err != nil {
		errs = append(errs, core.Leaves(err)...)
	}
	var planned []plannedStack
	for _, p := range projects {
		if err := p.Validate(); err != nil {
			errs = append(errs, placed(err, p.SettingsFile, "project "+p.Name)...)
			continue
		}
		var failed perStack
		for _, s := range newStacks(app, p, opts, only) {
			ps, err := prepare(p, s, opts)
			if err != nil {
				failed.add(s.Name(), core.InFileAll(err, p.SettingsFile))
				continue
			}
			planned = append(planned, ps)
		}
		errs = append(errs, failed.errors()...)
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

// withSettingsFiles fills each project's SettingsFile with the conventional
// projects/<name>/project.go when it exists under root, so settings errors
// name the file.
func withSettingsFiles(projects []stack.Project, root string) []stack.Project {
	out := make([]stack.Project, len(projects))
	for i, p := range projects {
		if p.SettingsFile == "" {
			f := stack.DefaultSettingsFile(p.Name)
			if _, err := os.Stat(filepath.Join(root, f)); err == nil {
				p.SettingsFile = f
			}
		}
		out[i] = p
	}
	return out
}

// placed puts err's single errors in file (when they name no file of their
// own) and prefixes each with scope.
func placed(err error, file, scope string) []error {
	var out []error
	for _, e := range core.Leaves(core.InFileAll(err, file)) {
		out = append(out, fmt.Errorf("%s: %w", scope, e))
	}
	return out
}

// perStack collects one project's errors by stack, so an error every
// environment shares (a settings mistake, a bad line in schedules.yaml) is
// printed once, naming the stacks it affects.
type perStack struct {
	order  []string
	stacks map[string][]string
	errs   map[string]error
}

func (p *perStack) add(stackName string, err error) {
	if p.stacks == nil {
		p.stacks, p.errs = map[string][]string{}, map[string]error{}
	}
	for _, e := range core.Leaves(err) {
		msg := e.Error()
		if _, seen := p.errs[msg]; !seen {
			p.order = append(p.order, msg)
			p.errs[msg] = e
		}
		p.stacks[msg] = append(p.stacks[msg], stackName)
	}
}

func (p *perStack) errors() []error {
	var out []error
	for _, msg := range p.order {
		scope := "stack " + p.stacks[msg][0]
		if len(p.stacks[msg]) > 1 {
			scope = "stacks " + strings.Join(p.stacks[msg], ", ")
		}
		out = append(out, fmt.Errorf("%s: %w", scope, p.errs[msg]))
	}
	return out
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

// synthApp writes the stacks into staging. cdktf reports a failed write
// (a full disk) as a panic without the folder it was writing.
func synthApp(app cdktf.App, staging string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = describeFSError(fmt.Errorf("writing the synthesized stacks into %s: %v", staging, r))
		}
	}()
	app.Synth()
	return nil
}

// locked runs fn holding an exclusive lock on dir (the output's parent), so
// two synths into one folder never recover or swap at the same time. The
// kernel drops the lock if the process dies.
func locked(dir string, fn func() error) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("locking %s: %w", dir, err)
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return fn()
}

// notSecretsByStack maps each stack to its project's NotSecrets.
func notSecretsByStack(projects []stack.Project) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, p := range projects {
		for _, name := range stack.Names([]stack.Project{p}) {
			out[name] = p.NotSecrets
		}
	}
	return out
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
