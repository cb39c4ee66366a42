package tfcheck

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/internal/awsstub"
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
)

// Stacks that can be child modules (validatesTogether) are checked together:
// one root calls each as module.<stack>, and one terraform init, validate
// and plan judge them all. Each command starts the AWS provider and loads
// its schema, seconds of CPU here, once per run instead of once per stack;
// planning the eight project stacks together takes about half the CPU of
// planning them one by one (docs/verification.md, "Time").
//
// Nothing is shared that a stack's own check would keep apart: each module
// keeps its own provider configuration (its own default tags), and signs its
// AWS calls with its own access key, which the stub answers from that
// stack's fresh account only and records apart. Diagnostics and changes are
// given to the stack whose module they name; what names no stack is given to
// every stack. When the shared plan fails, the stacks it did not blame are
// planned again on their own, so one broken stack never hides another's
// verdict.

// stackAccessKey is the access key the i-th stack of a shared run signs
// with (AWS access key IDs are 20 characters).
func stackAccessKey(i int) string { return fmt.Sprintf("AKIAOFFLINEPLAN%05d", i+1) }

// groupTogether splits names into groups that can be checked together (two
// or more stacks that validatesTogether, with one provider constraint) and
// the stacks left to check alone.
func groupTogether(outdir string, names []string) (groups map[string][]string, alone []string, err error) {
	byConstraint := map[string][]string{}
	for _, n := range names {
		doc, err := tfjson.ReadFile(filepath.Join(outdir, "stacks", n, "cdk.tf.json"))
		if err != nil {
			return nil, nil, err
		}
		if !validatesTogether(doc) {
			alone = append(alone, n)
			continue
		}
		c := constraintsOf(doc)
		byConstraint[c] = append(byConstraint[c], n)
	}
	groups = map[string][]string{}
	for c, members := range byConstraint {
		if len(members) < 2 {
			alone = append(alone, members...) // one stack gains nothing from a shared run
			continue
		}
		groups[c] = members
	}
	return groups, alone, nil
}

// checkTogether checks names (one provider constraint) in one shared run
// and returns each stack's result, as Run would have given it.
func (w *Workspace) checkTogether(ctx context.Context, outdir string, names []string, constraints string) (map[string]*Result, error) {
	start := time.Now()
	run, err := w.newSharedRun(outdir, names, constraints)
	if err != nil {
		return nil, err
	}
	defer run.stub.Close()
	results := map[string]*Result{}
	for _, n := range names {
		results[n] = &Result{Stack: n, Together: len(names)}
	}

	step := time.Now()
	out, runErr := run.tf.run(ctx, "init", "-json", "-input=false", "-no-color")
	initTime := time.Since(step)
	if runErr != nil {
		// Init reads no stack's resources: its failure is everyone's.
		for _, res := range results {
			w.judge(res, "init", out, runErr)
			res.Init, res.Total = initTime, time.Since(start)
		}
		return results, nil
	}
	diags, err := streamDiagnostics(out.stdout)
	if err != nil {
		return nil, fmt.Errorf("init: reading its JSON output: %v", err)
	}
	byStack, shared := routeDiagnostics(names, diags)
	for n, res := range results {
		w.sort(res, "init", append(byStack[n], shared...))
	}

	// Validate and plan side by side: neither writes to the folder (the
	// plan is not saved), and the plan validates the configuration again
	// before it plans, so it needs nothing from validate.
	var verdicts map[string]*validation
	var validateTime time.Duration
	validated := make(chan struct{})
	go func() {
		defer close(validated)
		step := time.Now()
		out, err := run.tf.run(ctx, "validate", "-json", "-no-color")
		verdicts, validateTime = judgeTogether(names, out, err), time.Since(step)
	}()
	step = time.Now()
	out, runErr = run.tf.run(ctx, "plan", "-json", "-input=false", "-lock=false", "-no-color")
	planTime := time.Since(step)
	<-validated
	for n, v := range verdicts {
		v.apply(w, results[n])
	}
	again := w.takeShares(run, results, out, runErr)
	for _, res := range results {
		res.Init, res.Validate, res.PlanTime = initTime, validateTime, planTime
		res.Total = time.Since(start)
	}
	for _, n := range again {
		alone, err := w.Run(ctx, Target{Name: n, Dir: filepath.Join(outdir, "stacks", n), SkipValidate: true})
		if err != nil {
			return nil, err
		}
		res := results[n]
		res.Plan, res.Calls, res.Together = alone.Plan, alone.Calls, 0
		res.Problems = append(res.Problems, alone.Problems...)
		res.Explained = append(res.Explained, alone.Explained...)
		res.PlanTime, res.Total = alone.PlanTime, time.Since(start)
	}
	return results, nil
}

// sharedRun is the folder, the AWS stub and the terraform of one shared
// run.
type sharedRun struct {
	names []string
	// keys are the access keys the stacks sign with, by stack.
	keys map[string]string
	stub *awsstub.Server
	tf   *terraform
}

