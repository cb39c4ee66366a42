package tfcheck

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// validation is `terraform validate`'s verdict on one stack.
type validation struct {
	valid bool
	diags []Diagnostic
	// problem, when set, is why the verdict could not be had.
	problem string
}

// validatesTogether reports whether a stack can be validated as a child
// module of a shared root: import and removed blocks are allowed only in
// a root module, and a variable would have to be given by the module call,
// so a stack with any of them is validated on its own.
func validatesTogether(doc map[string]any) bool {
	for _, rootOnly := range []string{"import", "removed", "variable"} {
		if _, ok := doc[rootOnly]; ok {
			return false
		}
	}
	return true
}

// pendingValidation is a verdict a shared validate run will give.
type pendingValidation struct {
	done    <-chan struct{}
	verdict *validation // set before done is closed
}

func (p *pendingValidation) wait() *validation {
	<-p.done
	return p.verdict
}

// startTogether starts one validate run for each group of groups (by
// provider constraint, from groupTogether) and returns the stacks' pending
// verdicts.
func (w *Workspace) startTogether(ctx context.Context, outdir string, groups map[string][]string) map[string]*pendingValidation {
	pending := map[string]*pendingValidation{}
	for c, members := range groups {
		done := make(chan struct{})
		group := make([]*pendingValidation, len(members))
		for i, n := range members {
			group[i] = &pendingValidation{done: done}
			pending[n] = group[i]
		}
		go func() {
			defer close(done)
			got := w.validateTogether(ctx, members, outdir, c)
			for i, n := range members {
				group[i].verdict = got[n]
			}
		}()
	}
	return pending
}

// harnessWarnings are the warnings that checking stacks as child modules
// adds, which say nothing about a stack (each stack is its own root module
// where it is deployed, and Terraform gives neither warning for a root):
//   - a child module's backend block has no effect;
//   - a child module's provider block that an override file extends (the
//     offline settings of a shared plan) is taken for a "proxy" provider
//     block, one that only declares the module's need of a provider.
var harnessWarnings = map[string]bool{
	"Backend configuration ignored":  true,
	"Redundant empty provider block": true,
}

// validateTogether runs one `terraform validate` over the stacks in names
// (all with the provider constraint constraints), each the child module
// "module.<name>" of a root that holds nothing else, and returns each
// stack's verdict. Terraform validates a module the same way wherever it
// sits ("it's sometimes convenient to temporarily call a root module as a
// child module for testing purposes", its own warning says), and one run
// loads the provider's schema once instead of once per stack: a provider
// start costs seconds of CPU here.
func (w *Workspace) validateTogether(ctx context.Context, names []string, outdir, constraints string) map[string]*validation {
	out := map[string]*validation{}
	fail := func(format string, args ...any) map[string]*validation {
		msg := fmt.Sprintf(format, args...)
		for _, n := range names {
			out[n] = &validation{problem: msg}
		}
		return out
	}
	// A stack's copy is named after it; this folder's name is no stack's.
	dir, err := os.MkdirTemp(w.dir, ".validate-together-")
	if err != nil {
		return fail("validate: %v", err)
	}
	modules := map[string]any{}
	for _, n := range names {
		if err := os.MkdirAll(filepath.Join(dir, n), 0o755); err != nil {
			return fail("validate: %v", err)
		}
		if err := copyFile(filepath.Join(outdir, "stacks", n, "cdk.tf.json"), filepath.Join(dir, n, "cdk.tf.json")); err != nil {
			return fail("validate: %v", err)
		}
		modules[n] = map[string]any{"source": "./" + n}
	}
	if err := w.writeRoot(dir, modules, constraints, "every stack as a child module, validated in one terraform run"); err != nil {
		return fail("validate: %v", err)
	}
	// Validation makes no AWS call: the endpoint is a closed loopback port.
	tf := &terraform{bin: w.tc.Terraform, dir: dir, env: w.env("http://127.0.0.1:9")}
	if o, err := tf.run(ctx, "init", "-backend=false", "-input=false", "-no-color"); err != nil {
		return fail("validate: %v: %s", err, truncate(strings.TrimSpace(string(o.stdout)+string(o.stderr)), 600))
	}
	o, err := tf.run(ctx, "validate", "-json", "-no-color")
	return judgeTogether(names, o, err)
}

// judgeTogether splits a shared validate run's diagnostics among the
// stacks they are about.
func judgeTogether(names []string, o output, runErr error) map[string]*validation {
	out := map[string]*validation{}
	_, diags, err := validateDiagnostics(o.stdout)
	if err != nil {
		for _, n := range names {
			out[n] = &validation{problem: fmt.Sprintf("validate: %v (stderr: %s)", err, truncate(string(o.stderr), 400))}
		}
		return out
	}
	byStack, shared := routeDiagnostics(names, diags)
	for _, n := range names {
		v := &validation{valid: true, diags: append(byStack[n], shared...)}
		for _, d := range v.diags {
			v.valid = v.valid && d.Severity != "error"
		}
		out[n] = v
	}
	blamed := false
	for _, v := range out {
		blamed = blamed || !v.valid
	}
	if runErr != nil && !blamed {
		// Terraform failed yet blamed no stack: none can be called valid.
		for _, v := range out {
			v.problem = fmt.Sprintf("validate: %v: %s", runErr, truncate(string(o.stderr), 400))
		}
	}
	return out
}

// routeDiagnostics gives each diagnostic of a shared run to the stack it
// is about, its file named as in the stack's own folder; shared are those
// about no stack. The harness's own warning is dropped.
func routeDiagnostics(names []string, diags []Diagnostic) (byStack map[string][]Diagnostic, shared []Diagnostic) {
	byStack = map[string][]Diagnostic{}
	for _, d := range dropHarnessWarnings(diags) {
		n := stackOf(d, names)
		if n == "" {
			shared = append(shared, d)
			continue
		}
		if d.Range != nil {
			// Point into the stack's own folder, as its own run would.
			r := *d.Range
			r.Filename = strings.TrimPrefix(filepath.ToSlash(r.Filename), n+"/")
			d.Range = &r
		}
		d.Address = strings.TrimPrefix(d.Address, "module."+n+".")
		byStack[n] = append(byStack[n], d)
	}
	return byStack, shared
}

// dropHarnessWarnings leaves out the warnings that calling stacks as child
// modules adds (harnessWarnings).
func dropHarnessWarnings(diags []Diagnostic) []Diagnostic {
	var out []Diagnostic
	for _, d := range diags {
		if d.Severity == "warning" && harnessWarnings[d.Summary] {
			continue
		}
		out = append(out, d)
	}
	return out
}

// stackOf names the stack a diagnostic is about: by the file it points at
// ("<stack>/cdk.tf.json"), else by its module address ("module.<stack>.").
func stackOf(d Diagnostic, names []string) string {
	for _, n := range names {
		if d.Range != nil && strings.HasPrefix(filepath.ToSlash(d.Range.Filename), n+"/") {
			return n
		}
		if strings.HasPrefix(d.Address, "module."+n+".") {
			return n
		}
	}
	return ""
}

// apply records the verdict on the stack's result as its own validate
// would have.
func (v *validation) apply(w *Workspace, res *Result) {
	if v.problem != "" {
		res.problem("%s", v.problem)
		return
	}
	w.sort(res, "validate", v.diags)
	res.Valid = v.valid
	if !v.valid {
		res.problem("validate: the configuration is not valid")
	}
}
