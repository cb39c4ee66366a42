// Package tfcheck has real Terraform judge the synthesized stacks, offline:
// for each stack, in a scratch copy, `terraform init` from a local provider
// mirror, `terraform validate`, and `terraform plan` of a fresh account,
// with every AWS call answered by a loopback stub (internal/awsstub).
//
// A stack passes when init, validate and plan give no error and no warning
// that Explained does not account for, the plan destroys and replaces
// nothing, and the plan made no AWS call the stub did not expect.
// docs/verification.md says what this sees and what it cannot.
package tfcheck

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Options say which stacks to check and how.
type Options struct {
	// Outdir holds the synthesized stacks (stacks/<name>/cdk.tf.json).
	Outdir string
	// Stacks are the stacks to check. Defaults to every stack in Outdir.
	Stacks []string
	// Parallel is how many stacks are checked at once. Defaults to 2: init,
	// validate and plan are single-threaded enough that two stacks keep two
	// cores busy.
	Parallel int
	// PlanJSONDir, when set, receives <stack>.tfplan.json, `terraform show
	// -json` of each plan (what `make scan` gives Trivy).
	PlanJSONDir string
	// Scratch is where stacks are copied. Defaults to a temporary folder,
	// removed afterwards.
	Scratch string
	// Progress, when set, gets a line per stack as it finishes.
	Progress io.Writer
}

// StackNames lists the stacks synthesized in outdir, sorted.
func StackNames(outdir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(outdir, "stacks", "*", "cdk.tf.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no stacks in %s: run `make synth`", filepath.Join(outdir, "stacks"))
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(filepath.Dir(f)))
	}
	sort.Strings(names)
	return names, nil
}

// Check runs every stack of opts and returns their results in the order
// of opts.Stacks (sorted names when not given). An error means the check
// could not run at all; a stack that fails has Problems.
func Check(ctx context.Context, tc *Toolchain, opts Options) ([]*Result, error) {
	names, err := stacksToCheck(opts)
	if err != nil {
		return nil, err
	}
	scratch := opts.Scratch
	if scratch == "" {
		dir, err := os.MkdirTemp("", "talkwise-tfcheck-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		scratch = dir
	}
	ws, err := NewWorkspace(tc, scratch)
	if err != nil {
		return nil, err
	}
	if opts.PlanJSONDir != "" {
		if err := os.MkdirAll(opts.PlanJSONDir, 0o755); err != nil {
			return nil, err
		}
	}
	parallel := opts.Parallel
	if parallel < 1 {
		parallel = 2
	}

	// Stacks that can be child modules are checked together, in one
	// terraform run per provider constraint (plantogether.go), while the
	// workers check the others alone. When each plan's JSON is wanted, every
	// stack is planned alone and only validated together.
	groups, alone, err := groupTogether(opts.Outdir, names)
	if err != nil {
		return nil, err
	}
	var validatedTogether map[string]*pendingValidation
	if opts.PlanJSONDir != "" {
		validatedTogether = ws.startTogether(ctx, opts.Outdir, groups)
		alone, groups = names, nil
	}
	run := newCheckRun(ws, opts, names)
	var wg sync.WaitGroup
	for constraints, members := range groups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run.together(ctx, constraints, members)
		}()
	}
	queue := make(chan string)
	for range max(1, parallel-len(groups)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range queue {
				run.alone(ctx, n, validatedTogether[n])
			}
		}()
	}
	// The biggest stacks first, so the workers finish close together.
	for _, n := range bySize(opts.Outdir, alone) {
		queue <- n
	}
	close(queue)
	wg.Wait()
	return run.outcome()
}

// stacksToCheck are opts.Stacks, or every stack in opts.Outdir, each
// synthesized.
func stacksToCheck(opts Options) ([]string, error) {
	names := opts.Stacks
	if len(names) == 0 {
		var err error
		if names, err = StackNames(opts.Outdir); err != nil {
			return nil, err
		}
	}
	for _, n := range names {
		if _, err := os.Stat(filepath.Join(opts.Outdir, "stacks", n, "cdk.tf.json")); err != nil {
			return nil, fmt.Errorf("stack %s is not synthesized in %s: run `make synth`, or `go run . list` for the stacks", n, opts.Outdir)
		}
	}
	return names, nil
}

// checkRun collects the results of one Check, from the goroutines that
// check stacks together and alone, in the order of its names.
type checkRun struct {
	ws      *Workspace
	opts    Options
	names   []string
	index   map[string]int
	results []*Result
	errs    []error

	progress sync.Mutex
}

func newCheckRun(ws *Workspace, opts Options, names []string) *checkRun {
	r := &checkRun{ws: ws, opts: opts, names: names, index: map[string]int{},
		results: make([]*Result, len(names)), errs: make([]error, len(names))}
	for i, n := range names {
		r.index[n] = i
	}
	return r
}