// newSharedRun copies names into a root that calls each as a module, each
// with the offline override and its own access key, and starts the stub
// that answers each key from its stack's fresh account.
func (w *Workspace) newSharedRun(outdir string, names []string, constraints string) (*sharedRun, error) {
	// A stack's copy is named after it; this folder's name is no stack's.
	dir, err := os.MkdirTemp(w.dir, ".plan-together-")
	if err != nil {
		return nil, err
	}
	run := &sharedRun{names: names, keys: map[string]string{}}
	accounts := map[string]awsstub.Account{}
	modules := map[string]any{}
	for i, n := range names {
		sub := filepath.Join(dir, n)
		if err := copyStack(filepath.Join(outdir, "stacks", n), sub); err != nil {
			return nil, err
		}
		doc, err := tfjson.ReadFile(filepath.Join(sub, "cdk.tf.json"))
		if err != nil {
			return nil, err
		}
		run.keys[n] = stackAccessKey(i)
		if err := w.prepare(sub, doc, run.keys[n]); err != nil {
			return nil, err
		}
		accounts[run.keys[n]] = FreshAccount(core.Talkwise, doc)
		modules[n] = map[string]any{"source": "./" + n}
	}
	if err := w.writeRoot(dir, modules, constraints, "every stack as a child module, initialized, validated and planned in one terraform run"); err != nil {
		return nil, err
	}
	if run.stub, err = awsstub.StartAccounts(accounts); err != nil {
		return nil, err
	}
	run.tf = &terraform{bin: w.tc.Terraform, dir: dir, env: w.env(run.stub.URL())}
	return run, nil
}

// takeShares gives each stack its share of the shared plan (out, runErr):
// its diagnostics, its changes, its AWS calls. It returns the stacks to plan
// again alone: those a failed plan did not blame while it blamed another.
func (w *Workspace) takeShares(run *sharedRun, results map[string]*Result, out output, runErr error) (again []string) {
	shares, shared, splitErr := splitPlanStream(run.names, out.stdout)
	blamed := map[string]bool{} // stacks the failed plan has an error about
	for _, n := range run.names {
		for _, d := range shares[n].diags {
			if d.Severity == "error" {
				blamed[n] = true
			}
		}
	}
	for _, n := range run.names {
		res := results[n]
		w.sort(res, "plan", append(shares[n].diags, shared...))
		switch {
		case runErr == nil && splitErr != nil:
			res.problem("plan: %v", splitErr)
		case runErr == nil:
			res.Plan = shares[n].plan
		case !blamed[n] && len(blamed) > 0:
			again = append(again, n) // another stack broke the shared plan
		case !blamed[n]:
			res.problem("plan failed: %v: %s", runErr, truncate(strings.TrimSpace(string(out.stderr)), 600))
		}
		res.Calls = run.stub.CallsOf(run.keys[n])
		res.unexpected(run.stub.UnexpectedOf(run.keys[n]))
		res.unexpected(run.stub.UnexpectedOf("")) // a call no key signed: nobody's, so everyone's
	}
	return again
}

// writeRoot writes the root module of a shared run: the provider
// constraint, the module calls, and the lock file of the mirror's provider.
func (w *Workspace) writeRoot(dir string, modules map[string]any, constraints, what string) error {
	root := map[string]any{
		"//":        "Written by internal/tfcheck: " + what + ".",
		"terraform": map[string]any{"required_providers": map[string]any{"aws": map[string]any{"source": providerSource, "version": constraints}}},
		"module":    modules,
	}
	raw, err := jsonIndent(root)
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "main.tf.json"), raw, 0o644)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, ".terraform.lock.hcl"), []byte(w.tc.lockFile(constraints)), 0o644)
	}
	return err
}

// planShare is the part of a shared plan that is one stack's, with the
// addresses its own plan would give.
type planShare struct {
	diags []Diagnostic
	plan  *Plan
}

// splitPlanStream splits `terraform plan -json` of a shared run among the
// stacks: each diagnostic and change goes to the stack whose module it
// names, "module.<stack>." taken off its address. shared are the
// diagnostics that name no stack. The error says why the changes could not
// be read (no plan was made, or its summary disagrees with its changes).
func splitPlanStream(names []string, out []byte) (shares map[string]*planShare, shared []Diagnostic, err error) {
	shares = map[string]*planShare{}
	for _, n := range names {
		shares[n] = &planShare{}
	}
	diags, err := streamDiagnostics(out)
	if err != nil {
		return shares, nil, err
	}
	byStack, shared := routeDiagnostics(names, diags)
	for n, d := range byStack {
		shares[n].diags = d
	}
	whole, err := ReadPlanStream(out)
	if err != nil {
		return shares, shared, err
	}
	for _, n := range names {
		shares[n].plan = &Plan{}
	}
	for _, ch := range whole.Changes {
		n := moduleOf(ch.Address, names)
		if n == "" {
			return shares, shared, fmt.Errorf("the shared plan changes %s, which is in no stack's module", ch.Address)
		}
		prefix := "module." + n + "."
		ch.Address = strings.TrimPrefix(ch.Address, prefix)
		ch.PreviousAddress = strings.TrimPrefix(ch.PreviousAddress, prefix)
		p := shares[n].plan
		p.Changes = append(p.Changes, ch)
		p.Counts.add(ch)
	}
	return shares, shared, nil
}

// moduleOf names the stack whose module holds address.
func moduleOf(address string, names []string) string {
	for _, n := range names {
		if strings.HasPrefix(address, "module."+n+".") {
			return n
		}
	}
	return ""
}

func jsonIndent(v any) ([]byte, error) { return json.MarshalIndent(v, "", "  ") }