// together checks members in one shared run.
func (r *checkRun) together(ctx context.Context, constraints string, members []string) {
	got, err := r.ws.checkTogether(ctx, r.opts.Outdir, members, constraints)
	for _, n := range members {
		r.record(n, got[n], err)
	}
}

// alone checks one stack on its own; verdict, when set, is its validation
// by a shared validate run.
func (r *checkRun) alone(ctx context.Context, name string, verdict *pendingValidation) {
	t := Target{Name: name, Dir: filepath.Join(r.opts.Outdir, "stacks", name), SkipValidate: verdict != nil}
	if r.opts.PlanJSONDir != "" {
		t.PlanJSON = filepath.Join(r.opts.PlanJSONDir, name+".tfplan.json")
	}
	res, err := r.ws.Run(ctx, t)
	if err == nil && verdict != nil {
		verdict.wait().apply(r.ws, res)
	}
	r.record(name, res, err)
}

// record judges a stack's fresh plan, keeps its result and prints its line.
func (r *checkRun) record(name string, res *Result, err error) {
	if err == nil {
		judgeFreshPlan(res)
	}
	i := r.index[name]
	r.results[i], r.errs[i] = res, err
	if r.opts.Progress == nil {
		return
	}
	r.progress.Lock()
	defer r.progress.Unlock()
	if err != nil {
		fmt.Fprintf(r.opts.Progress, "%s: %v\n", name, err)
	} else {
		fmt.Fprintln(r.opts.Progress, Line(res))
	}
}

// outcome is every result, or the first stack that could not be checked.
func (r *checkRun) outcome() ([]*Result, error) {
	for i, err := range r.errs {
		if err != nil {
			return r.results, fmt.Errorf("%s: %w", r.names[i], err)
		}
	}
	return r.results, nil
}

// judgeFreshPlan fails a first plan that destroys or replaces anything: in
// a fresh account there is nothing to destroy, so either means the stack
// depends on something it should not (an import of an object that differs
// in a way that forces a new one).
func judgeFreshPlan(res *Result) {
	if res.Plan == nil {
		return
	}
	for _, ch := range res.Plan.Changes {
		switch ch.Action {
		case "delete":
			res.problem("the plan destroys %s", ch.Address)
		case "replace":
			forced := ""
			if len(ch.ReplacePaths) > 0 {
				forced = ", forced by " + strings.Join(ch.ReplacePaths, ", ")
			}
			res.problem("the plan replaces %s (%s%s): an object it adopts differs where AWS cannot change it in place", ch.Address, ch.Reason, forced)
		}
	}
}

// bySize orders names by the size of their stack, biggest first.
func bySize(outdir string, names []string) []string {
	size := map[string]int64{}
	for _, n := range names {
		if st, err := os.Stat(filepath.Join(outdir, "stacks", n, "cdk.tf.json")); err == nil {
			size[n] = st.Size()
		}
	}
	order := append([]string(nil), names...)
	sort.SliceStable(order, func(a, b int) bool { return size[order[a]] > size[order[b]] })
	return order
}

// Line is one stack's verdict on one line: valid, the plan's counts, time.
func Line(r *Result) string {
	valid := "invalid"
	if r.Valid {
		valid = "valid"
	}
	counts := "no plan"
	if r.Plan != nil {
		counts = r.Plan.Counts.String()
	}
	verdict := "ok"
	if r.Failed() {
		verdict = fmt.Sprintf("FAILED (%d problems)", len(r.Problems))
	}
	line := fmt.Sprintf("%-36s %-7s %-44s %5.1fs  %s", r.Stack, valid, counts, r.Total.Seconds(), verdict)
	if r.Together > 1 {
		line += fmt.Sprintf(" (one run for %d stacks)", r.Together)
	}
	return line
}

// Report writes every result: one line per stack, then each problem and
// explained warning, then the totals.
func Report(w io.Writer, results []*Result, wall time.Duration, parallel int) (failed int) {
	for _, r := range results {
		fmt.Fprintln(w, Line(r))
	}
	for _, r := range results {
		for _, e := range r.Explained {
			fmt.Fprintf(w, "  %s: explained warning: %s\n    why: %s\n", r.Stack, e.Diagnostic, e.Reason)
		}
		for _, p := range r.Problems {
			fmt.Fprintf(w, "  %s: %s\n", r.Stack, p)
		}
		if r.Failed() {
			failed++
		}
	}
	if parallel < 1 {
		parallel = 2
	}
	fmt.Fprintf(w, "%d stacks, %d failed, in %.1fs (%d at a time)\n", len(results), failed, wall.Seconds(), parallel)
	return failed
}
